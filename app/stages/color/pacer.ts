/**
 * Keeps a long colour iteration responsive: yields to the event loop every few milliseconds, so that a
 * cancel message can arrive, and throws CANCELLED between iterations once the signal has fired.
 */
import { throwIfAborted } from '../../common/errors';

export interface Pacer {
  /** Call between iterations. @throws StudioError CANCELLED when the signal has fired. */
  tick(): Promise<void>;
}

/** everyMs: the longest stretch of work between two yields (>= 0; 0 yields at every tick). */
export function createPacer(signal: AbortSignal | undefined, everyMs = 20): Pacer {
  let last = performance.now();
  return {
    async tick() {
      throwIfAborted(signal);
      const now = performance.now();
      if (now - last >= everyMs) {
        await new Promise<void>((r) => setImmediate(r));
        last = performance.now();
        throwIfAborted(signal);
      }
    },
  };
}
