/**
 * The seeded pseudo-random generators of the code base (not for cryptography): the same seed gives the
 * same numbers on every platform. mulberry32 is the one to use for new code; xorshift32 stays for the
 * callers whose results (PatchMatch fills, test images, stand-in weights) were pinned with its sequence.
 */

/** mulberry32: a small, fast, seeded PRNG giving uniform floats in [0, 1); the same sequence everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * xorshift32 (Marsaglia 13/17/5) from the 32-bit `state` (0 is replaced by 1: the generator's one fixed
 * point): each call returns the next state, an unsigned 32-bit integer (never 0). Divide by 2^32 for a
 * uniform in (0, 1).
 */
export function xorshift32(state: number): () => number {
  let s = state >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/**
 * Deterministic noise in [0, 1) for the integer point (x, y): a stateless hash, for textures drawn by
 * position (test scenes) where a sequence would depend on the drawing order.
 */
export function hashNoise(x: number, y: number): number {
  let h = (x * 374761393 + y * 668265263) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}
