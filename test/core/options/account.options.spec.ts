import { resolveAccountOptions } from '../../../lib/core/options/account.options';

describe('passwordReset.url and emailVerification.url', () => {
  const saved = process.env.NODE_ENV;
  afterEach(() => {
    if (saved === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = saved;
  });

  it('refuse http: when NODE_ENV is production (the link carries a one-time token), except on localhost', () => {
    process.env.NODE_ENV = 'production';
    expect(() => resolveAccountOptions({ passwordReset: { url: 'http://app.example/reset' } })).toThrow(/passwordReset\.url.*https/);
    expect(() => resolveAccountOptions({ emailVerification: { url: 'http://app.example/verify' } })).toThrow(/emailVerification\.url.*https/);
    for (const url of ['https://app.example/reset', 'http://localhost:3000/reset', 'http://127.0.0.1:3000/reset', 'http://[::1]:3000/reset']) {
      expect(resolveAccountOptions({ passwordReset: { url } }).passwordReset.url).toBe(url);
    }
  });

  it('accept http: outside production', () => {
    process.env.NODE_ENV = 'development';
    expect(resolveAccountOptions({ passwordReset: { url: 'http://app.example/reset' } }).passwordReset.url).toBe('http://app.example/reset');
  });
});
