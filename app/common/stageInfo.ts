/**
 * What each stage reports about a run (StageOutput.info): data, not prose. Decisions are string-literal
 * codes, measures are numbers, places are rectangles in image pixels. The words a user reads for these
 * codes are written once, in app/contract/stageInfoText.ts, for the CLI and the editor alike (the LaMa
 * stage's, which the stage logs as well, in app/common/lamaInfoText.ts).
 *
 * Here in app/common because the stages (which may not import app/contract), the contract, the CLI and
 * the editor (which may import only app/contract and app/common) all read these types. Everything is
 * JSON-compatible: it crosses the engine's process boundary as it is.
 */
import type { Rect } from './params';

/** The surroundings of a hole (app/image/stationarity.ts): an even texture, or an object or edge. */
export type SurroundingsKind = 'texture' | 'object';

/** Which measure decided the surroundings' kind (app/image/stationarity.ts). */
export const SURROUNDINGS_BASES = [
  'few-windows',
  'colour-spread',
  'detail-spread',
  'isolated-edges',
  'alike',
] as const;
export type SurroundingsBasis = (typeof SURROUNDINGS_BASES)[number];

/** The classification's measures (see app/image/stationarity.ts HoleClass). */
export type SurroundingsMeasures = {
  colourSpread: number;
  energySpread: number;
  edgeRatio: number;
  /** Share (0..1) of the ring's windows holding a strong edge. */
  edgeShare: number;
};

/** What borrowing detail (app/image/detailTransfer.ts) did with one hole, or why it did nothing. */
export const DETAIL_OUTCOMES = [
  'added',
  'not-selected',
  'too-small',
  'no-ring',
  'cap-zero',
  'already-detailed',
  'no-sources',
] as const;
export type DetailOutcome = (typeof DETAIL_OUTCOMES)[number];

/** Detail levels (RMS high-pass summed over R, G, B, 0..1 units) of the ring, the fill before, the result. */
export type DetailLevels = { ringLevel: number; fillLevel: number; resultLevel: number };

/** Why a stage did nothing at all. */
export const SKIP_CODES = ['empty-mask', 'no-hole', 'empty-after-grow'] as const;
export type SkipCode = (typeof SKIP_CODES)[number];

/** A stage that had nothing to do (the pipeline's empty mask, or a hole that vanished). */
export type SkippedInfo = { skipped: SkipCode };

// ---- lama ---------------------------------------------------------------------------------------------

/** Why the embedded fill ran instead of a model. */
export const EMBEDDED_REASONS = ['asked', 'no-model'] as const;
export type EmbeddedReason = (typeof EMBEDDED_REASONS)[number];

/** How a model's tensors are read and written (colour order, output range, mask polarity). */
export type PixelReading = {
  order: 'RGB' | 'BGR';
  /** The output spans 0..outputScale (1 or 255). */
  outputScale: 1 | 255;
  /** The model takes holes where the convention says known pixels, and the other way round. */
  maskInverted: boolean;
};

/**
 * Why the sizing strategy ran (lama.sizing=auto's choice, app/stages/lama/strategies/auto.ts, or the
 * stage's handling of an explicit one), with the figures it was chosen on. Sizes in pixels, scales 0..1.
 */
export type SizingReason =
  /** auto, no model: the embedded fill in each hole's neighbourhood. */
  | { code: 'embedded-neighbourhoods' }
  /** auto: the largest hole at the whole image's scale exceeds half the model's input side. */
  | { code: 'large-hole'; holePx: number; side: number }
  /** auto: the largest hole at its crop's scale exceeds half the model's input side. */
  | { code: 'large-hole-in-crop'; holePx: number; side: number }
  /** auto: the image fits the model after at most halving it (scale 1: as it is). */
  | { code: 'fits'; width: number; height: number; side: number; scale: number }
  /** auto: more regions than auto allows model calls: the whole image is scaled instead. */
  | {
      code: 'too-many-regions';
      regions: number;
      maxRegions: number;
      width: number;
      height: number;
      scale: number;
    }
  /** auto: each hole in its own crop, at minScale or more, instead of the image at scale. */
  | {
      code: 'regions';
      width: number;
      height: number;
      side: number;
      scale: number;
      holes: number;
      minScale: number;
    }
  /** lama.sizing=original on a fixed-size model. */
  | { code: 'fixed-input'; side: number }
  /** lama.sizing=resize on the embedded fill. */
  | { code: 'embedded-any-size' }
  /** The strategy asked for ran as asked. */
  | { code: 'asked'; strategy: string };
