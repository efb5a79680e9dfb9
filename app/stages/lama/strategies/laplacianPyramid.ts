/**
 * Laplacian-pyramid blend of two fills of the same crop (Burt & Adelson, "A multiresolution spline with
 * application to image mosaics", 1983): the coarse levels of one, the fine levels of the other.
 *
 * Gaussian level k+1 is level k blurred with the binomial [1 4 6 4 1] / 16 (edges clamped) and decimated
 * by 2 (the even pixels); `expand` brings a level back up bilinearly (fine pixel 2i is coarse pixel i).
 * Laplacian band k = G_k - expand(G_k+1); the top level is G_depth itself. Summing every band
 * reconstructs the image. Work is done in doubles, one channel at a time.
 */
import { createImage, type Mask, type RgbImage } from '../../../image/types';

/** Deepest pyramid used: 7 reductions (a 128x coarser top level); the crossover slider goes to 8 = above it. */
export const MAX_PYRAMID_DEPTH = 7;

/** Number of reductions of a width x height pyramid: down to a top level at least 1 pixel each way. */
export function pyramidDepth(width: number, height: number): number {
  return Math.min(MAX_PYRAMID_DEPTH, Math.floor(Math.log2(Math.min(width, height))));
}

const K = [1 / 16, 4 / 16, 6 / 16, 4 / 16, 1 / 16];

interface Level {
  data: Float64Array;
  width: number;
  height: number;
}

function reduce(src: Level): Level {
  const { data, width: w, height: h } = src;
  const w2 = Math.ceil(w / 2);
  const h2 = Math.ceil(h / 2);
  const tmp = new Float64Array(w2 * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w2; x++) {
      let acc = 0;
      for (let k = 0; k < 5; k++) {
        let sx = 2 * x + k - 2;
        sx = sx < 0 ? 0 : sx >= w ? w - 1 : sx;
        acc += K[k] * data[row + sx];
      }
      tmp[y * w2 + x] = acc;
    }
  }
  const out = new Float64Array(w2 * h2);
  for (let y = 0; y < h2; y++) {
    for (let k = 0; k < 5; k++) {
      let sy = 2 * y + k - 2;
      sy = sy < 0 ? 0 : sy >= h ? h - 1 : sy;
      const t = sy * w2;
      const o = y * w2;
      for (let x = 0; x < w2; x++) out[o + x] += K[k] * tmp[t + x];
    }
  }
  return { data: out, width: w2, height: h2 };
}

/** Bilinear upsampling of a reduced level to width x height (fine 2i <- coarse i, fine 2i+1 <- their mean). */
function expand(src: Level, width: number, height: number): Float64Array {
  const { data, width: sw, height: sh } = src;
  const tmp = new Float64Array(width * sh);
  for (let y = 0; y < sh; y++) {
    const row = y * sw;
    for (let x = 0; x < width; x++) {
      const i = x >> 1;
      tmp[y * width + x] =
        (x & 1) === 0 || i + 1 >= sw ? data[row + i] : 0.5 * (data[row + i] + data[row + i + 1]);
    }
  }
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const i = y >> 1;
    const a = i * width;
    const o = y * width;
    if ((y & 1) === 0 || i + 1 >= sh) out.set(tmp.subarray(a, a + width), o);
    else for (let x = 0; x < width; x++) out[o + x] = 0.5 * (tmp[a + x] + tmp[a + width + x]);
  }
  return out;
}

function gaussianPyramid(plane: Float32Array, width: number, height: number, depth: number): Level[] {
  const levels: Level[] = [{ data: Float64Array.from(plane), width, height }];
  for (let k = 0; k < depth; k++) levels.push(reduce(levels[k]));
  return levels;
}

/**
 * Reconstructs the pyramid whose bands below `crossover` are the fine image's and whose bands from
 * `crossover` up (the top level included) are the coarse image's. No shortcuts: crossover 0 rebuilds
 * the coarse image and crossover > depth the fine one, up to rounding (about 1e-15).
 * @param fine,coarse same size
 * @param crossover 0.. ; levels k < crossover from fine
 * @param depth number of reductions (default pyramidDepth)
 */
export function blendPyramids(
  fine: RgbImage,
  coarse: RgbImage,
  crossover: number,
  depth = pyramidDepth(fine.width, fine.height),
): Float64Array[] {
  const { width: W, height: H } = fine;
  const n = W * H;
  const out: Float64Array[] = [];
  for (let c = 0; c < 3; c++) {
    const gf = gaussianPyramid(fine.data.subarray(c * n, (c + 1) * n), W, H, depth);
    const gc = gaussianPyramid(coarse.data.subarray(c * n, (c + 1) * n), W, H, depth);
    let r: Level = crossover <= depth ? gc[depth] : gf[depth];
    for (let k = depth - 1; k >= 0; k--) {
      const src = k < crossover ? gf : gc;
      const { width, height } = src[k];
      const below = expand(src[k + 1], width, height);
      const up = expand(r, width, height);
      const data = new Float64Array(width * height);
      const g = src[k].data;
      for (let i = 0; i < data.length; i++) data[i] = g[i] - below[i] + up[i];
      r = { data, width, height };
    }
    out.push(r.data);
  }
  return out;
}

/**
 * Blends two fills of the same crop: bands below `crossover` from `fine`, the rest from `coarse`, values
 * clamped to 0..1; only hole pixels (mask 1) take the blend, the others keep `fine`'s values. Crossover 0
 * returns the coarse values and crossover > the pyramid's depth the fine ones, exactly.
 * @param fine,coarse same size, 0..1
 * @param crossover integer >= 0
 * @param mask where to blend (the fine image's size), or undefined for everywhere
 */
export function laplacianBlend(fine: RgbImage, coarse: RgbImage, crossover: number, mask?: Mask): RgbImage {
  const { width: W, height: H } = fine;
  const n = W * H;
  const out = fine.data.slice();
  const depth = pyramidDepth(W, H);
  const inHole = (i: number) => !mask || mask.data[i] !== 0;
  if (crossover > depth) return createImage(W, H, out);
  if (crossover === 0) {
    for (let c = 0; c < 3; c++)
      for (let i = 0; i < n; i++) if (inHole(i)) out[c * n + i] = coarse.data[c * n + i];
    return createImage(W, H, out);
  }
  const planes = blendPyramids(fine, coarse, crossover, depth);
  for (let c = 0; c < 3; c++) {
    const p = planes[c];
    for (let i = 0; i < n; i++) {
      if (!inHole(i)) continue;
      const v = p[i];
      out[c * n + i] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return createImage(W, H, out);
}
