/**
 * Histogram matching by quantiles (report §3.2: the colours of the synthesised fill are matched to the
 * exemplar's afterwards). Exact, O(n log n): the k-th smallest of the values takes the value at the same
 * quantile of the target's sorted samples.
 */

/** Sorted copy of `values` at the indices where `use` is set (all when `use` is null). */
export function sortedSamples(values: ArrayLike<number>, use: ArrayLike<number> | null): Float32Array {
  let k = 0;
  const out = new Float32Array(use ? countSet(use) : values.length);
  for (let i = 0; i < values.length; i++) if (!use || use[i]) out[k++] = values[i];
  return out.sort();
}

function countSet(use: ArrayLike<number>): number {
  let k = 0;
  for (let i = 0; i < use.length; i++) if (use[i]) k++;
  return k;
}

/**
 * Replaces `values[idx[j]]` by the target quantile of its rank among them.
 * @param target sorted samples (at least one)
 * @returns the mapped values, in `idx` order
 */
export function matchQuantiles(
  values: ArrayLike<number>,
  idx: ArrayLike<number>,
  target: Float32Array,
): Float32Array {
  const m = idx.length;
  const order = Array.from({ length: m }, (_, j) => j).sort((a, b) => values[idx[a]] - values[idx[b]]);
  const out = new Float32Array(m);
  const t = target.length;
  for (let r = 0; r < m; r++) {
    // The centre of rank r's quantile bin, interpolated between the target's samples.
    const q = ((r + 0.5) / m) * t - 0.5;
    const lo = Math.max(0, Math.min(t - 1, Math.floor(q)));
    const hi = Math.min(t - 1, lo + 1);
    const f = Math.max(0, Math.min(1, q - lo));
    out[order[r]] = target[lo] * (1 - f) + target[hi] * f;
  }
  return out;
}
