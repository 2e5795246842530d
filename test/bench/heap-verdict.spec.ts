import { heapVerdict, type HeapSample } from '../../bench/support/heap-verdict';

const MB = 1024 * 1024;
/** One sample per 27 s phase, from `start` MB, adding `perPhase` MB each phase. */
function samples(start: number, perPhase: number[]): HeapSample[] {
  let bytes = start * MB;
  return [{ at: 0, bytes }, ...perPhase.map((delta, i) => ({ at: (i + 1) * 27_000, bytes: (bytes += delta * MB) }))];
}

describe('heapVerdict (npm run soak)', () => {
  it('a flat heap with noise: no growth', () => {
    const verdict = heapVerdict(samples(30, [0.2, -0.3, 0.1, 0.05, -0.1, 0.2, -0.15, 0.1]));
    expect(verdict.grew).toBe(false);
    expect(verdict.line).toMatch(/^heap verdict: no growth after warm-up \(slope [+-]0\.\d\d MB\/min over 9 phases \(limit \+0\.25\), end minus warm-up \+0\.10 MB \(limit \+1\)\)$/);
  });

  it('a steady climb of 0.5 MB a phase (1.1 MB/min): grew', () => {
    const verdict = heapVerdict(samples(30, Array(8).fill(0.5)));
    expect(verdict.grew).toBe(true);
    expect(verdict.slopeMbPerMinute).toBeCloseTo(0.5 / 0.45, 5);
    expect(verdict.changeMb).toBeCloseTo(4, 5);
    expect(verdict.line).toMatch(/^heap verdict: GREW after warm-up \(slope \+1\.11 MB\/min/);
  });

  it('a climb under 1 MB in all (caches filling) or one step without a slope is not growth', () => {
    expect(heapVerdict(samples(30, Array(8).fill(0.1))).grew).toBe(false); // 0.8 MB, 0.22 MB/min
    expect(heapVerdict(samples(30, [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1].map((d) => d * 1.2))).grew).toBe(false); // 0.96 MB
    expect(heapVerdict(samples(30, [2, 0, 0, 0, 0, 0, 0, -0.5])).grew).toBe(false); // a step right after warm-up
  });

  it('not judged when told why (smoke, no GC): the figures without a verdict', () => {
    const verdict = heapVerdict(samples(30, Array(8).fill(0.5)), '--smoke: too short');
    expect(verdict.grew).toBeUndefined();
    expect(verdict.line).toMatch(/^heap verdict: NOT JUDGED \(--smoke: too short; slope \+1\.11 MB\/min/);
    expect(() => heapVerdict(samples(30, []))).toThrow(/at least two samples/);
  });
});
