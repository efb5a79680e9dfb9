/**
 * A self-check for any inpainting model: fill a few small holes in a synthetic image (flat red, green
 * and blue quadrants and a gradient) under each plausible reading of the model's convention (colour
 * order RGB or BGR, output 0..1 or 0..255, mask polarity) and keep the reading whose fills match
 * their surroundings. A model that no reading makes fill its holes is refused (MODEL_UNSUPPORTED).
 *
 * What it can and cannot tell apart:
 * - the output range and the mask polarity always show: a wrong range gives black or white fills, a
 *   wrong polarity gives back the hole's own pixels, which the test image sets to a decoy colour far
 *   from every surrounding;
 * - the colour order shows only for a model that treats its channels differently (a trained network
 *   does, somewhat). A network that fills each channel alike (the generated diffusion models) fills
 *   identically in both orders; then the declared order is kept and `orderDecided` is false.
 *
 * Runs: one per (colour order, mask polarity) on the model's fixed size or SELF_CHECK_SIZE; the output
 * ranges are tried on the same output (the session's results are memoised by their feeds).
 */
import { createHash } from 'node:crypto';
import { StudioError, throwIfAborted } from '../../../common/errors';
import { createImage, createMask, type Mask, type RgbImage } from '../../../image/types';
import type { ModelSession, TensorValue } from '../../../ort/types';
import { createAdapter } from './detect';
import { describeReading, type ConventionId, type InpaintAdapter, type Reading } from './types';

/** Side of the test image for a model that takes any size (a multiple of 32). */
export const SELF_CHECK_SIZE = 128;
/** A hole passes when its fill's mean absolute error (0..1, over its pixels and channels) is at most this. */
export const SELF_CHECK_THRESHOLD = 0.1;
/** Readings whose worst errors differ by less than this are as good as each other. */
const TIE = 0.01;

export interface ReadingScore {
  reading: Reading;
  /** Worst hole's mean absolute error (0..1); Infinity when the run failed. */
  error: number;
  passed: boolean;
  /** Why the run failed, when it did. */
  failure?: string;
}

export interface SelfCheckResult {
  convention: ConventionId;
  /** The reading to use: the declared one when it is among the best, else the best. */
  reading: Reading;
  /** Its worst hole's error. */
  error: number;
  /** False when the other colour order filled as well (a model that treats its channels alike). */
  orderDecided: boolean;
  /** Every reading tried, declared first. */
  scores: ReadingScore[];
  /** Model runs the check made. */
  runs: number;
}

/** The synthetic test: image (holes hold a decoy), hole mask, and the truth inside the holes. */
export interface SelfCheckScene {
  image: RgbImage;
  mask: Mask;
  truth: RgbImage;
  /** One mask per hole (for the per-hole error). */
  holes: Mask[];
}

const RED = [0.85, 0.12, 0.1];
const GREEN = [0.12, 0.75, 0.2];
const BLUE = [0.1, 0.2, 0.85];

/**
 * A size x size image in four quadrants (flat red, flat green, flat blue, a gradient whose red rises
 * and blue falls left to right), with a square hole of side size/8 in each quadrant's centre. In the
 * holes the image holds a decoy (each channel 0 where the truth is above 0.5, else 1). `variant`
 * rotates which quadrant holds which content (for a second, different image of the same kind).
 * @param size >= 16
 */
export function selfCheckScene(size: number, variant = 0): SelfCheckScene {
  const truth = createImage(size, size);
  const n = size * size;
  const half = size / 2;
  const colour = (x: number, y: number): readonly number[] => {
    const q = ((x < half ? 0 : 1) + (y < half ? 0 : 2) + variant) % 4;
    if (q === 0) return RED;
    if (q === 1) return GREEN;
    if (q === 2) return BLUE;
    const t = (x % half) / (half - 1);
    return [0.15 + 0.7 * t, 0.4, 0.85 - 0.7 * t];
  };
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const c = colour(x, y);
      for (let k = 0; k < 3; k++) truth.data[k * n + y * size + x] = c[k];
    }
  const side = Math.max(2, Math.round(size / 8));
  const mask = createMask(size, size);
  const holes: Mask[] = [];
  for (const [qx, qy] of [
    [0, 0],
    [1, 0],
    [0, 1],
    [1, 1],
  ]) {
    const hole = createMask(size, size);
    const x0 = Math.round(qx * half + half / 2 - side / 2);
    const y0 = Math.round(qy * half + half / 2 - side / 2);
    for (let y = y0; y < y0 + side; y++)
      for (let x = x0; x < x0 + side; x++) {
        hole.data[y * size + x] = 1;
        mask.data[y * size + x] = 1;
      }
    holes.push(hole);
  }
  const image = createImage(size, size, Float32Array.from(truth.data));
  for (let i = 0; i < n; i++)
    if (mask.data[i]) for (let k = 0; k < 3; k++) image.data[k * n + i] = truth.data[k * n + i] > 0.5 ? 0 : 1;
  return { image, mask, truth, holes };
}

