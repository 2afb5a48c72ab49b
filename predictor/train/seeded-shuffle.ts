/**
 * mulberry32: a tiny, well-known 32-bit PRNG. Math.random cannot be seeded, and the trainer
 * must give byte-identical artifacts for the same seed.
 */
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

/** A Fisher-Yates permutation of a copy of `values`, fixed by `seed`. */
export function shuffleWithSeed<T>(values: readonly T[], seed: number): T[] {
  const out = [...values];
  const random = mulberry32(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
