/**
 * The texture stage's guarantee that it never moves the fill's picture (issue 13, "a correction never
 * makes a fill worse"): after the optimisation and the histogram corrections, the hole's Gaussian
 * low-pass (σ 4: shapes, shading, colour) is put back to the start's (the fill, with the detail borrowed
 * by app/image/detailTransfer.ts, which keeps the fill's own low-pass), so that only the detail finer
 * than that changed: result = lowpass(start) + highpass(corrected), inside the hole only.
 */
import { throwIfAborted } from '../../common/errors';
import { expandRect, maskBoundingBox } from '../../image/crop';
import { distanceTransform } from '../../image/morphology';
import { gaussianBlur } from '../../image/stationarity';
import type { Mask, RgbImage } from '../../image/types';

/** σ (px, image scale) of the kept low-pass: the scale the corrections benchmark measures structure at. */
export const KEPT_SIGMA = 4;

/**
 * `result` with its hole's σ low-pass brought back to `reference`'s. The low-pass is taken over the
 * whole image (as the benchmark measures it), and only hole pixels change: each round adds the
 * low-pass of the difference (reference − result, zero outside the hole) to the hole, which removes the
 * coarse part of the difference and leaves the fine part (the added detail); three rounds bring the
 * low-pass within a few thousandths. Values stay in 0..1. Pixels outside the mask are returned bit-exact.
 */
export function keepLowPass(
  result: RgbImage,
  reference: RgbImage,
  mask: Mask,
  sigma = KEPT_SIGMA,
  rounds = 3,
  signal?: AbortSignal,
): RgbImage {
  const { width: W, height: H } = result;
  const out = result.data.slice();
  const box = maskBoundingBox(mask);
  if (!box) return { width: W, height: H, data: out };
  const rect = expandRect(box, Math.ceil(3 * sigma) + 1, W, H);
  const w = rect.width,
    h = rect.height,
    n = w * h,
    N = W * H;
  const hole = new Uint8Array(n);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) hole[y * w + x] = mask.data[(rect.y + y) * W + rect.x + x];
  const diff = new Float32Array(3 * n);
  for (let r = 0; r < rounds; r++) {
    throwIfAborted(signal);
    diff.fill(0);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const j = y * w + x;
        if (!hole[j]) continue;
        const i = (rect.y + y) * W + rect.x + x;
        for (let c = 0; c < 3; c++) diff[c * n + j] = reference.data[c * N + i] - out[c * N + i];
      }
    const low = gaussianBlur(diff, w, h, 3, sigma);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const j = y * w + x;
        if (!hole[j]) continue;
        const i = (rect.y + y) * W + rect.x + x;
        for (let c = 0; c < 3; c++)
          out[c * N + i] = Math.min(1, Math.max(0, out[c * N + i] + low[c * n + j]));
      }
  }
  return { width: W, height: H, data: out };
}

/** Width (px) over which the optimisation's change fades in from the hole's edge. */
export const EDGE_FADE = 4;

/**
 * `start` + w·(`result` − `start`) in the hole, with w = min(1, d / `width`) and d the distance of a hole
 * pixel to the nearest known pixel (1 on the hole's outer row): the texture optimisation's change fades
 * in from the hole's edge. The optimisation tends to draw a thin dark or light line along the edge (its
 * features see a step there); the start's own edge (the fill, with borrowed detail) is continuous with
 * the surroundings. Pixels outside the mask are returned bit-exact.
 */
export function fadeFromEdge(result: RgbImage, start: RgbImage, mask: Mask, width = EDGE_FADE): RgbImage {
  const { width: W, height: H } = result;
  const out = result.data.slice();
  const box = maskBoundingBox(mask);
  if (!box || !(width > 0)) return { width: W, height: H, data: out };
  const rect = expandRect(box, 1, W, H);
  const w = rect.width,
    h = rect.height,
    N = W * H;
  const known = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) known[y * w + x] = mask.data[(rect.y + y) * W + rect.x + x] ? 0 : 1;
  const dist = distanceTransform(known, w, h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const j = y * w + x;
      if (known[j]) continue;
      // A hole touching the image's frame: the frame is no edge to fade from (distance may be Infinity).
      const f = Math.min(1, dist[j] / width);
      if (f >= 1) continue;
      const i = (rect.y + y) * W + rect.x + x;
      for (let c = 0; c < 3; c++)
        out[c * N + i] = start.data[c * N + i] + f * (out[c * N + i] - start.data[c * N + i]);
    }
  return { width: W, height: H, data: out };
}