export type SizingReasonCode = SizingReason['code'];

/**
 * Whether a model fills several crops in one call. `inputs` is the model's inputs with their dims
 * ("image [1,3,512,512], mask [1,1,512,512]"); `check` the recorded batch check's words (the model's
 * checks.json keeps them as written when the check ran).
 */
export type BatchCapability =
  | { code: 'embedded' }
  /** The model's batch dimension is fixed at `dim`. */
  | { code: 'fixed-dim'; dim: number | string; inputs: string }
  /** The model's convention says why it does not batch (its own words). */
  | { code: 'convention'; why: string; inputs: string }
  /** Dynamic and trusted (a generated model). */
  | { code: 'dynamic'; inputs: string }
  /** Dynamic, and batching was checked on an earlier run (`now`: by this run). */
  | { code: 'checked'; inputs: string; capable: boolean; now: boolean; check: string }
  /** Dynamic, but batching is not verified yet: one image per call. */
  | { code: 'unverified'; inputs: string };
export type BatchCapabilityCode = BatchCapability['code'];

/** How the regions strategy's crops were batched, and why. */
export type BatchingReason =
  /** A strategy other than regions: one call per pass. */
  | { code: 'not-batched'; strategy: string }
  /** lama.batchSize=1. */
  | { code: 'batch-size-one' }
  /** The engine takes one crop per call. */
  | { code: 'engine-single'; engine: BatchCapability }
  /** Up to `size` regions per call, at most resizeLimit squared pixels. */
  | { code: 'batched'; size: number; resizeLimit: number; engine: BatchCapability };
export type BatchingCode = BatchingReason['code'];

export type LamaInfo = {
  engine: 'model' | 'embedded';
  /** engine 'embedded': the method (pushpull, patchmatch, fsr) and why no model ran. */
  method?: string;
  engineReason?: EmbeddedReason;
  /** engine 'model': the model, its pixel convention, the provider it ran on, its batch dimension. */
  model?: string;
  convention?: string;
  provider?: string;
  modelBatch?: number | string | null;
  /**
   * When a failed run moved the model off the provider it loaded on: that provider and the failure's
   * message (the runtime's own words).
   */
  providerMoved?: { from: string; error?: string };
  sessionRunMs?: number;
  modelCalls?: number;
  /** The sizing strategy that ran, the one asked for ('auto' lets the stage choose). */
  sizing: string;
  strategy: string;
  requestedSizing: string;
  /** Why this strategy ran, with its figures (words: app/common/lamaInfoText.ts sizingReasonText). */
  sizingReason: SizingReason;
  /** Whole-image strategies: the model's input size "WxH" and the scale. */
  modelInput?: string;
  scale?: number;
  /** Region strategies: how many regions, how they were batched and why (words: lamaInfoText.ts batchingText). */
  regions?: number;
  batchSize?: number;
  batching?: BatchingReason;
  batches?: number;
  largestBatch?: number;
  /** The embedded fill at full resolution: how many hole neighbourhoods it filled. */
  neighbourhoods?: number;
  /** The context crops (image pixels), at most 50; the rest counted. */
  crops?: Rect[];
  cropsOmitted?: number;
  /** Known pixels left out of the sampling area (filled with the hole). */
  samplingExcluded?: number;
  /**
   * engine 'model': the model's first-use self-check ('generated': not run, a generated model; 'ran-now'
   * with selfCheckRuns model calls, then recorded; 'recorded' earlier), the pixel reading it established
   * (words: lamaInfoText.ts readingText), and whether both colour orders filled the test alike (the declared one is used).
   */
  selfCheck?: 'generated' | 'ran-now' | 'recorded';
  selfCheckRuns?: number;
  reading?: PixelReading;
  orderUndecided?: boolean;
};

// ---- blockmatch ---------------------------------------------------------------------------------------

/**
 * Block matching's sources in compact form (app/stages/blockmatch/visualize.ts): per block 5 numbers,
 * x, y, source x, source y (-1 when rejected), score in hundredths; `omitted` blocks left out.
 */
