/**
 * The run's state as the run bar shows it, and how engine progress events change it (pure functions:
 * a new object per change, so React re-renders only what changed).
 */
import type { EventPayload } from '../../app/contract/schemas';

export type StageRunState = 'pending' | 'running' | 'done' | 'cached' | 'cancelled' | 'error';

export interface StageProgress {
  name: string;
  state: StageRunState;
  step: number;
  total: number;
  ms: number | null;
  message?: string;
  /** What the stage reported when it finished (e.g. which model or fallback ran). */
  info?: Record<string, unknown>;
}

export type RunStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export interface RunInfo {
  status: RunStatus;
  jobId: string | null;
  stages: StageProgress[];
  /** The error of a failed run: its code and a message a user can act on. */
  error: { code: string; message: string } | null;
  totalMs: number | null;
  resultId: string | null;
}

export const IDLE_RUN: RunInfo = {
  status: 'idle',
  jobId: null,
  stages: [],
  error: null,
  totalMs: null,
  resultId: null,
};

export function startRun(jobId: string, stageNames: readonly string[], previous: RunInfo): RunInfo {
  return {
    status: 'running',
    jobId,
    stages: stageNames.map((name) => ({ name, state: 'pending', step: 0, total: 0, ms: null })),
    error: null,
    totalMs: null,
    // The last result stays until this run replaces it (export and compare keep working).
    resultId: previous.resultId,
  };
}

/** Applies one onProgress event; events of other jobs are ignored (the same object comes back). */
export function applyProgress(run: RunInfo, e: EventPayload<'onProgress'>): RunInfo {
  if (e.jobId !== run.jobId || run.status !== 'running') return run;
  const stages = run.stages.slice();
  // The stage an event belongs to: the running one of that name, else the first pending one.
  let i = stages.findIndex((s) => s.name === e.stage && s.state === 'running');
  if (i < 0) i = stages.findIndex((s) => s.name === e.stage && s.state === 'pending');
  if (i < 0) return run;
  const s = { ...stages[i] };
  if (e.kind === 'stage-start') {
    s.state = 'running';
  } else if (e.kind === 'progress') {
    s.state = 'running';
    if (e.step !== undefined) s.step = e.step;
    if (e.total !== undefined) s.total = e.total;
    if (e.message !== undefined) s.message = e.message;
  } else {
    s.state = e.cached ? 'cached' : 'done';
    s.ms = e.ms ?? null;
    if (s.total > 0) s.step = s.total;
  }
  stages[i] = s;
  return { ...run, stages };
}

/** Fraction done of one stage, 0..1 (a finished or cached stage is 1). */
export function stageFraction(s: StageProgress): number {
  if (s.state === 'done' || s.state === 'cached') return 1;
  if (s.total > 0) return Math.min(1, s.step / s.total);
  return 0;
}

export function finishRun(
  run: RunInfo,
  result: {
    resultId: string;
    totalMs: number;
    stages: { stage: string; ms: number; cached: boolean; info?: Record<string, unknown> }[];
  },
): RunInfo {
  // By name: the engine runs (and reports) the stages in the chain's order, not the panel's.
  const byName = new Map(result.stages.map((r) => [r.stage, r]));
  const stages = run.stages.map((s) => {
    const r = byName.get(s.name);
    return r
      ? {
          ...s,
          state: (r.cached ? 'cached' : 'done') as StageRunState,
          ms: r.ms,
          step: s.total,
          info: r.info,
        }
      : s;
  });
  return { ...run, status: 'done', stages, totalMs: result.totalMs, resultId: result.resultId };
}

export function failRun(run: RunInfo, error: { code: string; message: string }): RunInfo {
  const cancelled = error.code === 'CANCELLED';
  const stages = run.stages.map((s) =>
    s.state === 'running' || s.state === 'pending'
      ? {
          ...s,
          state: (cancelled ? 'cancelled' : s.state === 'running' ? 'error' : 'cancelled') as StageRunState,
        }
      : s,
  );
  return { ...run, status: cancelled ? 'cancelled' : 'error', stages, error: cancelled ? null : error };
}
