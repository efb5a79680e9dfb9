/** A stage context for the texture stage's tests: the given session pool, no models, seed 3. */
import type { StageContext as Ctx } from '../pipeline/types';
import type { ProgressUpdate, StageContext } from '../pipeline/types';

export function testContext(
  sessions: Ctx['sessions'],
  signal = new AbortController().signal,
  updates: ProgressUpdate[] = [],
): StageContext {
  return {
    signal,
    progress: (u) => updates.push(u),
    sessions,
    models: { resolve: async () => null },
    seed: 3,
    log: () => {},
  };
}
