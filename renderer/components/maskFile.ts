/** Mask image files into coverage at their own size (DOM): the editor decides how they meet the image. */
import type { MaskImage } from '../state/maskImport';

/**
 * Decodes a mask image at its own size: coverage from its alpha when it has transparency, else from
 * its lightness (white = fill).
 * @throws when the browser cannot decode the file.
 */
export async function decodeMaskFile(file: File): Promise<MaskImage> {
  const bitmap = await createImageBitmap(file);
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const px = ctx.getImageData(0, 0, width, height).data;
  let transparent = false;
  for (let i = 3; i < px.length; i += 4)
    if (px[i] < 255) {
      transparent = true;
      break;
    }
  const coverage = new Uint8Array(width * height);
  for (let i = 0; i < coverage.length; i++)
    coverage[i] = transparent
      ? px[i * 4 + 3]
      : Math.round(0.299 * px[i * 4] + 0.587 * px[i * 4 + 1] + 0.114 * px[i * 4 + 2]);
  return { name: file.name, width, height, coverage };
}
