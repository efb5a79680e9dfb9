/**
 * What each convention's model looks like from the outside (input/output names, dtypes, dims), and
 * matching a loaded model against it. Matching goes by dtypes and dims, with names only to tell the
 * image input from the mask input when both have the same channel count.
 */
import type { TensorInfo } from '../../../ort/types';
import type { ConventionId } from './types';

export const CONVENTION_IDS: readonly ConventionId[] = [
  'lama-fixed-rgb',
  'lama-fixed-bgr',
  'lama-dynamic-4ch',
  'migan',
];

/** Human-readable expectation of each convention, for MODEL_UNSUPPORTED messages. */
export const EXPECTED: Record<ConventionId, string> = {
  'lama-fixed-rgb':
    'image float32 [N,3,512,512] (RGB 0..1) + mask float32 [N,1,512,512] (1 = hole) -> float32 [N,3,512,512] (0..255)',
  'lama-fixed-bgr':
    'image float32 [1,3,512,512] (BGR 0..1) + mask float32 [1,1,512,512] (> 0 = hole) -> float32 [1,3,512,512] (0..255)',
  'lama-dynamic-4ch':
    'one float32 [1,4,H,W] (masked RGB 0..1 + mask, H and W multiples of 32) -> float32 [1,3,H,W] (0..1)',
  migan: 'image uint8 [N,3,H,W] (RGB) + mask uint8 [N,1,H,W] (255 = known, 0 = hole) -> uint8 [N,3,H,W]',
};

/** Which model tensors play which role, once a model matched a convention. */
export interface Binding {
  /** Image input (or the only input for 4-channel models). */
  image: string;
  /** Mask input; '' for 4-channel models. */
  mask: string;
  output: string;
  /** Square fixed input size, or null when H and W are free. */
  fixedSize: number | null;
  /** The inputs' batch dimension as declared (a symbolic name, or 1); absent: 1. */
  batch?: number | string;
  /** The batch dimension of every input, and of the output where declared, is symbolic; absent: false. */
  dynamicBatch?: boolean;
}

/** A dimension the model leaves free: a symbolic name (ONNX dim_param), or a negative size. */
export function isSymbolicDim(d: number | string | undefined): boolean {
  return typeof d === 'string' || (typeof d === 'number' && d < 0);
}

/**
 * The batch dimension of a model's `inputs` (dim 0) and whether it is dynamic: every input's is
 * symbolic, and so is the output's when the output declares a rank-4 shape. A model whose inputs
 * say [N,...] but whose output says [1,...] is taken at its word for the smaller one.
 */
export function batchOf(
  inputs: readonly TensorInfo[],
  output: TensorInfo | undefined,
): { batch: number | string; dynamicBatch: boolean } {
  const dims = inputs.map((t) => t.dims[0]);
  if (output && output.dims.length === 4) dims.push(output.dims[0]);
  const fixed = dims.find((d) => !isSymbolicDim(d));
  return fixed === undefined
    ? { batch: inputs[0]?.dims[0] ?? 1, dynamicBatch: true }
    : { batch: fixed, dynamicBatch: false };
}

type Family = 'lama-fixed' | 'lama-dynamic-4ch' | 'migan';

export function familyOf(c: ConventionId): Family {
  return c === 'lama-fixed-rgb' || c === 'lama-fixed-bgr' ? 'lama-fixed' : c;
}

/** The binding of `inputs`/`outputs` to `family`, or null when the model does not have its shape. */
export function matchFamily(
  family: Family,
  inputs: readonly TensorInfo[],
  outputs: readonly TensorInfo[],
): Binding | null {
  switch (family) {
    case 'lama-fixed': {
      const pair = imageAndMask(inputs, 'float32');
      if (!pair || !spatialIs(pair.image, 512) || !spatialIs(pair.mask, 512)) return null;
      const output = imageOutput(outputs, 'float32');
      if (!output) return null;
      const batch = batchOf([pair.image, pair.mask], output);
      return { image: pair.image.name, mask: pair.mask.name, output: output.name, fixedSize: 512, ...batch };
    }
    case 'migan': {
      const pair = imageAndMask(inputs, 'uint8');
      if (!pair || !spatialFree(pair.image) || !spatialFree(pair.mask)) return null;
      const output = imageOutput(outputs, 'uint8');
      if (!output) return null;
      const batch = batchOf([pair.image, pair.mask], output);
      return { image: pair.image.name, mask: pair.mask.name, output: output.name, fixedSize: null, ...batch };
    }
    case 'lama-dynamic-4ch': {
      if (inputs.length !== 1) return null;
      const input = inputs[0];
      if (
        input.dtype !== 'float32' ||
        input.dims.length !== 4 ||
        !dimIs(input.dims[0], 1) ||
        input.dims[1] !== 4
      )
        return null;
      const [h, w] = [input.dims[2], input.dims[3]];
      let fixedSize: number | null = null;
      if (typeof h === 'number' || typeof w === 'number') {
        // A 4-channel export with fixed dims: usable only when square and a multiple of 32.
        if (h !== w || typeof h !== 'number' || h % 32 !== 0) return null;
        fixedSize = h;
      }
      const output = imageOutput(outputs, 'float32');
      if (!output) return null;
      return { image: input.name, mask: '', output: output.name, fixedSize, ...batchOf([input], output) };
    }
  }
}

/** The input with 3 channels and the one with 1 (names 'image'/'mask' win when present), both of `dtype`. */
function imageAndMask(
  inputs: readonly TensorInfo[],
  dtype: string,
): { image: TensorInfo; mask: TensorInfo } | null {
  if (
    inputs.length !== 2 ||
    inputs.some((t) => t.dtype !== dtype || t.dims.length !== 4 || !dimIs(t.dims[0], 1))
  )
    return null;
  const image = inputs.find((t) => t.dims[1] === 3);
  const mask = inputs.find((t) => t.dims[1] === 1);
  if (!image || !mask) return null;
  return { image, mask };
}

/** The first output of `dtype` shaped [N,3,H,W] (or with unknown rank). */
function imageOutput(outputs: readonly TensorInfo[], dtype: string): TensorInfo | null {
  const o = outputs.find(
    (t) => t.dtype === dtype && (t.dims.length === 0 || (t.dims.length === 4 && dimIs(t.dims[1], 3))),
  );
  return o ?? null;
}

/** A dim that is `n` or symbolic (could be n). */
function dimIs(d: number | string | undefined, n: number): boolean {
  return d === n || typeof d === 'string';
}

function spatialIs(t: TensorInfo, n: number): boolean {
  return t.dims[2] === n && t.dims[3] === n;
}

function spatialFree(t: TensorInfo): boolean {
  return typeof t.dims[2] === 'string' && typeof t.dims[3] === 'string';
}
