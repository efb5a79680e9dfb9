/**
 * The test reference for grow and shrink: for every pixel, look at every pixel within |n| (slow, plain,
 * obviously right). Non-zero = hole; the mask's border is not a pixel. Returns 0/1 bytes.
 */
export function bruteGrow(src: Uint8Array, w: number, h: number, n: number): Uint8Array {
  const out = new Uint8Array(w * h);
  const r = Math.abs(n);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let near = false;
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r) && !near; yy++)
        for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
          const hit = n > 0 ? src[yy * w + xx] !== 0 : src[yy * w + xx] === 0;
          if (hit && (xx - x) ** 2 + (yy - y) ** 2 <= r * r) {
            near = true;
            break;
          }
        }
      out[y * w + x] = n > 0 ? (near ? 1 : 0) : src[y * w + x] && !near ? 1 : 0;
    }
  return out;
}