/** Worst hole's mean absolute error of `fill` against the scene's truth (0..1). */
export function holeError(fill: RgbImage, scene: SelfCheckScene): number {
  const n = fill.width * fill.height;
  let worst = 0;
  for (const hole of scene.holes) {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (!hole.data[i]) continue;
      for (let k = 0; k < 3; k++) sum += Math.abs(fill.data[k * n + i] - scene.truth.data[k * n + i]);
      count += 3;
    }
    worst = Math.max(worst, sum / count);
  }
  return Number.isFinite(worst) ? worst : Infinity;
}

/** The readings worth trying for an adapter, its own first. */
export function candidateReadings(adapter: InpaintAdapter, outputDtype: string): Reading[] {
  const own = adapter.reading;
  const list: Reading[] = [own];
  const orders: Reading['order'][] = [own.order, own.order === 'RGB' ? 'BGR' : 'RGB'];
  // An 8-bit output can only mean 0..255.
  const scales: Reading['outputScale'][] =
    outputDtype === 'uint8' ? [255] : [own.outputScale, own.outputScale === 255 ? 1 : 255];
  for (const maskInverted of [own.maskInverted, !own.maskInverted])
    for (const order of orders)
      for (const outputScale of scales) {
        const r = { order, outputScale, maskInverted };
        if (!list.some((x) => sameReading(x, r))) list.push(r);
      }
  return list;
}

export function sameReading(a: Reading, b: Reading): boolean {
  return a.order === b.order && a.outputScale === b.outputScale && a.maskInverted === b.maskInverted;
}

/**
 * Runs the self-check on a loaded model.
 * @param hint the convention its manifest entry or import declares, if any
 * @throws StudioError MODEL_UNSUPPORTED when the model has no known signature, or when no reading
 *   fills the test holes like their surroundings (the message gives each reading's error);
 *   CANCELLED when the signal fires.
 */
export async function selfCheckModel(
  session: ModelSession,
  hint?: ConventionId,
  signal?: AbortSignal,
): Promise<SelfCheckResult> {
  const memo = memoised(session);
  const declared = createAdapter(memo.session, hint);
  const size = declared.fixedSize ?? SELF_CHECK_SIZE;
  const scene = selfCheckScene(size);
  const outputDtype = session.outputs.find((o) => o.dtype === 'uint8') ? 'uint8' : 'float32';
  const scores: ReadingScore[] = [];
  for (const reading of candidateReadings(declared, outputDtype)) {
    throwIfAborted(signal);
    const adapter = createAdapter(memo.session, declared.convention, reading);
    try {
      const fill = await adapter.run(scene.image, scene.mask, signal);
      const error = holeError(fill, scene);
      scores.push({ reading, error, passed: error <= SELF_CHECK_THRESHOLD });
    } catch (e) {
      if (e instanceof StudioError && e.code === 'CANCELLED') throw e;
      scores.push({ reading, error: Infinity, passed: false, failure: (e as Error).message });
    }
  }
  const best = Math.min(...scores.map((s) => s.error));
  const chosen = scores.find((s) => s.passed && s.error <= best + TIE);
  if (!chosen) {
    throw new StudioError(
      'MODEL_UNSUPPORTED',
      `The model ${session.source} failed the self-check: under no reading of the ${declared.convention} convention did it fill the holes of a test image (flat red, green and blue areas and a gradient) like their surroundings (mean error at most ${SELF_CHECK_THRESHOLD}). ${scores
        .map(
          (s) =>
            `${describeReading(s.reading)}: ${s.failure ? `failed (${s.failure})` : `error ${s.error.toFixed(3)}`}`,
        )
        .join('; ')}.`,
    );
  }
  const otherOrder = scores.some(
    (s) => s.passed && s.reading.order !== chosen.reading.order && s.error <= chosen.error + TIE,
  );
  return {
    convention: declared.convention,
    reading: chosen.reading,
    error: chosen.error,
    orderDecided: !otherOrder,
    scores,
    runs: memo.runs(),
  };
}

/**
 * The session with its results memoised by their feeds (dtype, dims and a checksum of the data), so
 * readings that differ only in how the output is read share one run.
 */
function memoised(session: ModelSession): { session: ModelSession; runs: () => number } {
  const cache = new Map<string, Promise<Record<string, TensorValue>>>();
  let runs = 0;
  const wrapped = Object.create(session, {
    run: {
      value: (feeds: Record<string, TensorValue>, signal?: AbortSignal) => {
        const key = Object.entries(feeds)
          .map(([k, v]) => `${k}:${v.dtype}:${v.dims.join('x')}:${checksum(v.data)}`)
          .join('|');
        let result = cache.get(key);
        if (!result) {
          runs++;
          result = session.run(feeds, signal);
          cache.set(key, result);
        }
        return result;
      },
      // An ordinary property, so that a Proxy around this session keeps its invariants.
      writable: true,
      configurable: true,
    },
  }) as ModelSession;
  return { session: wrapped, runs: () => runs };
}

/** SHA-1 of the data's bytes (a content key, not a security measure). */
function checksum(data: TensorValue['data']): string {
  return createHash('sha1')
    .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .digest('hex');
}
