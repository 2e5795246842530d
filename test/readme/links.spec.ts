import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

/** The documents whose links are checked: the README, the changelog and every page of docs/. */
function documents(): string[] {
  const docs = readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join(root, 'docs', name));
  return [join(root, 'README.md'), join(root, 'CHANGELOG.md'), ...docs];
}

/** A fenced code block (``` or ~~~), from its opening line to its closing one. */
const FENCED = /^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm;

/** The markdown outside fenced code blocks and inline code spans (a link shown as code is not a link); lines kept. */
function prose(markdown: string): string {
  return markdown.replace(FENCED, (block) => block.replace(/[^\n]/g, '')).replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchor (github-slugger): lower case, punctuation dropped, each space a hyphen. */
export function slug(heading: string): string {
  const text = heading.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').trim().toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Every anchor a document offers: its headings' slugs (repeats get -1, -2... as on GitHub). */
function anchors(path: string): Set<string> {
  const markdown = readFileSync(path, 'utf8').replace(FENCED, '');
  const seen = new Map<string, number>();
  const found = new Set<string>();
  for (const match of markdown.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(match[1]);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  return found;
}

/** Every link target of a document: inline links and images, `[text](target)`, with the line they are on. */
function links(path: string): { target: string; line: number }[] {
  const text = prose(readFileSync(path, 'utf8'));
  return [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => ({
    target: match[1],
    line: text.slice(0, match.index).split('\n').length,
  }));
}

/** Why a link is broken, or null: a missing file or folder, or an anchor no heading of the target makes. */
function brokenBecause(from: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null; // https:, mailto:...: not checked here
  const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
  const file = pathPart === '' ? from : resolve(dirname(from), decodeURIComponent(pathPart));
  if (!file.startsWith(root)) return `leaves the repository (${relative(root, file)})`;
  if (!existsSync(file)) return `no such file or folder: ${relative(root, file)}`;
  if (anchor === undefined || anchor === '') return null;
  if (statSync(file).isDirectory() || !file.endsWith('.md')) return `an anchor into a file that is not markdown: ${relative(root, file)}`;
  return anchors(file).has(decodeURIComponent(anchor)) ? null : `no heading makes #${anchor} in ${relative(root, file)}`;
}

describe('links in README.md, CHANGELOG.md and docs/', () => {
  it('the slugs are GitHub\'s', () => {
    expect(slug('Composing with `@nestjs/passport`')).toBe('composing-with-nestjspassport');
    expect(slug('Custom claims, `@CurrentUser()` and `@OptionalAuth()`')).toBe('custom-claims-currentuser-and-optionalauth');
    expect(slug('Same site only: which origins work, and why')).toBe('same-site-only-which-origins-work-and-why');
    expect(slug('Account recovery: password reset and email verification')).toBe('account-recovery-password-reset-and-email-verification');
    expect(slug('`maxmemory-policy noeviction` is required')).toBe('maxmemory-policy-noeviction-is-required');
  });

  it('there is something to check: the docs exist and link to each other', () => {
    const all = documents();
    expect(all.length).toBeGreaterThanOrEqual(6);
    expect(links(join(root, 'README.md')).filter(({ target }) => target.startsWith('docs/')).length).toBeGreaterThanOrEqual(5);
  });

  it.each(documents().map((path) => [relative(root, path), path] as const))(
    '%s: every in-page anchor and relative link resolves',
    (_name, path) => {
      const broken = links(path)
        .map(({ target, line }) => ({ target, line, why: brokenBecause(path, target) }))
        .filter(({ why }) => why !== null)
        .map(({ target, line, why }) => `line ${line}: ${target} (${why})`);
      expect(broken).toEqual([]);
    },
  );

  it('catches what it should (a made-up anchor, file and folder)', () => {
    const readme = join(root, 'README.md');
    expect(brokenBecause(readme, '#no-such-section')).toMatch(/no heading makes/);
    expect(brokenBecause(readme, 'docs/no-such-page.md')).toMatch(/no such file/);
    expect(brokenBecause(readme, 'docs/security.md#no-such-section')).toMatch(/no heading makes/);
    expect(brokenBecause(readme, 'https://example.com/#whatever')).toBeNull();
    expect(brokenBecause(readme, '#quick-start')).toBeNull();
  });
});
