/**
 * Importing a mask image: its coverage at its own size, and how it meets the current mask. A mask of
 * another size is never stretched silently: the editor asks (resize to the image, or cancel). The import
 * replaces the mask or adds to it (the union: the larger coverage per pixel).
 */

export type MaskImportMode = 'replace' | 'add';

/** A decoded mask image: width × height coverage bytes (0..255, 255 = fill). */
export interface MaskImage {
  name: string;
  width: number;
  height: number;
  coverage: Uint8Array;
}

/** An import waiting for the user's answer, and why it asks. */
export interface PendingMaskImport {
  image: MaskImage;
  /** The image's size differs from the open image's: importing resizes it. */
  sizeDiffers: boolean;
  /** The current mask is not empty: the user chooses between adding and replacing. */
  maskHasContent: boolean;
}

/** What to ask before importing `image` onto a mask of width × height; null: import at once. */
export function maskImportQuestion(
  image: MaskImage,
  width: number,
  height: number,
  maskHasContent: boolean,
): PendingMaskImport | null {
  const sizeDiffers = image.width !== width || image.height !== height;
  return sizeDiffers || maskHasContent ? { image, sizeDiffers, maskHasContent } : null;
}

/** The question as the dialog words it. */
export function maskImportMessage(p: PendingMaskImport, width: number, height: number): string {
  const parts: string[] = [];
  if (p.sizeDiffers)
    parts.push(
      `${p.image.name} is ${p.image.width}×${p.image.height} px; the image is ${width}×${height} px. ` +
        'Resize the mask to the image, or cancel.',
    );
  if (p.maskHasContent) parts.push('Add it to the current mask, or replace the current mask?');
  return parts.join(' ');
}

/**
 * Resizes coverage (sw × sh) to dw × dh by averaging the source pixels each target pixel covers (area
 * resampling when shrinking, bilinear-like when enlarging via pixel-centre sampling), so a thin stroke
 * survives a shrink as partial coverage instead of vanishing.
 */
export function resizeCoverage(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  if (sw === dw && sh === dh) return src.slice();
  const out = new Uint8Array(dw * dh);
  const fx = sw / dw,
    fy = sh / dh;
  if (fx <= 1 && fy <= 1) {
    // Enlarging: the source pixel under each target pixel's centre (hard mask edges stay hard).
    for (let y = 0; y < dh; y++) {
      const sy = Math.min(sh - 1, Math.floor((y + 0.5) * fy));
      for (let x = 0; x < dw; x++)
        out[y * dw + x] = src[sy * sw + Math.min(sw - 1, Math.floor((x + 0.5) * fx))];
    }
    return out;
  }
  // Shrinking (in either axis): the mean over each target pixel's footprint, at least one source pixel.
  for (let y = 0; y < dh; y++) {
    const y0 = Math.floor(y * fy),
      y1 = Math.max(y0 + 1, Math.min(sh, Math.floor((y + 1) * fy)));
    for (let x = 0; x < dw; x++) {
      const x0 = Math.floor(x * fx),
        x1 = Math.max(x0 + 1, Math.min(sw, Math.floor((x + 1) * fx)));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) {
        const row = yy * sw;
        for (let xx = x0; xx < x1; xx++) sum += src[row + xx];
      }
      out[y * dw + x] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  return out;
}

/** The mask after an import: the imported coverage (replace), or the larger of both per pixel (add). */
export function combineCoverage(current: Uint8Array, imported: Uint8Array, mode: MaskImportMode): Uint8Array {
  if (current.length !== imported.length)
    throw new RangeError(`Expected ${current.length} mask bytes but received ${imported.length}`);
  if (mode === 'replace') return imported.slice();
  const out = new Uint8Array(current.length);
  for (let i = 0; i < out.length; i++) out[i] = current[i] > imported[i] ? current[i] : imported[i];
  return out;
}
