/**
 * The session pool: one ONNX Runtime session per (model path, config), created on first use and
 * shared afterwards. Concurrent requests for the same key share one load.
 */
import { loadModelSession, type LoadedModelSession } from './session';
import { PROVIDER_ORDER, type SessionConfig, type SessionPool } from './types';

export interface StudioSessionPool extends SessionPool {
  get(modelPath: string, config?: SessionConfig): Promise<LoadedModelSession>;
  /** Number of sessions currently cached. */
  readonly size: number;
}

/**
 * @param defaults config used for every `get` (a `get`'s own config overrides it field by field).
 * `runCounts` is keyed by the path string given to `get` and survives `releaseAll`.
 */
export function createSessionPool(defaults: SessionConfig = {}): StudioSessionPool {
  const cache = new Map<string, Promise<LoadedModelSession>>();
  const runCounts = new Map<string, number>();

  return {
    runCounts,
    get size() {
      return cache.size;
    },
    get(modelPath, config = {}) {
      const merged = merge(defaults, config);
      const key = `${modelPath}\u0000${JSON.stringify(merged)}`;
      let entry = cache.get(key);
      if (!entry) {
        entry = loadModelSession(modelPath, merged, {
          onRun: () => runCounts.set(modelPath, (runCounts.get(modelPath) ?? 0) + 1),
          // A session released by its user leaves the pool, so the next get loads a fresh one.
          onRelease: () => {
            if (cache.get(key) === entry) cache.delete(key);
          },
        });
        cache.set(key, entry);
        // A failed load is not cached: the next get tries again (e.g. after the model is installed).
        entry.catch(() => {
          if (cache.get(key) === entry) cache.delete(key);
        });
      }
      return entry;
    },
    async releaseAll() {
      const entries = [...cache.values()];
      cache.clear();
      const settled = await Promise.allSettled(entries);
      const loaded = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      await Promise.all(loaded.map((session) => session.release()));
    },
  };
}

/** Field by field: the get's value, else the pool default, else the built-in default (undefined counts as unset). */
function merge(defaults: SessionConfig, c: SessionConfig): Required<SessionConfig> {
  return {
    providers: [...(c.providers ?? defaults.providers ?? PROVIDER_ORDER)],
    intraOpThreads: c.intraOpThreads ?? defaults.intraOpThreads ?? 0,
    interOpThreads: c.interOpThreads ?? defaults.interOpThreads ?? 0,
  };
}
