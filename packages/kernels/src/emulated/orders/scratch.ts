const scratchBuffer = new Float64Array(64);

/** A zeroed register file of `n` values, reused across calls (the engine is synchronous). */
export function scratch(n: number): Float64Array {
  if (n > scratchBuffer.length) return new Float64Array(n);
  scratchBuffer.fill(0, 0, n);
  return scratchBuffer;
}
