/**
 * What the stage needs to know about a model before it trusts it, learned at first use and kept in
 * the model's checks.json (native-models/modelChecks.ts): the self-check's reading (selfCheck.ts) and,
 * for a model that declares a symbolic batch, whether a batch really fills as single calls do
 * (batchCheck.ts). Later uses read the record and run nothing.
 *
 * The generated models are not checked: they are built by this code (their files are named by the
 * hash of the builder's bytes), and their readings and batching are what conventions/selfCheck.test.ts
 * and batch.test.ts prove; so nothing is written next to them (they live in the repo's cache).
 */
import path from 'node:path';
import { GENERATED_MODEL_IDS } from '../../../../native-models/generated/index';
import { readModelChecks, recordModelChecks, type ModelChecks } from '../../../../native-models/modelChecks';
import type { ModelSession } from '../../../ort/types';
import { verifyBatching, type BatchCheckResult } from './batchCheck';
import { createAdapter } from './detect';
import { selfCheckModel } from './selfCheck';
import type { LamaInfo } from '../../../common/stageInfo';
import type { ConventionId, InpaintAdapter, Reading } from './types';

export interface ModelFacts {
  /** The reading to drive the model with (undefined: its convention's default). */
  reading?: Reading;
  /** True for a generated model (checked by its tests, not at first use). */
  trusted: boolean;
  /** Whether batching was verified: true or false once checked, null while unknown. */
  batchCapable: boolean | null;
  /** The batch check's words, once checked. */
  batchReason?: string;
  /** For the stage's info: how the reading was established, and what it is. */
  info: Pick<LamaInfo, 'selfCheck' | 'selfCheckRuns' | 'reading' | 'orderUndecided'>;
}

/** A model's file as the generated-model cache names it (`<id>-<hash16>.onnx`) under a generated id. */
export function isGeneratedModelFile(id: string, file: string): boolean {
  return (
    (GENERATED_MODEL_IDS as readonly string[]).includes(id) &&
    new RegExp(`^${id}-[0-9a-f]{16}\\.onnx$`).test(path.basename(file))
  );
}

/**
 * The model's facts: recorded ones, else the self-check run now (and recorded).
 * @throws StudioError MODEL_UNSUPPORTED when the self-check fails; CANCELLED; IO when checks.json
 *   cannot be written.
 */
export async function modelFacts(
  model: { id: string; path: string },
  session: ModelSession,
  hint: ConventionId | undefined,
  signal?: AbortSignal,
): Promise<ModelFacts> {
  if (isGeneratedModelFile(model.id, model.path)) {
    return { trusted: true, batchCapable: null, info: { selfCheck: 'generated' } };
  }
  let checks: ModelChecks = await readModelChecks(model.path);
  let ran = 0;
  if (!checks.selfCheck) {
    const r = await selfCheckModel(session, hint, signal);
    ran = r.runs;
    checks = {
      ...checks,
      selfCheck: {
        convention: r.convention,
        reading: r.reading,
        error: r.error,
        orderDecided: r.orderDecided,
        checkedAt: new Date().toISOString(),
      },
    };
    await recordModelChecks(model.path, { selfCheck: checks.selfCheck });
  }
  const sc = checks.selfCheck!;
  return {
    reading: sc.reading,
    trusted: false,
    batchCapable: checks.batch?.capable ?? null,
    batchReason: checks.batch?.reason,
    info: {
      ...(ran > 0 ? { selfCheck: 'ran-now', selfCheckRuns: ran } : { selfCheck: 'recorded' }),
      reading: sc.reading,
      ...(sc.orderDecided ? {} : { orderUndecided: true }),
    },
  };
}

/**
 * Checks batching on `session` (the reading given) and records the result.
 * @throws StudioError CANCELLED; INFERENCE when a single call fails; IO when checks.json cannot be written.
 */
export async function checkAndRecordBatching(
  model: { path: string },
  session: ModelSession,
  hint: ConventionId | undefined,
  reading: Reading | undefined,
  signal?: AbortSignal,
): Promise<BatchCheckResult> {
  const adapter: InpaintAdapter = createAdapter(session, hint, reading);
  const r = await verifyBatching(adapter, signal);
  await recordModelChecks(model.path, {
    batch: { capable: r.capable, maxDiff: r.maxDiff, reason: r.reason, checkedAt: new Date().toISOString() },
  });
  return r;
}
