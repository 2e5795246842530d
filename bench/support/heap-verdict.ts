/** The app's heap used after a full GC at the end of one soak phase. */
export interface HeapSample {
  /** Epoch ms. */
  at: number;
  bytes: number;
}

/** A steady climb of more than this, over the phases after warm-up, is growth (least-squares slope). */
export const HEAP_SLOPE_LIMIT_MB_PER_MIN = 0.25;
/**
 * ...if it also adds more than this from the end of the warm-up to the end: the library's bounded caches (1024
 * remembered access tokens, 64 headers) and V8's own may still be filling after a short warm-up.
 */
export const HEAP_CHANGE_LIMIT_MB = 1;

export interface HeapVerdict {
  /** undefined when not judged (too short). */
  grew: boolean | undefined;
  slopeMbPerMinute: number;
  changeMb: number;
  /** The verdict line of the soak's report. */
  line: string;
}

const MB = 1024 * 1024;
const signed = (value: number, digits: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(digits)}`;

/**
 * Whether the heap grew after warm-up: `samples` from the end of the warm-up on, one per phase. Growth is a
 * least-squares slope above `HEAP_SLOPE_LIMIT_MB_PER_MIN` together with a change above `HEAP_CHANGE_LIMIT_MB`;
 * a slope alone over a short run is the caches filling, a change alone (a step) is not a climb. With
 * `notJudgedBecause` (a smoke run, no GC before the samples) the figures are printed without a verdict.
 */
export function heapVerdict(samples: readonly HeapSample[], notJudgedBecause?: string): HeapVerdict {
  if (samples.length < 2) throw new Error('heapVerdict: needs at least two samples');
  const minutes = samples.map((s) => (s.at - samples[0].at) / 60_000);
  const mbs = samples.map((s) => s.bytes / MB);
  const meanT = minutes.reduce((a, b) => a + b, 0) / minutes.length;
  const meanM = mbs.reduce((a, b) => a + b, 0) / mbs.length;
  const covariance = minutes.reduce((sum, t, i) => sum + (t - meanT) * (mbs[i] - meanM), 0);
  const variance = minutes.reduce((sum, t) => sum + (t - meanT) ** 2, 0);
  const slopeMbPerMinute = variance > 0 ? covariance / variance : 0;
  const changeMb = mbs[mbs.length - 1] - mbs[0];
  const figures = `slope ${signed(slopeMbPerMinute, 2)} MB/min over ${samples.length} phases (limit +${HEAP_SLOPE_LIMIT_MB_PER_MIN}), ` +
    `end minus warm-up ${signed(changeMb, 2)} MB (limit +${HEAP_CHANGE_LIMIT_MB})`;
  if (notJudgedBecause) return { grew: undefined, slopeMbPerMinute, changeMb, line: `heap verdict: NOT JUDGED (${notJudgedBecause}; ${figures})` };
  const grew = slopeMbPerMinute > HEAP_SLOPE_LIMIT_MB_PER_MIN && changeMb > HEAP_CHANGE_LIMIT_MB;
  return { grew, slopeMbPerMinute, changeMb, line: `heap verdict: ${grew ? 'GREW after warm-up' : 'no growth after warm-up'} (${figures})` };
}
