/**
 * Texture synthesis in a hole of one crop: L-BFGS (or Adam) over the hole's detail band on the Gatys
 * loss (gatysLoss.ts), evaluated with ONNX Runtime. Knows nothing of the pipeline: the stage crops,
 * scales and composites around it.
 *
 * The variables are Δ, one value per hole pixel (luma mode: added to all three channels; colour mode:
 * one per channel), and the hole holds start + HP_σ(Δ) (band.ts): the optimiser adds or reshapes detail
 * finer than σ and cannot move the start's coarse picture. σ = 0 frees every frequency (Gatys' own
 * setting, for synthesis from noise).
 */
import { throwIfAborted } from '../../common/errors';
import type { Mask, RgbImage } from '../../image/types';
import type { TensorValue } from '../../ort/types';
import { maskedHighPass } from './band';
import { meanGradientWhere } from '../../image/metrics';
import { borderWeights } from './border';
import type { FeatureNetwork } from './featureNetwork';
import { exemplarModel, synthesisModel } from './gatysLoss';
import { minimize } from './lbfgs';
import { adam } from './adam';
import { ownSessions, type SessionSource } from './sessions';

export interface SynthesisInput {
  /** The crop; pixels outside the hole are the fixed context. */
  image: RgbImage;
  /** The hole, the crop's size. */
  hole: Mask;
  /** Where the optimisation starts (only its hole pixels are used). */
  start: RgbImage;
  /** The texture to match, with the pixels it may use (null = all). */
  exemplar: { image: RgbImage; valid: Uint8Array | null };
  /** Initial Δ per hole pixel (hole order; luma: m values, colour: 3·m channel-major). Default 0. */
  initialDetail?: Float32Array;
  /** The spectrum term's target |F| (crop's size, H·W); null/absent: no spectrum term. */
  spectrumTarget?: Float32Array | null;
  /**
   * Hole-free windows of real texture near the crop, at the crop's size. Their texture term (the
   * loss with the window in place of the crop) is the natural floor: two real patches of one texture
   * never have identical Grams, and optimising below it only buys unnatural pixels. The optimisation
   * stops once the fill reaches the median floor of these windows.
   */
  references?: readonly RgbImage[];
}

export type Optimizer = 'lbfgs' | 'adam';

export interface SynthesisOptions {
  network: FeatureNetwork;
  iterations: number;
  borderWeight: number;
  /** λ_spectrum (used when the input has a spectrum target). */
  spectrumWeight?: number;
  /** σ (px) of the kept low band: only detail finer than this changes. 0 = every frequency. */
  bandSigma?: number;
  /** Change only the luminance (one Δ per pixel for all three channels). */
  lumaOnly?: boolean;
  optimizer?: Optimizer;
  /** L-BFGS: largest change of a variable in one unit step (pixel values). Default 0.02. */
  maxStep?: number;
  /** Adam's step (in pixel values 0..1). Default 0.02. */
  learningRate?: number;
  /**
   * Stop once the hole's detail (mean luma gradient magnitude) reaches this: the exemplar's natural
   * texture level. More iterations only push the Grams past what real patches show, with sharper and
   * sharper pixels.
   */
  detailTarget?: number;
  /** Where sessions come from. Default: CPU sessions loaded for this call. */
  sessions?: SessionSource;
  signal?: AbortSignal;
  /** After each iteration; `current()` builds the crop as it stands. */
  onIteration?(iteration: number, loss: number, current: () => RgbImage): void;
  /**
   * Before each step that precedes the first iteration (SYNTHESIS_PHASES; the pyramid reports phase 0),
   * so that progress moves while sessions are built and the start is evaluated.
   */
  onPhase?(phase: number, message: string): void;
}

/** The steps before the first iteration, in order (phase 0 is the pyramid's). */
export const SYNTHESIS_PHASES = [
  'preparing the spectrum target',
  'measuring the exemplar’s statistics',
  'building the synthesis network',
  'measuring the texture floor',
  'first evaluation of the loss',
] as const;

/** Reports a phase, then lets the report and a cancellation through. */
export async function phase(o: Pick<SynthesisOptions, 'onPhase' | 'signal'>, k: number): Promise<void> {
  o.onPhase?.(k, SYNTHESIS_PHASES[k]);
  await new Promise((r) => setImmediate(r));
  throwIfAborted(o.signal);
}

