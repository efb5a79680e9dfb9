/**
 * Where the texture stage gets its ONNX Runtime sessions. In the pipeline: the engine's session pool
 * (the execution provider chosen for the engine — CUDA, DirectML or CPU — and sessions cached across
 * runs: a model depends only on the crop size and the network, so re-running after a slider change
 * reuses it). Standalone (tests, benchmarks): a CPU session loaded for the call and released after.
 */
import { writeCachedModel } from '../../../native-models/generated/index';
import type { LruCache } from '../../common/lruCache';
import { loadModelSession } from '../../ort/sessions';
import type { ModelSession, SessionConfig, SessionPool } from '../../ort/types';

export interface SessionLease {
  session: ModelSession;
  /** Gives the session back (a no-op for pooled sessions). */
  done(): Promise<void>;
}

/** What a cached graph path costs against the cache's byte budget: nominal, the file lives on disk. */
export const GRAPH_PATH_COST = 1024;

export type SessionSource = (key: string, build: () => Uint8Array) => Promise<SessionLease>;

/**
 * @param resources the pipeline's cache (StageContext.resources): the written model file's path is kept
 *   there by key, since building a graph costs tens of ms; without it each call builds and writes (the
 *   content-addressed write finds an existing file and leaves it).
 */
export function pooledSessions(pool: SessionPool, resources?: LruCache): SessionSource {
  return async (key, build) => {
    const write = () => writeCachedModel(build(), `texture-${key}`);
    const path = await (resources ? resources.get(`texture-graph:${key}`, GRAPH_PATH_COST, write) : write());
    return { session: await pool.get(path), done: async () => {} };
  };
}

export function ownSessions(config: SessionConfig = { providers: ['cpu'] }): SessionSource {
  return async (_key, build) => {
    const session = await loadModelSession(build(), config);
    return { session, done: () => session.release() };
  };
}
