/**
 * Previews of the colour stage's result while it runs, at most PREVIEW_LONG_SIDE pixels on the long side
 * (the host shows them at that size at most; the renderer takes previews smaller than the image). The
 * image is reduced once by an integer factor F (4 taps per F x F block), when the first preview is asked
 * for; a preview is a copy of that reduction with the hole pixels at the blocks' top-left corners
 * painted in their current colours. A full-size copy of an 8 MP image and the conversion of a whole 1 MP
 * region for each preview cost about 0.1 s; this costs a few milliseconds.
 */
import { createImage, type RgbImage } from '../../image/types';
import type { SpaceConverter } from './colorSpace';
import type { Region } from './region';

export const PREVIEW_LONG_SIDE = 1024;

export class PreviewCanvas {
  /** Reduction factor (1: previews at full size). */
  readonly factor: number;
  readonly width: number;
  readonly height: number;
  private base: RgbImage | null = null;
  private readonly source: RgbImage;
  private readonly conv: SpaceConverter;
  /** Per region: its pixels that stand for a block, and their preview indices. */
  private readonly spots = new WeakMap<Region, { k: Int32Array; at: Int32Array }>();

  /** source: the image being written (its current state is read at the first preview). */
  constructor(source: RgbImage, conv: SpaceConverter, longSide = PREVIEW_LONG_SIDE) {
    this.source = source;
    this.conv = conv;
    this.factor = Math.max(1, Math.ceil(Math.max(source.width, source.height) / longSide));
    this.width = Math.ceil(source.width / this.factor);
    this.height = Math.ceil(source.height / this.factor);
  }

  /**
   * The reduced source: per F x F block, the mean of 2 x 2 of its pixels (at a quarter and three quarters
   * of the block; the block itself for F <= 2), clipped at the right and bottom.
   */
  private reduce(): RgbImage {
    const { width: W, height: H, data } = this.source;
    const F = this.factor;
    const PW = this.width;
    const PH = this.height;
    const out = createImage(PW, PH);
    if (F === 1) {
      out.data.set(data);
      return out;
    }
    const n = W * H;
    const m = PW * PH;
    const a = F >> 2;
    const b = (3 * F) >> 2 || 1;
    for (let py = 0; py < PH; py++) {
      const ya = Math.min(H - 1, py * F + a);
      const yb = Math.min(H - 1, py * F + b);
      for (let px = 0; px < PW; px++) {
        const xa = Math.min(W - 1, px * F + a);
        const xb = Math.min(W - 1, px * F + b);
        const i0 = ya * W + xa;
        const i1 = ya * W + xb;
        const i2 = yb * W + xa;
        const i3 = yb * W + xb;
        for (let c = 0; c < 3; c++) {
          const o = c * n;
          out.data[c * m + py * PW + px] = 0.25 * (data[o + i0] + data[o + i1] + data[o + i2] + data[o + i3]);
        }
      }
    }
    return out;
  }

  private spotsOf(region: Region): { k: Int32Array; at: Int32Array } {
    let s = this.spots.get(region);
    if (!s) {
      const F = this.factor;
      const W = this.source.width;
      const ks: number[] = [];
      const at: number[] = [];
      for (let k = 0; k < region.n; k++) {
        const p = region.pixels[k];
        const y = (p / W) | 0;
        const x = p - y * W;
        if (x % F || y % F) continue;
        ks.push(k);
        at.push((y / F) * this.width + x / F);
      }
      s = { k: Int32Array.from(ks), at: Int32Array.from(at) };
      this.spots.set(region, s);
    }
    return s;
  }

  /** Paints the region's colours w (working space) at its spots of img (preview size). */
  private paint(img: RgbImage, region: Region, w: Float32Array): void {
    const { k, at } = this.spotsOf(region);
    const m = img.width * img.height;
    const s = region.stride;
    const t = new Float64Array(3);
    for (let j = 0; j < k.length; j++) {
      const i = k[j];
      this.conv.toSrgb(w[i], w[s + i], w[2 * s + i], t, 0);
      for (let c = 0; c < 3; c++) {
        const v = t[c];
        img.data[c * m + at[j]] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }

  /** A preview: the image as it stands, with the region in its current colours w. */
  preview(region: Region, w: Float32Array): RgbImage {
    this.base ??= this.reduce();
    const img = createImage(this.width, this.height, this.base.data.slice());
    this.paint(img, region, w);
    return img;
  }

  /** Records a region's final colours (after they were written into the source). */
  commit(region: Region, w: Float32Array): void {
    if (this.base) this.paint(this.base, region, w);
  }
}
