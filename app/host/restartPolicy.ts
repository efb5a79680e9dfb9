/**
 * When the engine's process dies, its host (Electron main, or the browser host) restarts it — at once the
 * first time, then with a growing delay — and gives up after too many crashes in a short window (a crash
 * loop), so the UI can say so instead of spinning.
 */
export interface RestartDecision {
  restart: boolean;
  delayMs: number;
  /** Crashes counted in the current window. */
  crashes: number;
}

export class RestartPolicy {
  private times: number[] = [];
  constructor(
    private readonly maxCrashes = 4,
    private readonly windowMs = 60_000,
    private readonly baseDelayMs = 250,
  ) {}

  onCrash(now: number): RestartDecision {
    this.times = this.times.filter((t) => now - t < this.windowMs);
    this.times.push(now);
    const crashes = this.times.length;
    if (crashes > this.maxCrashes) return { restart: false, delayMs: 0, crashes };
    return { restart: true, delayMs: crashes === 1 ? 0 : this.baseDelayMs * 2 ** (crashes - 2), crashes };
  }

  /** A user's explicit "restart engine" clears the history. */
  reset(): void {
    this.times = [];
  }
}
