/**
 * The origin the Better Auth app is configured for (`baseURL`): production serves HTTPS behind a proxy that
 * sets `X-Forwarded-For`. Shared by the app and the bench runner, which sends it as `Origin` on cookie POSTs.
 */
export const BETTER_AUTH_BASE_URL = 'https://app.bench.test';
