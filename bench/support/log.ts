const startedAt = Date.now();

/** A progress line on stderr, with the seconds since the bench started (stdout carries the tables). */
export function log(message: string): void {
  process.stderr.write(`[bench ${((Date.now() - startedAt) / 1000).toFixed(1)}s] ${message}\n`);
}
