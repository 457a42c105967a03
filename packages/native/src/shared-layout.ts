/**
 * Where the three operand slices of a request sit in the shared-memory region: back to back, each
 * starting on a 64-byte boundary. Parent and worker compute it from the same header fields.
 */
export interface SharedLayout {
  /** Float32 element offsets of the three slices. */
  offsets: [number, number, number];
  /** Bytes the region must have. */
  bytes: number;
}

const align64 = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** The layout of slices of `lengths` float32 elements. */
export function sharedLayout(lengths: readonly [number, number, number]): SharedLayout {
  const a = 0, b = align64(lengths[0] * 4), c = align64(b + lengths[1] * 4);
  return { offsets: [a / 4, b / 4, c / 4], bytes: c + lengths[2] * 4 };
}
