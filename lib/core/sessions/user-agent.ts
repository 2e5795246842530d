/** What a session keeps of the client's `User-Agent` header. */
export type SessionUserAgentMode = 'summary' | 'full' | 'none';

/** Longest header looked at; the patterns below are linear, this only bounds the work. */
const MAX_INPUT = 512;
const MAX_SUMMARY = 64;

/** Checked in order: the first match names the browser (Edge and Opera also say Chrome and Safari). */
const BROWSERS: ReadonlyArray<readonly [name: string, pattern: RegExp]> = [
  ['Edge', /\bEdg(?:e|A|iOS)?\/(\d+)/],
  ['Opera', /\b(?:OPR|OPT|Opera)\/(\d+)/],
  ['Samsung Internet', /\bSamsungBrowser\/(\d+)/],
  ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
  ['Chromium', /\bChromium\/(\d+)/],
  ['Chrome', /\b(?:Chrome|CriOS)\/(\d+)/],
  ['Safari', /\bVersion\/(\d+)[\d.]* (?:Mobile\/\w+ )?Safari\//],
];

/** Checked in order: iOS user agents also say "like Mac OS X", Android ones also say Linux. */
const SYSTEMS: ReadonlyArray<readonly [name: string, pattern: RegExp]> = [
  ['Windows', /\bWindows\b/],
  ['iOS', /\b(?:iPhone|iPad|iPod)\b/],
  ['Android', /\bAndroid\b/],
  ['ChromeOS', /\bCrOS\b/],
  ['macOS', /\b(?:Macintosh|Mac OS X)\b/],
  ['Linux', /\bLinux\b/],
];

/** The first product token (`curl/8.5.0`, `okhttp/4.12.0`, `MyApp/2.1`), for clients that are not browsers. */
const PRODUCT = /^[\x21-\x7e]{1,40}/;

/**
 * A short, human-readable description of a `User-Agent` header, as a session list shows it:
 * `'Chrome 131 on macOS'`, `'Safari 17 on iOS'`, `'Firefox 133 on Windows'`, or for other clients their
 * first product token (`'curl/8.5.0'`, with ` on <OS>` when one is recognised). At most 64 printable
 * ASCII characters. Returns `undefined` for a missing or empty header.
 */
export function summarizeUserAgent(header: string | undefined): string | undefined {
  const ua = header?.slice(0, MAX_INPUT).trim();
  if (!ua) return undefined;
  const system = SYSTEMS.find(([, pattern]) => pattern.test(ua))?.[0];
  let client: string | undefined;
  for (const [name, pattern] of BROWSERS) {
    const match = pattern.exec(ua);
    if (match) {
      client = `${name} ${match[1]}`;
      break;
    }
  }
  if (!client) {
    const product = PRODUCT.exec(ua)?.[0];
    client = product === 'Mozilla/5.0' ? 'Browser' : (product ?? 'Unknown client');
  }
  return (system ? `${client} on ${system}` : client).slice(0, MAX_SUMMARY);
}

/** What a session stores of a `User-Agent` header under `mode`. */
export function sessionUserAgent(header: string | undefined, mode: SessionUserAgentMode): string | undefined {
  if (mode === 'none') return undefined;
  if (mode === 'full') return header || undefined;
  return summarizeUserAgent(header);
}
