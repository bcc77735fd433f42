// A rolling window of timed samples (tick-to-paint latencies): what the last
// `spanMs` held, with its percentiles. Pure, so the freshness readout's
// arithmetic is tested without a webview.

export type Summary = { count: number; p50: number; p99: number };

export class RollingWindow {
  // Parallel arrays, oldest first; `start` is the first live index, so pruning
  // is a pointer move and the arrays are compacted only now and then.
  private times: number[] = [];
  private values: number[] = [];
  private start = 0;

  constructor(readonly spanMs: number) {}

  /** Adds a sample taken at `at` (ms); samples must come in time order. */
  add(at: number, value: number): void {
    this.times.push(at);
    this.values.push(value);
    this.prune(at);
  }

  /** The count, median and 99th percentile of the samples no older than `spanMs` at `now`; null when empty. */
  summary(now: number): Summary | null {
    this.prune(now);
    const live = this.values.slice(this.start).sort((a, b) => a - b);
    if (live.length === 0) return null;
    return { count: live.length, p50: percentile(live, 50), p99: percentile(live, 99) };
  }

  clear(): void {
    this.times = [];
    this.values = [];
    this.start = 0;
  }

  private prune(now: number): void {
    const oldest = now - this.spanMs;
    while (this.start < this.times.length && this.times[this.start] < oldest) this.start++;
    if (this.start > 1024 && this.start * 2 > this.times.length) {
      this.times = this.times.slice(this.start);
      this.values = this.values.slice(this.start);
      this.start = 0;
    }
  }
}

/** Nearest-rank percentile of ascending `sorted` (non-empty): the smallest value with at least p% at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}
