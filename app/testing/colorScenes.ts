/**
 * Small synthetic scenes for the colour stage's tests: a textured colour image, rectangular holes, a
 * colour defect inside the hole, and a stage context that needs no model.
 */
import { createImage, type Mask, type RgbImage } from '../image/types';
import type { ProgressUpdate, StageContext } from '../pipeline/types';
import { createRng } from '../stages/color/rng';

/**
 * Smoothly varying colours with a little seeded noise (sRGB 0..1, well inside the gamut). `period` sets the
 * scale of the pattern in pixels: a short one (about 5) makes a stationary texture whose colour
 * distribution is the same in a hole and in the ring around it.
 */
export function texturedImage(width: number, height: number, seed = 1, period = 60): RgbImage {
  const f = (2 * Math.PI) / period;
  const img = createImage(width, height);
  const n = width * height;
  const rng = createRng(seed);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const noise = () => 0.04 * (rng.next() - 0.5);
      img.data[i] = 0.55 + 0.2 * Math.sin(x * f) * Math.cos(y * 0.7 * f) + noise();
      img.data[n + i] = 0.45 + 0.15 * Math.cos(x * 0.5 * f + y * 0.8 * f) + noise();
      img.data[2 * n + i] = 0.35 + 0.15 * Math.sin((x - y) * 0.75 * f) + noise();
    }
  return img;
}

/** A copy of image whose hole pixels are desaturated towards grey by `fade` and shifted by `shift` (sRGB). */
export function defectInHole(image: RgbImage, mask: Mask, shift: readonly number[], fade = 0.4): RgbImage {
  const out = createImage(image.width, image.height, image.data.slice());
  const n = image.width * image.height;
  for (let i = 0; i < n; i++) {
    if (!mask.data[i]) continue;
    const grey = (image.data[i] + image.data[n + i] + image.data[2 * n + i]) / 3;
    for (let c = 0; c < 3; c++) {
      const v = image.data[c * n + i];
      out.data[c * n + i] = Math.min(1, Math.max(0, v + fade * (grey - v) + shift[c]));
    }
  }
  return out;
}

/** A stage context for direct stage runs; progress updates are collected in `updates`. */
export function testContext(
  seed = 1,
  signal?: AbortSignal,
): StageContext & { updates: ProgressUpdate[]; logs: string[] } {
  const updates: ProgressUpdate[] = [];
  const logs: string[] = [];
  return {
    signal: signal ?? new AbortController().signal,
    progress: (u) => updates.push(u),
    sessions: undefined as unknown as StageContext['sessions'],
    models: { resolve: async () => null },
    seed,
    log: (m) => logs.push(m),
    updates,
    logs,
  };
}
