/**
 * The per-pixel texture feature the PatchMatch fill carries as a fourth value. Private to the embedded fill.
 */
import type { Mask, RgbImage } from '../types';
import { pushPullHoles } from './pushPull';

/**
 * The texture feature (after Newson et al. 2014): the mean luma gradient magnitude over a patch-sized
 * window of known pixels, times `weight`; in the hole, push-pull of the surrounding values. At
 * coarse levels colour alone cannot tell fur from an out-of-focus background (both average to a smooth
 * beige), and the smooth start of the hole then matches the smooth source: the feature keeps the texture's
 * strength visible there, so coarse matches go to sources with the right amount of detail.
 */
export function textureFeature(
  image: RgbImage,
  mask: Mask,
  p: number,
  weight: number,
  signal?: AbortSignal,
): Float32Array {
  const { width: W, height: H } = image;
  const n = W * H;
  const unknown = mask.data;
  const d = image.data;
  const r = p >> 1;
  // Per row: gradient magnitude |dx| + |dy| between known neighbours, then its sum (and the number of
  // known pixels) over the window's width. Then a sliding sum down the columns gives the window mean.
  const rowG = new Float32Array(n);
  const rowK = new Uint8Array(n);
  const g = new Float32Array(W);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    for (let x = 0; x < W; x++) {
      const i = row + x;
      let v = 0;
      if (!unknown[i]) {
        const l = 0.299 * d[i] + 0.587 * d[n + i] + 0.114 * d[2 * n + i];
        if (x < W - 1 && !unknown[i + 1])
          v += Math.abs(0.299 * d[i + 1] + 0.587 * d[n + i + 1] + 0.114 * d[2 * n + i + 1] - l);
        if (y < H - 1 && !unknown[i + W])
          v += Math.abs(0.299 * d[i + W] + 0.587 * d[n + i + W] + 0.114 * d[2 * n + i + W] - l);
      }
      g[x] = v;
    }
    let sg = 0;
    let sk = 0;
    for (let x = 0; x < Math.min(r, W); x++) {
      sg += g[x];
      sk += unknown[row + x] ? 0 : 1;
    }
    for (let x = 0; x < W; x++) {
      if (x + r < W) {
        sg += g[x + r];
        sk += unknown[row + x + r] ? 0 : 1;
      }
      if (x - r - 1 >= 0) {
        sg -= g[x - r - 1];
        sk -= unknown[row + x - r - 1] ? 0 : 1;
      }
      rowG[row + x] = sg;
      rowK[row + x] = sk;
    }
  }
  const t = new Float32Array(n);
  const colG = new Float64Array(W);
  const colK = new Int32Array(W);
  for (let y = 0; y < Math.min(r, H); y++) {
    for (let x = 0; x < W; x++) {
      colG[x] += rowG[y * W + x];
      colK[x] += rowK[y * W + x];
    }
  }
  for (let y = 0; y < H; y++) {
    const add = y + r < H ? (y + r) * W : -1;
    const sub = y - r - 1 >= 0 ? (y - r - 1) * W : -1;
    for (let x = 0; x < W; x++) {
      if (add >= 0) {
        colG[x] += rowG[add + x];
        colK[x] += rowK[add + x];
      }
      if (sub >= 0) {
        colG[x] -= rowG[sub + x];
        colK[x] -= rowK[sub + x];
      }
      const i = y * W + x;
      if (!unknown[i]) t[i] = (weight * colG[x]) / colK[x];
    }
  }
  pushPullHoles(t, 1, mask, signal);
  return t;
}
