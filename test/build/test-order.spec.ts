import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { SLOW_FIRST } = require('../support/sequencer.js') as { SLOW_FIRST: string[] };

function specs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    return statSync(path).isDirectory() ? specs(path) : name.endsWith('.spec.ts') ? [basename(path)] : [];
  });
}

describe('the order of the run (test/support/sequencer.js)', () => {
  it('each suite it starts first is a test file (a renamed suite would silently fall back to the default order)', () => {
    const names = new Set(specs(resolve(__dirname, '..')));
    expect(SLOW_FIRST.filter((name) => !names.has(name))).toEqual([]);
    expect(SLOW_FIRST).toContain('redis-failover.e2e.spec.ts');
  });
});
