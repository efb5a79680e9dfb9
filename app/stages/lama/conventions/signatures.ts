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
      return output ? { image: pair.image.name, mask: pair.mask.name, output, fixedSize: 512 } : null;
    }
    case 'migan': {
      const pair = imageAndMask(inputs, 'uint8');
      if (!pair || !spatialFree(pair.image) || !spatialFree(pair.mask)) return null;
      const output = imageOutput(outputs, 'uint8');
      return output ? { image: pair.image.name, mask: pair.mask.name, output, fixedSize: null } : null;
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
      return output ? { image: input.name, mask: '', output, fixedSize } : null;
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
function imageOutput(outputs: readonly TensorInfo[], dtype: string): string | null {
  const o = outputs.find(
    (t) => t.dtype === dtype && (t.dims.length === 0 || (t.dims.length === 4 && dimIs(t.dims[1], 3))),
  );
  return o ? o.name : null;
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
