/** A seeded generator of binary32 values in [-1, 1) (LCG; tests need reproducible, not good, randomness). */
export function seededFloats(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround(s / 2 ** 31 - 1);
  };
}

/** A Float32Array of n seeded values. */
export function randomArray(n: number, next: () => number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = next();
  return x;
}
