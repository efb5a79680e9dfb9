/**
 * Texture synthesis in a hole of one crop: L-BFGS over the hole's pixel values on the Gatys loss
 * (gatysLoss.ts), evaluated with ONNX Runtime. Knows nothing of the pipeline: the stage crops, scales
 * and composites around it.
 */
import { throwIfAborted } from '../../common/errors';
import type { Mask, RgbImage } from '../../image/types';
import { loadModelSession } from '../../ort/sessions';
import type { ModelSession, ProviderName, TensorValue } from '../../ort/types';
import { borderWeights } from './border';
import { exemplarModel, synthesisModel } from './gatysLoss';
import { minimize } from './lbfgs';
import type { FeatureNetwork } from './randomNetwork';

export interface SynthesisInput {
  /** The crop; pixels outside the hole are the fixed context. */
  image: RgbImage;
  /** The hole, the crop's size. */
  hole: Mask;
  /** Where the optimisation starts (only its hole pixels are used); the structure term's anchor. */
  start: RgbImage;
  /** The texture to match, with the pixels it may use (null = all). */
  exemplar: { image: RgbImage; valid: Uint8Array | null };
}

export interface SynthesisOptions {
  network: FeatureNetwork;
  iterations: number;
  borderWeight: number;
  structureWeight: number;
  /** Change only the luminance of the start (one offset per pixel for all three channels). */
  lumaOnly?: boolean;
  providers?: readonly ProviderName[];
  threads?: number;
  signal?: AbortSignal;
  /** After each iteration; `current()` builds the crop as it stands. */
  onIteration?(iteration: number, loss: number, current: () => RgbImage): void;
}

export interface SynthesisResult {
  /** The crop with the hole synthesised (values clamped to 0..1); outside the hole, `image` unchanged. */
  image: RgbImage;
  lossStart: number;
  lossEnd: number;
  /** Each term at the end. */
  terms: { texture: number; border: number; structure: number };
  /** The texture term per layer at the end. */
  layers: number[];
  iterations: number;
  evaluations: number;
  /** Mean wall time of one loss + gradient evaluation. */
  msPerEvaluation: number;
}

const tensor = (data: Float32Array, dims: number[]): TensorValue => ({ dtype: 'float32', dims, data });
const scalar = (v: number): TensorValue => tensor(Float32Array.of(v), []);

/** The exemplar's Gram per layer and the layer weights 1/(L·‖G_l‖²) that make each layer's term relative. */
async function exemplarFeeds(
  net: FeatureNetwork,
  ex: SynthesisInput['exemplar'],
  config: object,
): Promise<Record<string, TensorValue>> {
  const { width: w, height: h } = ex.image;
  const session = await loadModelSession(exemplarModel(net, w, h), config);
  try {
    const valid = new Float32Array(w * h).fill(1);
    if (ex.valid) for (let i = 0; i < valid.length; i++) valid[i] = ex.valid[i] ? 1 : 0;
    // The frame is invalid too, so no position whose window reaches into the zero padding counts:
    // padding makes strong artificial edges that the hole would otherwise be asked to copy.
    for (let x = 0; x < w; x++) valid[x] = valid[(h - 1) * w + x] = 0;
    for (let y = 0; y < h; y++) valid[y * w] = valid[y * w + w - 1] = 0;
    const out = await session.run({
      image: tensor(ex.image.data, [1, 3, h, w]),
      valid: tensor(valid, [1, 1, h, w]),
    });
    const feeds: Record<string, TensorValue> = {};
    net.channels.forEach((_, l) => {
      const gram = out[`gram${l}`];
      let norm = 0;
      for (const v of gram.data as Float32Array) norm += v * v;
      feeds[`gram${l}`] = gram;
      feeds[`layerWeight${l}`] = scalar(norm > 0 ? 1 / (net.channels.length * norm) : 0);
    });
    return feeds;
  } finally {
    await session.release();
  }
}

/**
 * @throws StudioError CANCELLED when the signal fires; INFERENCE when ONNX Runtime fails
 */
