import { summarizeUserAgent } from '../../../lib/core/sessions/user-agent';
import { sessionUserAgent } from '../../../lib/core/sessions/user-agent';

/** Real user-agent headers of current browsers and common non-browser clients. */
const CASES: Array<[header: string, summary: string]> = [
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome 131 on macOS'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86', 'Edge 131 on Windows'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox 133 on Windows'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1', 'Safari 17 on iOS'],
  ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15', 'Safari 18 on macOS'],
  ['Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1', 'Chrome 131 on iOS'],
  ['Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36', 'Samsung Internet 26 on Android'],
  ['Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36', 'Chrome 131 on Android'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0', 'Opera 115 on Windows'],
  ['Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36', 'Chrome 131 on ChromeOS'],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0', 'Firefox 133 on Linux'],
  ['curl/8.5.0', 'curl/8.5.0'],
  ['PostmanRuntime/7.42.0', 'PostmanRuntime/7.42.0'],
  ['okhttp/4.12.0', 'okhttp/4.12.0'],
  ['MyApp/2.1 (iPhone; iOS 17.6; Scale/3.00)', 'MyApp/2.1 on iOS'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64)', 'Browser on Windows'],
];

describe('summarizeUserAgent', () => {
  it.each(CASES)('%s -> %s', (header, summary) => {
    expect(summarizeUserAgent(header)).toBe(summary);
  });

  it('is undefined for a missing or blank header', () => {
    expect(summarizeUserAgent(undefined)).toBeUndefined();
    expect(summarizeUserAgent('')).toBeUndefined();
    expect(summarizeUserAgent('   ')).toBeUndefined();
  });

  it('gives at most 64 printable ASCII characters, whatever the header', () => {
    for (const header of ['x'.repeat(10_000), `${'é'.repeat(100)} Chrome/1`, '\u0000\u0001 evil\r\nheader', `App/${'9'.repeat(500)}`]) {
      const summary = summarizeUserAgent(header)!;
      expect(summary.length).toBeLessThanOrEqual(64);
      expect(summary).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('reads at most the first 512 characters of a hostile 100 000-character header', () => {
    expect(summarizeUserAgent(`Mozilla/5.0 (${'Windows '.repeat(12_500)}`)).toBe('Browser on Windows');
    expect(summarizeUserAgent(`Version/1${'.1'.repeat(50_000)}`)).toBe(`Version/1${'.1'.repeat(50_000)}`.slice(0, 40));
  });
});

describe('sessionUserAgent', () => {
  const chrome = CASES[0][0];
  it("'summary' summarizes, 'full' keeps the header, 'none' keeps nothing", () => {
    expect(sessionUserAgent(chrome, 'summary')).toBe('Chrome 131 on macOS');
    expect(sessionUserAgent(chrome, 'full')).toBe(chrome);
    expect(sessionUserAgent(chrome, 'none')).toBeUndefined();
    expect(sessionUserAgent(undefined, 'full')).toBeUndefined();
  });
});