export interface SynthesisResult {
  /** The crop with the hole synthesised (values clamped to 0..1); outside the hole, `image` unchanged. */
  image: RgbImage;
  lossStart: number;
  lossEnd: number;
  /** Each term at the end. */
  terms: { texture: number; border: number; spectrum?: number };
  /** The texture term per layer at the end. */
  layers: number[];
  /** The natural floor of the texture term (median over the reference windows), null without them. */
  floor: number | null;
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
  sessions: SessionSource,
): Promise<Record<string, TensorValue>> {
  const { width: w, height: h } = ex.image;
  const lease = await sessions(`exemplar-${net.name}-${w}x${h}`, () => exemplarModel(net, w, h));
  try {
    const valid = new Float32Array(w * h).fill(1);
    if (ex.valid) for (let i = 0; i < valid.length; i++) valid[i] = ex.valid[i] ? 1 : 0;
    // The frame is invalid too, so no position whose window reaches into the zero padding counts:
    // padding makes strong artificial edges that the hole would otherwise be asked to copy.
    for (let x = 0; x < w; x++) valid[x] = valid[(h - 1) * w + x] = 0;
    for (let y = 0; y < h; y++) valid[y * w] = valid[y * w + w - 1] = 0;
    const out = await lease.session.run({
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
    await lease.done();
  }
}

/**
 * @throws StudioError CANCELLED when the signal fires; INFERENCE when ONNX Runtime fails
 */
export async function synthesize(input: SynthesisInput, o: SynthesisOptions): Promise<SynthesisResult> {
  const { width: W, height: H } = input.image;
  const n = W * H;
  const sessions = o.sessions ?? ownSessions();
  const holeIdx: number[] = [];
  for (let i = 0; i < n; i++) if (input.hole.data[i]) holeIdx.push(i);
  const m = holeIdx.length;
  const target = input.spectrumTarget ?? null;
  const withSpectrum = target !== null && (o.spectrumWeight ?? 0) > 0;

  await phase(o, 1);
  const gramFeeds = await exemplarFeeds(o.network, input.exemplar, sessions);
  await phase(o, 2);
  const lease = await sessions(
    `synthesis-${o.network.name}-${W}x${H}${withSpectrum ? '-spectrum' : ''}`,
    () => synthesisModel(o.network, W, H, { spectrum: withSpectrum }),
  );
  const session = lease.session;
  try {
    const holePlane = new Float32Array(n);
    for (const i of holeIdx) holePlane[i] = 1;
    const border = borderWeights(input.hole.data, W, H);
    const x = input.image.data.slice();
    const feeds: Record<string, TensorValue> = {
      ...gramFeeds,
      x: tensor(x, [1, 3, H, W]),
      original: tensor(input.image.data, [1, 3, H, W]),
      hole: tensor(holePlane, [1, 1, H, W]),
      borderX: tensor(border.x, [1, 1, H, W - 1]),
      borderY: tensor(border.y, [1, 1, H - 1, W]),
      lambdaBorder: scalar(o.borderWeight),
    };
    if (withSpectrum) {
      let t2 = 0;
      for (const v of target) t2 += v * v;
      feeds.spectrumTarget = tensor(target, [1, H, W]);
      feeds.lambdaSpectrum = scalar(o.spectrumWeight!);
      feeds.spectrumScale = scalar(t2 > 0 ? 1 / t2 : 0);
    }
    const luma = o.lumaOnly ?? false;
    const planes = luma ? 1 : 3;
    const sigma = o.bandSigma ?? 0;
    const start = input.start.data;
    // Δ as full planes (zero outside the hole), high-passed within the hole: the change it receives.
    const band = sigma > 0 ? maskedHighPass(holePlane, W, H, planes, sigma) : null;
    const field = new Float32Array(planes * n);
    const detail = (v: ArrayLike<number>): Float32Array => {
      field.fill(0);
      for (let p = 0; p < planes; p++) for (let k = 0; k < m; k++) field[p * n + holeIdx[k]] = v[p * m + k];
      return band ? band.apply(field) : field;
    };
    const fill = (v: ArrayLike<number>, out: Float32Array, clamp: boolean) => {
      const d = detail(v);
      for (let c = 0; c < 3; c++) {
        const dp = luma ? 0 : c * n;
        for (let k = 0; k < m; k++) {
          const i = holeIdx[k];
          const value = start[c * n + i] + d[dp + i];
          out[c * n + i] = clamp ? Math.min(1, Math.max(0, value)) : value;
        }
      }
    };
    const gradPlane = new Float32Array(planes * n);
    let ms = 0,
      evaluations = 0;
    let last: Record<string, TensorValue> = {};
    const objective = async (v: Float64Array) => {
      fill(v, x, false);
      const t = performance.now();
      last = await session.run(feeds, o.signal);
      ms += performance.now() - t;
      evaluations++;
      const g = last.grad.data as Float32Array;
      // dL/dΔ = HPᵀ(dL/dx) on the hole, summed over channels in luma mode.
      gradPlane.fill(0);
      for (let c = 0; c < 3; c++) {
        const dp = luma ? 0 : c * n;
        for (const i of holeIdx) gradPlane[dp + i] += g[c * n + i];
      }
      if (band) band.adjoint(gradPlane);
      const gradient = new Float64Array(v.length);
      for (let p = 0; p < planes; p++)
        for (let k = 0; k < m; k++) gradient[p * m + k] = gradPlane[p * n + holeIdx[k]];
      return { value: (last.loss.data as Float32Array)[0], gradient };
    };
    // The natural floor: each reference window in place of the whole crop.
    let floor: number | null = null;
    await phase(o, 3);
    if (input.references?.length) {
      const terms: number[] = [];
      for (const r of input.references) {
        const out = await session.run(
          { ...feeds, x: tensor(r.data, [1, 3, H, W]), original: tensor(r.data, [1, 3, H, W]) },
          o.signal,
        );
        terms.push((out.texture.data as Float32Array)[0]);
      }
      terms.sort((a, b) => a - b);
      floor = terms[terms.length >> 1];
    }
    const x0 = new Float64Array(planes * m);
    if (input.initialDetail) x0.set(input.initialDetail.subarray(0, x0.length));
    await phase(o, 4);
    const first = await objective(x0);
    const lossStart = first.value;
    const compose = (v: ArrayLike<number>): RgbImage => {
      const out = input.image.data.slice();
      fill(v, out, true);
      return { width: W, height: H, data: out };
    };
    const reachedDetail = (v: ArrayLike<number>) =>
      o.detailTarget !== undefined && meanGradientWhere(compose(v), input.hole.data) >= o.detailTarget;
    const startsBelow =
      (floor !== null && (last.texture.data as Float32Array)[0] <= floor) || reachedDetail(x0);
    let result: { x: Float64Array; iterations: number } = { x: x0, iterations: 0 };
    if (o.iterations > 0 && m > 0 && !startsBelow) {
      const onIteration = async ({
        iteration,
        value,
        x: cur,
      }: {
        iteration: number;
        value: number;
        x: Float64Array;
      }) => {
        o.onIteration?.(iteration, value, () => compose(cur));
        // Let progress events and a cancellation reach us between iterations.
        await new Promise((r) => setImmediate(r));
        throwIfAborted(o.signal);
        if (floor !== null && (last.texture.data as Float32Array)[0] <= floor) return true;
        return reachedDetail(cur);
      };
      result =
        o.optimizer === 'adam'
          ? await adam(objective, x0, {
              iterations: o.iterations,
              learningRate: o.learningRate ?? 0.02,
              signal: o.signal,
              onIteration,
            })
          : await minimize(objective, x0, {
              maxIterations: o.iterations,
              // Small steps, so the detail stop sees the fill grow rather than overshoot.
              maxStep: o.maxStep ?? 0.02,
              signal: o.signal,
              onIteration,
            });
    }
    // The terms at the solution (the last evaluation may have been a rejected trial step).
    await objective(result.x);
    const term = (k: string) => (last[k].data as Float32Array)[0];
    return {
      image: compose(result.x),
      lossStart,
      lossEnd: term('loss'),
      terms: {
        texture: term('texture'),
        border: term('border'),
        ...(withSpectrum ? { spectrum: term('spectrum') } : {}),
      },
      layers: o.network.channels.map((_, l) => term(`layer${l}`)),
      floor,
      iterations: result.iterations,
      evaluations,
      msPerEvaluation: ms / Math.max(1, evaluations),
    };
  } finally {
    await lease.done();
  }
}
