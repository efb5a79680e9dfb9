/**
 * The words for the LaMa stage's info codes (app/common/stageInfo.ts LamaInfo): one function per kind,
 * written once. The stage uses them for its log line and progress message, app/contract/stageInfoText.ts
 * for the CLI's and the editor's summary, so all three say the same sentence.
 *
 * Here in app/common because a stage may import app/common but not app/contract.
 */
import type {
  BatchCapability,
  BatchCapabilityCode,
  BatchingCode,
  BatchingReason,
  PixelReading,
  SizingReason,
  SizingReasonCode,
} from './stageInfo';

const pct = (s: number) => `${Math.round(s * 100)}%`;

type Worded<U extends { code: string }, C extends string> = {
  [K in C]: (r: Extract<U, { code: K }>) => string;
};

/** Every sizing code's sentence (a Record over the code union: a new code without words fails to compile). */
export const SIZING_REASON_TEXT: Worded<SizingReason, SizingReasonCode> = {
  'embedded-neighbourhoods': () =>
    "the embedded fill runs at full resolution in each hole's neighbourhood, as far as it reads (it is multi-scale itself); lama.sizing=regions restricts it to smaller crops",
  'large-hole': (r) =>
    `the largest hole is ${Math.round(r.holePx)} px at the model's scale, more than half its ${r.side} px input: a coarse pass gets its structure, a fine pass its detail`,
  'large-hole-in-crop': (r) =>
    `the largest hole is ${Math.round(r.holePx)} px at the scale its crop fits the model, more than half the model's ${r.side} px input: a coarse pass gets its structure, a fine pass its detail`,
  fits: (r) =>
    r.scale === 1
      ? `the ${r.width}x${r.height} image fits the model's ${r.side} px input at full resolution: one call sees all of it`
      : `the ${r.width}x${r.height} image fits the model's ${r.side} px input at ${pct(r.scale)} (no less than half): one call sees all of it`,
  'too-many-regions': (r) =>
    `${r.regions} separate regions would take ${r.regions} model calls (auto allows ${r.maxRegions}), so the ${r.width}x${r.height} image is scaled to ${pct(r.scale)} for one call; lama.sizing=regions fills each at full resolution anyway, a larger lama.mergeDistance groups them`,
  regions: (r) => {
    const n = r.holes;
    return `the ${r.width}x${r.height} image would be scaled to ${pct(r.scale)} to fit the model's ${r.side} px input; ${n === 1 ? 'its hole is' : `its ${n} separate holes are`} filled in ${n === 1 ? 'a crop' : 'crops'} at ${r.minScale === 1 ? 'full resolution' : `${pct(r.minScale)} or more`} instead`;
  },
  'fixed-input': (r) =>
    `the model takes a fixed ${r.side}x${r.side} input, so lama.sizing=original falls back to resize`,
  'embedded-any-size': () => 'the embedded fill takes any size, so it runs at full resolution',
  asked: (r) => `lama.sizing=${r.strategy}`,
};

/** Why the sizing strategy ran, in words. */
export function sizingReasonText(r: SizingReason): string {
  return (SIZING_REASON_TEXT[r.code] as (r: SizingReason) => string)(r);
}

const declared = (inputs: string) => `the model's batch dimension is dynamic (${inputs})`;

/** Every batch capability's words. */
export const BATCH_CAPABILITY_TEXT: Worded<BatchCapability, BatchCapabilityCode> = {
  embedded: () => 'the embedded fill takes one crop at a time',
  'fixed-dim': (c) => `the model's batch dimension is fixed at ${c.dim} (${c.inputs})`,
  convention: (c) => `${c.why} (${c.inputs})`,
  dynamic: (c) => declared(c.inputs),
  checked: (c) => `${declared(c.inputs)} and batching was checked${c.now ? ' now' : ''}: ${c.check}`,
  unverified: (c) => `${declared(c.inputs)} but batching it is not verified yet`,
};

/** Whether the engine batches, and why, in words. */
export function batchCapabilityText(c: BatchCapability): string {
  return (BATCH_CAPABILITY_TEXT[c.code] as (c: BatchCapability) => string)(c);
}

/** Every batching code's sentence. */
export const BATCHING_TEXT: Worded<BatchingReason, BatchingCode> = {
  'not-batched': (b) => `one call per pass: lama.sizing=${b.strategy} does not batch`,
  'batch-size-one': () => 'one region per call: lama.batchSize=1',
  'engine-single': (b) => `one region per call: ${batchCapabilityText(b.engine)}`,
  batched: (b) =>
    `up to ${b.size} regions per call (lama.batchSize), ${batchCapabilityText(b.engine)}; crops share a call when they pad to the same size, at most ${b.resizeLimit}x${b.resizeLimit} pixels per call (lama.resizeLimit squared)`,
};

/** How the regions were batched, and why, in words. */
export function batchingText(b: BatchingReason): string {
  return (BATCHING_TEXT[b.code] as (b: BatchingReason) => string)(b);
}

/** "RGB, output 0..1, mask as documented". */
export function readingText(r: PixelReading): string {
  return `${r.order}, output 0..${r.outputScale}, mask ${r.maskInverted ? 'inverted' : 'as documented'}`;
}
