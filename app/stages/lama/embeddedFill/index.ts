/**
 * The embedded, download-free fill the LaMa stage uses when no LaMa model is installed.
 * 'patchmatch' copies texture from the surroundings (Content-Aware-Fill style); 'pushpull' is a smooth
 * membrane fill (fast, good for skies and flat areas, blurry on texture).
 */
import { StudioError, describeValue } from '../../../common/errors';
import type { Mask, RgbImage } from '../../../image/types';
import { patchMatchFill, patchMatchFillAsync } from './patchMatch';
import { pushPullFill } from './pushPull';

export type EmbeddedFillMethod = 'patchmatch' | 'pushpull';

export const EMBEDDED_FILL_METHODS: readonly EmbeddedFillMethod[] = ['patchmatch', 'pushpull'];

export interface EmbeddedFillOptions {
  method: EmbeddedFillMethod;
  /** PatchMatch's random seed (any integer); push-pull has no randomness. */
  seed?: number;
  signal?: AbortSignal;
  /** PatchMatch reports after every iteration; push-pull reports once, when done. */
  onProgress?: (step: number, total: number) => void;
}

/**
 * Fills the hole without a model.
 * @param image sRGB 0..1 planes
 * @param mask 1 = hole, the image's size
 * @returns a new image; pixels outside the hole are bit-exact copies of `image`
 * @throws StudioError PARAM_INVALID (unknown method, the mask covers the whole image), MASK_SIZE, CANCELLED.
 */
export function embeddedFill(image: RgbImage, mask: Mask, opts: EmbeddedFillOptions): RgbImage {
  switch (opts.method) {
    case 'patchmatch':
      return patchMatchFill(image, mask, {
        seed: opts.seed,
        signal: opts.signal,
        onProgress: opts.onProgress,
      });
    case 'pushpull': {
      const out = pushPullFill(image, mask, { signal: opts.signal });
      opts.onProgress?.(1, 1);
      return out;
    }
    default:
      throw new StudioError(
        'PARAM_INVALID',
        `Expected one of ${EMBEDDED_FILL_METHODS.map((m) => JSON.stringify(m)).join(', ')} for the embedded fill method but received ${describeValue((opts as { method: unknown }).method)}`,
      );
  }
}

/**
 * embeddedFill that yields to the event loop between PatchMatch rounds, so that an abort arriving as a
 * message (the user pressing Cancel) and progress messages get through while an 8 MP fill runs on the
 * engine's thread. The synchronous form only sees a signal fired before it started or from onProgress.
 * Same result and throws as embeddedFill.
 */
export async function embeddedFillAsync(
  image: RgbImage,
  mask: Mask,
  opts: EmbeddedFillOptions,
): Promise<RgbImage> {
  if (opts.method === 'patchmatch') {
    return patchMatchFillAsync(image, mask, {
      seed: opts.seed,
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
  }
  // Push-pull takes well under a second even at 8 MP.
  return embeddedFill(image, mask, opts);
}

export {
  patchMatchFill,
  patchMatchFillAsync,
  PATCHMATCH_DEFAULTS,
  type PatchMatchOptions,
} from './patchMatch';
export { pushPullFill, type PushPullOptions } from './pushPull';
