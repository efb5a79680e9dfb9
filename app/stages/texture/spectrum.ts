/**
 * The spectrum constraint (Liu, Gousseau and Xia 2016, "Texture synthesis through convolutional neural
 * networks and spectrum constraints"): the Fourier modulus of the synthesised crop should match the
 * exemplar's, so periodic structures (bricks, grilles) stay periodic; Gram matrices alone do not see
 * long-range regularity. Here a loss term, λ_spectrum · ‖|F(x)| − T‖² / ‖T‖², on the luma of the
 * whole working crop (mean removed, Hann-windowed so the crop's edges add no spurious cross), with T
 * the mean modulus of hole-free windows of the crop's size taken from the exemplar or the hole's
 * neighbourhood. The modulus is shift-invariant, so windows anywhere in the texture agree.
 */
import { Graph, type Tensor } from '../../graph/builder';
import { toModel } from '../../graph/model';
import { conv } from '../../graph/nn';
import { add, div, mul, reduceSum, reshape, sqrt, square, sub } from '../../graph/ops';
import { dft } from '../../graph/spectral';
import { cropImage } from '../../image/crop';
import { resizeImage } from '../../image/resize';
import type { Rect } from '../../common/params';
import type { Mask, RgbImage } from '../../image/types';
import type { SessionSource } from './sessions';

/** Separable Hann window, [1, 1, H, W]. */
function hann(g: Graph, width: number, height: number): Tensor {
  const w = (i: number, n: number) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / n);
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data[y * width + x] = w(y, height) * w(x, width);
  return g.constant(data, [1, 1, height, width], 'hann');
}

/** |F| of the windowed, centred luma of x [B, 3, H, W]: [B, H, W]. */
export function lumaSpectrum(x: Tensor): Tensor {
  const [b, , h, w] = x.shape;
  const g = x.graph;
  const l = conv(x, g.constant([0.299, 0.587, 0.114], [1, 3, 1, 1], 'luma'));
  const centred = sub(l, div(reduceSum(l, [2, 3], true), h * w));
  const windowed = reshape(mul(centred, hann(g, w, h)), [b, h, w, 1]);
  const f = dft(dft(windowed, 1), 2);
  // ε keeps the modulus differentiable at zero.
  return sqrt(add(reduceSum(square(f), [3]), 1e-8));
}

/** The term λ · ‖|F(x)| − target‖² · targetScale (targetScale = 1/‖T‖², fed by the caller). */
export function spectrumTerm(x: Tensor, target: Tensor, lambda: Tensor, targetScale: Tensor): Tensor {
  const [, , h, w] = x.shape;
  const diff = sub(lumaSpectrum(x), reshape(target, [1, h, w]));
  return mul(mul(lambda, targetScale), reduceSum(square(diff)));
}

/** Model: windows [B, 3, H, W] → target [1, H, W], the mean modulus. */
export function spectrumTargetModel(width: number, height: number, count: number): Uint8Array {
  const g = new Graph('texture_spectrum_target');
  const windows = g.input('windows', [count, 3, height, width]);
  const mean = div(reduceSum(lumaSpectrum(windows), [0], true), count);
  return toModel({ target: mean });
}

/**
 * Hole-free windows of `crop`'s size around it (image scale): tiles of the chosen exemplar rectangle
 * when it is large enough, else the crop shifted by whole and half crop sizes in the eight directions.
 * Each is scaled by `scale` to the working size (w × h). At most `max`, nearest first.
 */
export function spectrumWindows(
  image: RgbImage,
  mask: Mask,
  crop: Rect,
  size: { width: number; height: number },
  exemplar: Rect | null,
  max = 8,
): RgbImage[] {
  const { width: W, height: H } = image;
  const cw = crop.width,
    ch = crop.height;
  const candidates: { x: number; y: number; d: number }[] = [];
  if (exemplar && exemplar.width >= cw && exemplar.height >= ch) {
    for (let y = exemplar.y; y + ch <= exemplar.y + exemplar.height; y += Math.max(1, ch >> 1))
      for (let x = exemplar.x; x + cw <= exemplar.x + exemplar.width; x += Math.max(1, cw >> 1))
        candidates.push({ x, y, d: 0 });
  }
  if (!candidates.length)
    for (const k of [1, 1.5, 2])
      for (const [dx, dy] of [
        [1, 0],
        [-1, 0],
        [0, 1],
        [0, -1],
        [1, 1],
        [-1, 1],
        [1, -1],
        [-1, -1],
      ])
        candidates.push({
          x: Math.round(crop.x + dx * k * cw),
          y: Math.round(crop.y + dy * k * ch),
          d: k * Math.hypot(dx, dy),
        });
  const clean = (x: number, y: number) => {
    if (x < 0 || y < 0 || x + cw > W || y + ch > H) return false;
    for (let r = y; r < y + ch; r++) for (let c = x; c < x + cw; c++) if (mask.data[r * W + c]) return false;
    return true;
  };
  return candidates
    .filter((c) => clean(c.x, c.y))
    .sort((a, b) => a.d - b.d)
    .slice(0, max)
    .map((c) => {
      const win = cropImage(image, { x: c.x, y: c.y, width: cw, height: ch });
      return win.width === size.width && win.height === size.height
        ? win
        : resizeImage(win, size.width, size.height);
    });
}

/** The mean modulus of `windows` at w × h (the spectrum term's target), through `sessions`. */
export async function spectrumTarget(
  windows: readonly RgbImage[],
  width: number,
  height: number,
  sessions: SessionSource,
): Promise<Float32Array> {
  const n = width * height;
  const batch = new Float32Array(windows.length * 3 * n);
  windows.forEach((win, b) => {
    const img = win.width === width && win.height === height ? win : resizeImage(win, width, height);
    batch.set(img.data, b * 3 * n);
  });
  const lease = await sessions(`spectrum-${width}x${height}x${windows.length}`, () =>
    spectrumTargetModel(width, height, windows.length),
  );
  try {
    const out = await lease.session.run({
      windows: { dtype: 'float32', dims: [windows.length, 3, height, width], data: batch },
    });
    return out.target.data as Float32Array;
  } finally {
    await lease.done();
  }
}
