import { throttleSubject } from '../../../lib/adapters/memory/memory-login.throttler';
import { clientIpKey, UNPARSED_IP_KEY } from '../../../lib/core/throttling/client-ip';
import { normalizeEmail } from '../../../lib/core/users/email';

describe('clientIpKey', () => {
  it('no address at all: undefined (the ip scope is skipped, not shared)', () => {
    for (const raw of [undefined, null, '', '   ', 42 as unknown as string]) expect(clientIpKey(raw)).toBeUndefined();
  });

  it('IPv4 as given, trimmed', () => {
    expect(clientIpKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientIpKey(' 203.0.113.7 ')).toBe('203.0.113.7');
    expect(clientIpKey('0.0.0.0')).toBe('0.0.0.0');
  });

  it('IPv4-mapped IPv6, however it is written, is the IPv4 address', () => {
    for (const raw of [
      '::ffff:1.2.3.4', '::FFFF:1.2.3.4', '::ffff:0102:0304', '::FFFF:102:304', '0:0:0:0:0:ffff:102:304',
      '0000:0000:0000:0000:0000:FFFF:0102:0304', '[::ffff:1.2.3.4]', '::ffff:1.2.3.4%eth0', ' ::ffff:1.2.3.4 ',
    ]) {
      expect([raw, clientIpKey(raw)]).toEqual([raw, '1.2.3.4']);
    }
    expect(clientIpKey('::ffff:255.254.253.252')).toBe('255.254.253.252');
    expect(clientIpKey('::ffff:fffe:fdfc')).toBe('255.254.253.252');
  });

  it('addresses near the mapped range are not mapped: ::fffe:, 1::ffff:, ::1:ffff:', () => {
    expect(clientIpKey('::fffe:1.2.3.4')).toBe('0:0:0:0::/64');
    expect(clientIpKey('1::ffff:1.2.3.4')).toBe('1:0:0:0::/64');
    expect(clientIpKey('0:0:0:0:1:ffff:102:304')).toBe('0:0:0:0::/64');
    expect(clientIpKey('::1')).toBe('0:0:0:0::/64');
  });

  it('other IPv6: the /64, one key for every spelling and every host of the subnet', () => {
    const key = '2001:db8:0:1::/64';
    for (const raw of [
      '2001:db8:0:1::1', '2001:DB8:0:1::ffff', '2001:0db8:0000:0001:0000:0000:0000:0001', '2001:db8::1:1:2:3:4',
      '[2001:db8:0:1::5]', '2001:db8:0:1::5%en0', '2001:db8:0:1:ffff:ffff:ffff:ffff', '2001:db8:0:1:0:0:1.2.3.4',
    ]) {
      expect([raw, clientIpKey(raw)]).toEqual([raw, key]);
    }
    expect(clientIpKey('2001:db8:0:2::1')).toBe('2001:db8:0:2::/64');
    expect(clientIpKey('fe80::1')).toBe('fe80:0:0:0::/64');
    expect(clientIpKey('abcd:ef01:2345:6789::')).toBe('abcd:ef01:2345:6789::/64');
    expect(clientIpKey('::')).toBe('0:0:0:0::/64');
  });

  it('anything unparseable shares one key (fails closed: no fresh counters for odd spellings)', () => {
    for (const raw of ['not an ip', '1.2.3', '1.2.3.256', '2001:db8::g', '[1.2.3.4', '1.2.3.4]', '::ffff:1.2.3', '%eth0', '[]', 'localhost']) {
      expect([raw, clientIpKey(raw)]).toEqual([raw, UNPARSED_IP_KEY]);
    }
  });
});

describe('the email+ip throttle key', () => {
  it('one key per normalised email and client key: case, spaces, Unicode forms and ip spellings do not earn new counters', () => {
    const key = throttleSubject('emailIp', { email: normalizeEmail('Alice@Example.com'), ip: '::ffff:10.0.0.1' });
    for (const [email, ip] of [
      ['alice@example.com', '10.0.0.1'], ['  ALICE@EXAMPLE.COM ', '::FFFF:a00:1'], ['alice@example.com', '[::ffff:10.0.0.1]'],
    ]) {
      expect(throttleSubject('emailIp', { email: normalizeEmail(email), ip })).toBe(key);
    }
    expect(key).toBe('alice@example.com\n10.0.0.1');
    // NFC: "é" as one code point or as e + combining accent is one email.
    expect(normalizeEmail('ren\u00e9@example.com')).toBe(normalizeEmail('rene\u0301@example.com'));
    expect(throttleSubject('emailIp', { email: 'alice@example.com', ip: '2001:db8::1' }))
      .toBe(throttleSubject('emailIp', { email: 'alice@example.com', ip: '2001:db8::2' }));
    expect(throttleSubject('emailIp', { email: 'alice@example.com', ip: '10.0.0.2' })).not.toBe(key);
    expect(throttleSubject('emailIp', { email: 'bob@example.com', ip: '10.0.0.1' })).not.toBe(key);
  });

  it('the other scopes: ip alone (its key) and email alone; no ip -> the ip scope does not apply', () => {
    expect(throttleSubject('ip', { email: 'a@example.com', ip: '::ffff:1.2.3.4' })).toBe('1.2.3.4');
    expect(throttleSubject('account', { email: 'a@example.com', ip: '1.2.3.4' })).toBe('a@example.com');
    expect(throttleSubject('ip', { email: 'a@example.com' })).toBeUndefined();
    expect(throttleSubject('emailIp', { email: 'a@example.com' })).toBe('a@example.com\n');
  });
});
