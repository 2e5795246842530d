import { resolveCookieOptions } from '../../../lib/core/http/cookie.options';
import type { HttpTransportOptions } from '../../../lib/core/http/cookie.options';

/** The transport options name the option at fault, with its full path. */
describe('resolveCookieOptions error messages', () => {
  const resolve = (options: unknown) => () => resolveCookieOptions(options as HttpTransportOptions, 60);

  it('an unknown key of cookie, or a cookie that is not an object, is named under "cookie"', () => {
    expect(resolve({ cookie: { nme: 'x' } })).toThrow('nestjs-authkit: option "cookie.nme" is not an option of nestjs-authkit (a typo?)');
    expect(resolve({ cookie: 'rt' })).toThrow('nestjs-authkit: option "cookie" must be an object');
  });

  it('clearSiteDataOnLogout must be a boolean, and says so by name', () => {
    expect(resolve({ clearSiteDataOnLogout: 'yes' })).toThrow('nestjs-authkit: option "clearSiteDataOnLogout" must be a boolean (got "yes")');
    expect(resolveCookieOptions({ clearSiteDataOnLogout: true }, 60).clearSiteDataOnLogout).toBe(true);
  });
});
