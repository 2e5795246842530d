import type { Logger } from '@nestjs/common';
import { outsideRequestBudget } from '../http/request-budget';

/** Waits before each new attempt of a mail that failed (the store unavailable, the mail server refusing). */
export const MAIL_RETRY_DELAYS_MS: readonly number[] = Object.freeze([1_000, 5_000, 30_000]);

/**
 * Mails sent in the background, after the caller's answer: each job is deferred past the current I/O phase (the
 * response is written first), runs outside the request's store budget, and is retried after
 * `MAIL_RETRY_DELAYS_MS` when it fails (each attempt does the whole job again: a new link replaces the one that
 * was not mailed). Every failure is logged (the message with any `token=` redacted); giving up is an error.
 * `close()` (on shutdown) drops the waits: a job waiting for a retry gives up at once.
 */
export class MailJobs {
  private readonly pending = new Set<Promise<void>>();
  private readonly waits = new Map<NodeJS.Timeout, () => void>();
  private closing = false;

  constructor(private readonly logger: Logger, private readonly delaysMs: readonly number[] = MAIL_RETRY_DELAYS_MS) {}

  /** Starts `work` (the mail of `kind`) in the background. */
  start(kind: string, work: () => Promise<void>): void {
    const job = outsideRequestBudget(() => new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.attempt(kind, work)))
      .finally(() => this.pending.delete(job));
    this.pending.add(job);
  }

  /** Resolves when the jobs started so far have ended (sent, or given up). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Ends the waits for a retry (their jobs give up), then waits for the jobs still running. */
  async close(): Promise<void> {
    this.closing = true;
    for (const [timer, wake] of this.waits) {
      clearTimeout(timer);
      wake();
    }
    this.waits.clear();
    await this.settled();
  }

  private async attempt(kind: string, work: () => Promise<void>): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await work();
        if (attempt > 0) this.logger.log(`The ${kind} mail was sent at attempt ${attempt + 1}`);
        return;
      } catch (error) {
        const reason = error instanceof Error ? error.message.replace(/token=[^\s&"]+/g, 'token=[redacted]') : 'unknown error';
        const delay = this.delaysMs[attempt];
        if (delay === undefined || this.closing) {
          this.logger.error(`Could not send the ${kind} mail (gave up after ${attempt + 1} attempts): ${reason}`);
          return;
        }
        this.logger.warn(`Could not send the ${kind} mail (attempt ${attempt + 1}), retrying in ${delay} ms: ${reason}`);
        await this.wait(delay);
        if (this.closing) {
          this.logger.error(`Could not send the ${kind} mail (gave up at shutdown after ${attempt + 1} attempts): ${reason}`);
          return;
        }
      }
    }
  }

  private wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.waits.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.waits.set(timer, resolve);
    });
  }
}
