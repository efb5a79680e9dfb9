/** Files in and out of the page (DOM): downloads, reading picked or dropped files, mask images. */
import { isImageName, type DroppedFile } from '../state/fileControl';

/** Saves bytes as a download with the given name. */
export function downloadBytes(name: string, mime: string, bytes: ArrayBuffer): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The first file of a drop that looks like an image, as the editor takes it, or null. */
export function droppedImage(dt: DataTransfer | null): DroppedFile | null {
  if (!dt) return null;
  for (const f of Array.from(dt.files))
    if (isImageName(f.name) || (f.type.startsWith('image/') && !/\.\w+$/.test(f.name)))
      return { name: f.name, bytes: () => f.arrayBuffer() };
  return null;
}

/** Whether a drag carries files (not text or a link). */
export function dragHasFiles(dt: DataTransfer | null): boolean {
  return Boolean(dt && Array.from(dt.types).includes('Files'));
}

/** The hole as a black-and-white PNG (white = fill). */
export function maskToPng(hole: Uint8Array, width: number, height: number): Promise<ArrayBuffer> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(width, height);
  for (let i = 0; i < hole.length; i++) {
    const v = hole[i] ? 255 : 0;
    img.data[i * 4] = img.data[i * 4 + 1] = img.data[i * 4 + 2] = v;
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => {
      if (b) b.arrayBuffer().then(resolve, reject);
      else reject(new Error(`The ${width}×${height} mask could not be encoded as PNG`));
    }, 'image/png'),
  );
}

/** "photo.jpg" → "photo". */
export function baseName(name: string): string {
  const i = name.lastIndexOf('.');
  return i > 0 ? name.slice(0, i) : name;
}
