/**
 * Square tiles that hold at least one hole pixel. Work that only matters inside the hole (bringing a
 * low-resolution fill back to full size, feathering, compositing) runs over these tiles, so its cost
 * follows the hole's area, not the image's.
 */
import type { Rect } from '../common/params';
import type { Mask } from './types';

/**
 * @param size tile side in pixels (>= 1); tiles at the right and bottom edges are clipped to the image
 * @returns the tiles that contain a hole pixel, in row-major order
 */
export function holeTiles(mask: Mask, size = 64): Rect[] {
  const { width: W, height: H, data } = mask;
  const tx = Math.ceil(W / size);
  const ty = Math.ceil(H / size);
  const hit = new Uint8Array(tx * ty);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    const trow = Math.floor(y / size) * tx;
    for (let x = 0; x < W; x++) {
      if (data[row + x]) {
        const t = trow + Math.floor(x / size);
        hit[t] = 1;
        // Skip to the end of this tile on this row: its flag is already set.
        x = Math.min(W, (Math.floor(x / size) + 1) * size) - 1;
      }
    }
  }
  const tiles: Rect[] = [];
  for (let j = 0; j < ty; j++)
    for (let i = 0; i < tx; i++)
      if (hit[j * tx + i]) {
        const x = i * size;
        const y = j * size;
        tiles.push({ x, y, width: Math.min(size, W - x), height: Math.min(size, H - y) });
      }
  return tiles;
}
