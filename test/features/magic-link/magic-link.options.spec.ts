import { resolveMagicLinkOptions } from '../../../lib/features/magic-link/magic-link.options';

describe('magicLink options', () => {
  it('off without the option; on with a url, 15 minutes', () => {
    expect(resolveMagicLinkOptions(undefined)).toEqual({ enabled: false, url: null, ttlSeconds: 900, register: false });
    expect(resolveMagicLinkOptions({ url: 'https://app.example/link' })).toEqual({ enabled: true, url: 'https://app.example/link', ttlSeconds: 900, register: false });
    expect(resolveMagicLinkOptions({ url: 'https://app.example/link', register: true }).register).toBe(true);
  });

  it.each([
    [{ url: 'not a url' }, 'magicLink.url'],
    [{ url: 'https://app.example/link#x' }, 'magicLink.url'],
    [{ enabled: true }, 'magicLink.url'],
    [{ url: 'https://app.example/link', ttlSeconds: 0 }, 'magicLink.ttlSeconds'],
    [{ url: 'https://app.example/link', register: 'yes' }, 'magicLink.register'],
    [{ url: 'https://app.example/link', registr: true }, 'magicLink.registr'],
    [null, 'magicLink'],
  ])('refuses %j naming %s', (options, option) => {
    expect(() => resolveMagicLinkOptions(options as never)).toThrow(`option "${option}"`);
  });
});
