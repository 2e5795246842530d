import { isIP } from 'node:net';

/** The key every address that cannot be parsed shares (fails closed: one counter for all of them). */
export const UNPARSED_IP_KEY = 'unparsed';

/** The eight 16-bit groups of an IPv6 address `isIP` accepted (zone id already removed). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const tail = text.lastIndexOf(':');
  if (text.includes('.', tail)) {
    // An embedded IPv4 tail (`::ffff:1.2.3.4`) becomes its two groups.
    const octets = text.slice(tail + 1).split('.').map(Number);
    text = `${text.slice(0, tail + 1)}${((octets[0] << 8) | octets[1]).toString(16)}:${((octets[2] << 8) | octets[3]).toString(16)}`;
  }
  const [head, rest] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const missing = rest === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((group) => parseInt(group, 16));
}

/**
 * The throttling key of a client address: IPv4 in dotted decimal; an IPv4-mapped IPv6 address
 * (`::ffff:1.2.3.4`, `0:0:0:0:0:ffff:102:304`, any case or zero padding) as that IPv4; any other IPv6 address
 * as its /64 (`2001:db8:0:0::/64`), since one subscriber usually holds a whole /64. Brackets and a zone id
 * (`%eth0`) are dropped. Anything unparseable maps to one shared key (`unparsed`), so writing an address oddly
 * never earns fresh counters. `undefined` when there is no address at all.
 *
 * @example
 * ```ts
 * clientIpKey('::FFFF:0102:0304'); // '1.2.3.4'
 * clientIpKey('2001:db8::1:2:3:4'); // '2001:db8:0:0::/64'
 * ```
 */
export function clientIpKey(raw: string | undefined | null): string | undefined {
  if (typeof raw !== 'string') return undefined;
  let address = raw.trim();
  if (address === '') return undefined;
  if (address.startsWith('[') && address.endsWith(']')) address = address.slice(1, -1);
  const zone = address.indexOf('%');
  if (zone >= 0) address = address.slice(0, zone);
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return UNPARSED_IP_KEY;
  const groups = ipv6Groups(address);
  if (groups.length !== 8 || groups.some((g) => !Number.isInteger(g) || g < 0 || g > 0xffff)) return UNPARSED_IP_KEY;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return `${groups.slice(0, 4).map((g) => g.toString(16)).join(':')}::/64`;
}
