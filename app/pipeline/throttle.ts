/**
 * Limits a stream of progress updates to at most one per `intervalMs`, always delivering the latest:
 * an update that arrives too soon is held and sent when the interval has passed (or on flush).
 */
export class Throttle<T> {
  private last = -Infinity;
  private pending: T | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (v: T) => void,
    private readonly intervalMs = 100,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(v: T): void {
    const t = this.now();
    if (t - this.last >= this.intervalMs && this.timer === undefined) {
      this.last = t;
      this.send(v);
      return;
    }
    this.pending = v;
    if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), Math.max(0, this.intervalMs - (t - this.last)));
    }
  }

  /** Sends the held update now, if any. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending !== undefined) {
      const v = this.pending;
      this.pending = undefined;
      this.last = this.now();
      this.send(v);
    }
  }

  /** Drops the held update. */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}
