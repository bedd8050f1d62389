import type { IncrementResponse, Store } from 'express-rate-limit';

/**
 * A rate-limit store for tests: its window always ends `windowMs` after the
 * latest hit, so the reset the headers announce does not depend on how fast
 * the test runs. Hits are counted per key, as a shared store (Redis) would.
 */
export class SteadyWindowStore implements Store {
  readonly hits = new Map<string, number>();
  windowMs = 60_000;

  init(options: { windowMs: number }): void {
    this.windowMs = options.windowMs;
  }

  increment(key: string): IncrementResponse {
    const totalHits = (this.hits.get(key) ?? 0) + 1;
    this.hits.set(key, totalHits);
    return { totalHits, resetTime: new Date(Date.now() + this.windowMs) };
  }

  decrement(key: string): void {
    this.hits.set(key, Math.max(0, (this.hits.get(key) ?? 0) - 1));
  }

  resetKey(key: string): void {
    this.hits.delete(key);
  }

  /** Forgets every hit. */
  reset(): void {
    this.hits.clear();
  }
}