export type CompactSources = { blockSize: number; blocks: number[]; omitted?: number };

/** Why block matching's detail mode left a hole as filled or what it did. */
export type BlockmatchHoleReason = 'object-hole' | DetailOutcome;

export type BlockmatchHole = DetailLevels & {
  box: Rect;
  kind: SurroundingsKind;
  basis: SurroundingsBasis;
  measures: SurroundingsMeasures;
  applied: boolean;
  /** 'object-hole': not tried, the surroundings are an object or edge; else what the transfer did. */
  reason: BlockmatchHoleReason;
};

export type BlockmatchInfo = {
  mode: 'detail' | 'paste';
  blend?: 'none' | 'feather' | 'poisson';
  blockSize: number;
  maskBlocks: number;
  rejectedBlocks: number;
  histogramRejections: number;
  meanScore: number | null;
  meanDistance: number | null;
  searchLevels: number;
  /** Size of the scanned level ("WxH"). */
  scannedLevel: string;
  scanMs: number;
  refineMs: number;
  sources: CompactSources;
  /** Detail mode: per hole. */
  holes?: BlockmatchHole[];
  detailMs?: number;
  pasteMs?: number;
  poissonIterations?: number;
  poissonResidual?: number;
  poissonLevels?: number;
};

// ---- texture ------------------------------------------------------------------------------------------

export const TEXTURE_HOLE_REASONS = ['texture-surroundings', 'every-hole', 'object-hole'] as const;
export type TextureHoleReason = (typeof TEXTURE_HOLE_REASONS)[number];

export type TextureHole = {
  box: Rect;
  pixels: number;
  kind: SurroundingsKind;
  basis: SurroundingsBasis;
  decision: 'corrected' | 'left';
  /** 'texture-surroundings' or 'every-hole' (asked, though an object) when corrected; 'object-hole' left. */
  reason: TextureHoleReason;
  measures: SurroundingsMeasures;
  /** What borrowing detail did (when it ran on this hole). */
  detail?: DetailLevels & { applied: boolean; reason: DetailOutcome };
};

/** The fill's picture: kept (only finer detail changed; with borrowed detail), replaced, or synthesised. */
export type TexturePicture = 'kept' | 'kept-with-detail' | 'replaced' | 'synthesised';

export type TextureInfo = {
  holes: TextureHole[];
  picture?: TexturePicture;
  /** The σ (px) of the low-pass kept when the picture is kept. */
  keptSigma?: number;
  init?: string;
  network?: string;
  crop?: Rect;
  workingSize?: string;
  scale?: number;
  /** Set when the structure was worked at the image's resolution: from the copy, or from the fill. */
  structureResolution?: 'copy' | 'fill';
  exemplar?: { source: string; rect: Rect };
  /**
   * The structure copy: whether it ran; the start's and the copy's detail and the structure the start
   * showed, as shares (0..1) of the exemplar's; the σ (px) above which the start's picture was kept
   * (0: the copy was taken whole).
   */
  structure?: {
    copied: boolean;
    startDetail: number;
    copiedDetail?: number;
    shown: number;
    keptAbove?: number;
  };
  /** Hole-free windows of the crop's size nearby (0: no texture floor). */
  references?: number;
  /** The spectrum term's target: from those windows, estimated from smaller ones, or off. */
  spectrum?: { from: 'windows' | 'estimate' | 'off'; count?: number; side?: number } | null;
  grain?: number;
  iterations?: number;
  evaluations?: number;
  /** Per pyramid level (coarsest first): its size "WxH", losses, iterations, the texture floor. */
  levels?: { size: string; lossStart: number; lossEnd: number; iterations: number; floor: number | null }[];
  lossStart?: number;
  lossEnd?: number;
  /** The loss terms at the end. */
  terms?: { texture: number; border: number; spectrum?: number };
  msPerEvaluation?: number;
  /** Set when the optimisation did not run: the start's mean gradient already reached the target. */
  optimisationSkipped?: { startGradient: number; target: number };
};

// ---- color --------------------------------------------------------------------------------------------

export const COLOR_HOLE_REASONS = ['already-matches', 'shift-corrected', 'reference-rect'] as const;
export type ColorHoleReason = (typeof COLOR_HOLE_REASONS)[number];

