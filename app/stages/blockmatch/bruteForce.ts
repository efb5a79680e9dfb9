/**
 * The brute-force reference of the block search, written independently of the fast one and as plainly
 * as possible (for tests and small benchmarks; it is slow: every position, every pixel, every block):
 * for each mask block, every source position on the stride whose block avoids the grown hole, within the
 * maximum distance and passing the histogram test, scored by two-pass zero-mean normalised
 * cross-correlation (or raw correlation, or SSIM's contrast-structure term) in double precision; the best objective wins, ties to the first
 * position in row-major order.
 */
import { growMask } from '../../image/morphology';
import type { Mask, RgbImage } from '../../image/types';
import { effectiveBlockSize, maskBlocks } from './grid';
import type { BlockMatch, MatchOptions } from './match';

function channelValues(image: RgbImage, x: number, y: number, b: number, c: number): Float64Array {
  const { width: W, height: H, data } = image;
  const out = new Float64Array(b * b);
  for (let r = 0; r < b; r++)
    for (let q = 0; q < b; q++) out[r * b + q] = data[c * W * H + (y + r) * W + x + q];
  return out;
}

function similarity(a: Float64Array[], t: Float64Array[], kind: MatchOptions['similarity']): number {
  const n = a[0].length;
  if (kind === 'raw') {
    let s = 0;
    for (let c = 0; c < 3; c++) for (let i = 0; i < n; i++) s += a[c][i] * t[c][i];
    return s / (3 * n);
  }
  let num = 0;
  let na = 0;
  let nt = 0;
  for (let c = 0; c < 3; c++) {
    let ma = 0;
    let mt = 0;
    for (let i = 0; i < n; i++) {
      ma += a[c][i];
      mt += t[c][i];
    }
    ma /= n;
    mt /= n;
    for (let i = 0; i < n; i++) {
      num += (a[c][i] - ma) * (t[c][i] - mt);
      na += (a[c][i] - ma) ** 2;
      nt += (t[c][i] - mt) ** 2;
    }
  }
  // SSIM's contrast-structure term with C2 = 0.03^2 per value.
  if (kind === 'ssim') return (2 * num + 3 * n * 9e-4) / (na + nt + 3 * n * 9e-4);
  return na > 1e-10 && nt > 1e-10 ? num / Math.sqrt(na * nt) : 0;
}

function hellinger(a: Float64Array[], t: Float64Array[]): number {
  let worst = 0;
  for (let c = 0; c < 3; c++) {
    const ha = new Float64Array(16);
    const ht = new Float64Array(16);
    for (const v of a[c]) ha[Math.min(15, Math.max(0, Math.floor(v * 16)))]++;
    for (const v of t[c]) ht[Math.min(15, Math.max(0, Math.floor(v * 16)))]++;
    let bc = 0;
    for (let i = 0; i < 16; i++) bc += Math.sqrt(ha[i] * ht[i]);
    worst = Math.max(worst, Math.sqrt(Math.max(0, 1 - bc / a[c].length)));
  }
  return worst;
}

/** The reference matches, in the order of maskBlocks (same fields as matchBlocks'). */
export function bruteForceMatches(image: RgbImage, mask: Mask, o: MatchOptions): BlockMatch[] {
  const { width: W, height: H } = image;
  const b = effectiveBlockSize(o.blockSize, W, H);
  const grown = o.margin > 0 ? growMask(mask, o.margin) : mask;
  const allowed: [number, number][] = [];
  for (let y = 0; y + b <= H; y += o.stride)
    for (let x = 0; x + b <= W; x += o.stride) {
      let clear = true;
      for (let r = 0; r < b && clear; r++)
        for (let q = 0; q < b; q++) if (grown.data[(y + r) * W + x + q]) clear = false;
      if (clear) allowed.push([x, y]);
    }
  const penalty = o.distancePenalty / Math.hypot(W, H);
  return maskBlocks(mask, b).map((block) => {
    const t = [0, 1, 2].map((c) => channelValues(image, block.x, block.y, b, c));
    let best: BlockMatch | null = null;
    for (const [x, y] of allowed) {
      const distance = Math.hypot(x - block.x, y - block.y);
      if (o.maxDistance > 0 && distance > o.maxDistance) continue;
      const a = [0, 1, 2].map((c) => channelValues(image, x, y, b, c));
      const score = similarity(a, t, o.similarity);
      const objective = score - penalty * distance;
      if (best && objective <= best.objective) continue;
      const hd = hellinger(a, t);
      if (o.histogramThreshold < 1 && hd > o.histogramThreshold) continue;
      best = {
        x: block.x,
        y: block.y,
        size: b,
        holePixels: block.holePixels,
        source: { x, y },
        score,
        objective,
        distance,
        histogramDistance: hd,
        histogramRejections: 0,
        rejected: false,
      };
    }
    return (
      best ?? {
        x: block.x,
        y: block.y,
        size: b,
        holePixels: block.holePixels,
        source: null,
        score: NaN,
        objective: NaN,
        distance: NaN,
        histogramDistance: NaN,
        histogramRejections: 0,
        rejected: true,
      }
    );
  });
}
