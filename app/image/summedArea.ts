/** Summed-area tables of masks: the count of marked pixels in any rectangle in O(1). */

/** (W+1)×(H+1) table of a W×H mask (values summed as given, usually 0/1): S[(y)(W+1)+x] = Σ above-left. */
export function summedArea(m: ArrayLike<number>, W: number, H: number): Int32Array {
  const S = new Int32Array((W + 1) * (H + 1));
  for (let y = 0; y < H; y++) {
    let row = 0;
    for (let x = 0; x < W; x++) {
      row += m[y * W + x];
      S[(y + 1) * (W + 1) + x + 1] = S[y * (W + 1) + x + 1] + row;
    }
  }
  return S;
}

/** Sum over the w×h rectangle at (x, y) of the mask whose table (width W) is S; it must lie inside. */
export function areaSum(S: Int32Array, W: number, x: number, y: number, w: number, h: number): number {
  const W1 = W + 1;
  return S[(y + h) * W1 + x + w] - S[y * W1 + x + w] - S[(y + h) * W1 + x] + S[y * W1 + x];
}