export type ColorHole = {
  box: Rect;
  pixels: number;
  applied: boolean;
  /** Colour shift across the hole's edge and across the ring's inner/outer contour (ΔE, CIELab). */
  shift?: number;
  natural?: number;
  /** The shift at or under which the colours already match (ΔE). */
  limit?: number;
  /** 'already-matches' (left), 'shift-corrected', or 'reference-rect' (the user's rectangle, corrected). */
  reason: ColorHoleReason;
};

export type ColorInfo = {
  method: string;
  colorSpace: string;
  reference: {
    source: string;
    /** The reference rectangle (absent: the ring). */
    rect?: Rect;
    holes: number;
    pixels: number;
    samples: number;
    weighted: boolean;
    handedOverlap?: number;
    handedUsed?: boolean;
  };
  pixels: number;
  holes: ColorHole[];
  iterations: number;
  kernels?: unknown;
  threads?: number;
  ms: Record<string, number>;
};

// ---- auto ---------------------------------------------------------------------------------------------

export const AUTO_CANDIDATES = ['none', 'color', 'detail', 'color+detail'] as const;
export type AutoCandidate = (typeof AUTO_CANDIDATES)[number];

/**
 * Why auto-correct kept what it kept: 'improved' (a correction fit better by the margin), 'too-small'
 * (too small to judge), 'none-enabled', 'below-margin' (one fit better, not by the margin),
 * 'already-fits' (none fit better).
 */
export const AUTO_VERDICTS = [
  'improved',
  'too-small',
  'none-enabled',
  'below-margin',
  'already-fits',
] as const;
export type AutoVerdict = (typeof AUTO_VERDICTS)[number];

/** One candidate's score of a hole (app/stages/auto/score.ts; lower fits the surroundings better). */
export type AutoScores = {
  color: number;
  detail: number;
  orientation: number;
  seam: number;
  total: number;
  /** The colour shift across the hole's edge (ΔE). */
  colorShift: number;
  /** The hole's detail amplitude over the ring's (1 = as much). */
  detailRatio: number;
};

export type AutoHole = {
  box: Rect;
  pixels: number;
  applied: AutoCandidate;
  verdict: AutoVerdict;
  /** The best candidate tried other than none (for 'below-margin' and 'already-fits'). */
  best?: AutoCandidate;
  /** Detail was not tried: the surroundings are an object, not an even texture. */
  detailSkipped?: boolean;
  kind?: SurroundingsKind;
  scores: Partial<Record<AutoCandidate, AutoScores>>;
  /** Candidates whose correction failed on this hole, with the error's message (they were not kept). */
  failed?: Partial<Record<AutoCandidate, string>>;
};

export type AutoInfo = {
  candidates: AutoCandidate[];
  holes: AutoHole[];
  ms: number;
  /** Time per candidate (running and scoring it), over all holes. */
  candidateMs: Partial<Record<AutoCandidate, number>>;
};

// ---- all ----------------------------------------------------------------------------------------------

export type StageInfoByName = {
  lama: LamaInfo | SkippedInfo;
  blockmatch: BlockmatchInfo | SkippedInfo;
  texture: TextureInfo | SkippedInfo;
  color: ColorInfo | SkippedInfo;
  auto: AutoInfo | SkippedInfo;
};

/** Any stage's info. */
export type StageInfo = StageInfoByName[keyof StageInfoByName];

/** Whether a stage's info says it did nothing. */
export function isSkipped(info: unknown): info is SkippedInfo {
  return typeof info === 'object' && info !== null && 'skipped' in info;
}

/**
 * The info of the stage named `name` among a run's stage reports (the engine's `{stage, info}` or the
 * editor's `{name, info}`), typed by the stage's declaration; undefined when that stage did not run,
 * reported nothing, or skipped. The one place a report's info is read as its stage's type: the engine
 * built it with that type (each stage declares `info: XInfo`).
 */
export function stageInfo<N extends keyof StageInfoByName>(
  reports: readonly { name?: string; stage?: string; info?: unknown }[],
  name: N,
): Exclude<StageInfoByName[N], SkippedInfo> | undefined {
  const info = reports.find((r) => (r.name ?? r.stage) === name)?.info;
  if (typeof info !== 'object' || info === null || isSkipped(info)) return undefined;
  return info as Exclude<StageInfoByName[N], SkippedInfo>;
}