export async function synthesize(input: SynthesisInput, o: SynthesisOptions): Promise<SynthesisResult> {
  const { width: W, height: H } = input.image;
  const n = W * H;
  const config = { providers: o.providers ?? ['cpu'], intraOpThreads: o.threads ?? 0 };
  const holeIdx: number[] = [];
  for (let i = 0; i < n; i++) if (input.hole.data[i]) holeIdx.push(i);
  const m = holeIdx.length;

  const gramFeeds = await exemplarFeeds(o.network, input.exemplar, config);
  throwIfAborted(o.signal);
  const session: ModelSession = await loadModelSession(synthesisModel(o.network, W, H), config);
  try {
    const holePlane = new Float32Array(n);
    for (const i of holeIdx) holePlane[i] = 1;
    const border = borderWeights(input.hole.data, W, H);
    const x = input.start.data.slice();
    const feeds: Record<string, TensorValue> = {
      ...gramFeeds,
      x: tensor(x, [1, 3, H, W]),
      original: tensor(input.image.data, [1, 3, H, W]),
      hole: tensor(holePlane, [1, 1, H, W]),
      anchor: tensor(input.start.data, [1, 3, H, W]),
      borderX: tensor(border.x, [1, 1, H, W - 1]),
      borderY: tensor(border.y, [1, 1, H - 1, W]),
      lambdaBorder: scalar(o.borderWeight),
      lambdaStructure: scalar(o.structureWeight),
    };
    // The variables: per hole pixel either its three values, or (luma) one offset added to all three
    // channels of the start, which keeps the start's chroma.
    const luma = o.lumaOnly ?? false;
    const start = input.start.data;
    const pixel = (v: ArrayLike<number>, c: number, k: number) =>
      luma ? start[c * n + holeIdx[k]] + v[k] : v[c * m + k];
    let ms = 0,
      evaluations = 0;
    let last: Record<string, TensorValue> = {};
    const objective = async (v: Float64Array) => {
      for (let c = 0; c < 3; c++) for (let k = 0; k < m; k++) x[c * n + holeIdx[k]] = pixel(v, c, k);
      const t = performance.now();
      last = await session.run(feeds, o.signal);
      ms += performance.now() - t;
      evaluations++;
      const g = last.grad.data as Float32Array;
      const gradient = new Float64Array(v.length);
      for (let c = 0; c < 3; c++)
        for (let k = 0; k < m; k++) gradient[luma ? k : c * m + k] += g[c * n + holeIdx[k]];
      return { value: (last.loss.data as Float32Array)[0], gradient };
    };
    const x0 = new Float64Array(luma ? m : 3 * m);
    if (!luma)
      for (let c = 0; c < 3; c++) for (let k = 0; k < m; k++) x0[c * m + k] = start[c * n + holeIdx[k]];
    const first = await objective(x0);
    const lossStart = first.value;
    const compose = (v: ArrayLike<number>): RgbImage => {
      const out = input.image.data.slice();
      for (let c = 0; c < 3; c++)
        for (let k = 0; k < m; k++) out[c * n + holeIdx[k]] = Math.min(1, Math.max(0, pixel(v, c, k)));
      return { width: W, height: H, data: out };
    };
    let result: { x: Float64Array; iterations: number } = { x: x0, iterations: 0 };
    if (o.iterations > 0 && m > 0) {
      result = await minimize(objective, x0, {
        maxIterations: o.iterations,
        signal: o.signal,
        onIteration: async ({ iteration, value, x: cur }) => {
          o.onIteration?.(iteration, value, () => compose(cur));
          // Let progress events and a cancellation reach us between iterations.
          await new Promise((r) => setImmediate(r));
          throwIfAborted(o.signal);
        },
      });
    }
    // The terms at the solution (the last evaluation may have been a rejected trial step).
    await objective(result.x);
    const term = (k: string) => (last[k].data as Float32Array)[0];
    return {
      image: compose(result.x),
      lossStart,
      lossEnd: term('loss'),
      terms: { texture: term('texture'), border: term('border'), structure: term('structure') },
      layers: o.network.channels.map((_, l) => term(`layer${l}`)),
      iterations: result.iterations,
      evaluations,
      msPerEvaluation: ms / Math.max(1, evaluations),
    };
  } finally {
    await session.release();
  }
}
