/**
 * The sampling area (issue 15 §4, as Photoshop's Content-Aware Fill): the pixels the fill and the
 * corrections may sample from. A run without one may sample anywhere outside the hole. Stages read it
 * through `StageInput.sampling` (1 = may sample); a pixel of the hole is never a source, whatever the area.
 */
import { StudioError } from '../common/errors';
import { createMask, type Mask } from './types';

/** The byte from which a contract sampling mask's pixel counts as "may sample" (white-ish in a file). */
export const SAMPLING_THRESHOLD = 128;

/**
 * The engine's 0/1 sampling mask from one byte per pixel (>= SAMPLING_THRESHOLD = may sample).
 * @throws StudioError INTERNAL when `bytes` does not hold width*height values
 */
export function samplingFromBytes(width: number, height: number, bytes: Uint8Array): Mask {
  const m = createMask(width, height);
  if (bytes.length !== m.data.length) {
    throw new StudioError(
      'INTERNAL',
      `The sampling area has ${bytes.length} bytes; ${width}x${height} needs ${m.data.length}`,
    );
  }
  for (let i = 0; i < bytes.length; i++) m.data[i] = bytes[i] >= SAMPLING_THRESHOLD ? 1 : 0;
  return m;
}

/**
 * Checks a run's sampling area against its hole.
 * @throws StudioError MASK_SIZE naming `sampling` and both sizes when it is not the mask's size;
 *   PARAM_INVALID naming `sampling` when it holds no pixel outside the hole (nothing to sample from).
 */
export function assertUsableSampling(sampling: Mask, mask: Mask): void {
  if (sampling.width !== mask.width || sampling.height !== mask.height) {
    throw new StudioError(
      'MASK_SIZE',
      `The sampling area (sampling) is ${sampling.width}x${sampling.height} but the image is ` +
        `${mask.width}x${mask.height}; they must be the same size`,
    );
  }
  const s = sampling.data;
  const h = mask.data;
  for (let i = 0; i < s.length; i++) if (s[i] && !h[i]) return;
  throw new StudioError(
    'PARAM_INVALID',
    'The sampling area (sampling) holds no pixel outside the hole, so there is nothing to sample from; ' +
      'paint in some of the image around the hole',
  );
}

/**
 * The pixels a stage may sample from: outside `hole` and, when a sampling area is given, inside it.
 * 1 = may sample. A fresh mask.
 */
export function sampleableMask(hole: Mask, sampling?: Mask): Mask {
  const out = createMask(hole.width, hole.height);
  const h = hole.data;
  const s = sampling?.data;
  for (let i = 0; i < h.length; i++) out.data[i] = !h[i] && (!s || s[i]) ? 1 : 0;
  return out;
}

/**
 * The known pixels the sampling area leaves out (outside the hole and outside the area): 1 = excluded;
 * null when nothing is excluded (no area, or an area covering every known pixel).
 */
export function excludedMask(hole: Mask, sampling?: Mask): Mask | null {
  if (!sampling) return null;
  const out = createMask(hole.width, hole.height);
  let any = false;
  const h = hole.data;
  const s = sampling.data;
  for (let i = 0; i < h.length; i++) {
    if (!h[i] && !s[i]) {
      out.data[i] = 1;
      any = true;
    }
  }
  return any ? out : null;
}
