import { readSync, writeSync } from "node:fs";

/**
 * The wire format between a parent and its worker, over two named FIFOs (one each way).
 *
 * Request: a 128-byte header of 16 float64 fields, then the float32 operand slices it announces.
 * Response: a 32-byte header of 4 float64 fields [status, payloadBytes, value, 0], then the payload:
 * the float32 output slice (status 0), or a UTF-8 error message (status 1), or UTF-8 JSON (report).
 * Both ends are the same machine, so native byte order is used throughout.
 *
 * gemm / timeGemm header: [op, transA, transB, m, n, k, alpha, beta, lda, ldb, ldc, lenA, lenB, lenC, reps]
 * gemv header:            [op, transA, 0, m, n, 0, alpha, beta, lda, incx, incy, lenA, lenX, lenY]
 * dot header:             [op, 0, 0, n, 0, 0, 0, 0, 0, incx, incy, lenX, lenY, 0]
 * remap header:           [op, bytes, pathBytes], then the UTF-8 path of a new shared region to map
 * Field 15 says where the slices are: 0 = after the header on the FIFO (and the result comes back as
 * the response payload); 1 = in the shared region at sharedLayout() offsets (the result is written
 * there in place and the response has no payload).
 * A slice is the elements from the operand's offset to one past its last element (rows-1)*ld + cols,
 * so leading dimensions, padding and alignment offsets inside the slice reach the library unchanged.
 */
export const Op = { gemm: 1, gemv: 2, dot: 3, timeGemm: 4, report: 5, remap: 6, exit: 9 } as const;

/** Header field 15: 1 when the operand slices are in the shared region (shared-layout.ts), not the FIFO. */
export const IN_SHARED_MEMORY = 1;

export const REQUEST_FIELDS = 16;
export const RESPONSE_FIELDS = 4;
export const Status = { ok: 0, error: 1 } as const;

/** Elements spanned by a stored rows×cols matrix with leading dimension ld (0 when empty). */
export function matrixSpan(rows: number, cols: number, ld: number): number {
  return rows === 0 || cols === 0 ? 0 : (rows - 1) * ld + cols;
}

/** Elements spanned by n strided elements (0 when empty). */
export function vectorSpan(n: number, inc: number): number {
  return n === 0 ? 0 : (n - 1) * inc + 1;
}

/** Writes every byte (a blocking FIFO may still return short counts on signals). */
export function writeAll(fd: number, chunks: readonly Uint8Array[]): void {
  for (const chunk of chunks) {
    for (let done = 0; done < chunk.length;) done += writeSync(fd, chunk, done, chunk.length - done);
  }
}

/** Reads exactly into `into`; returns false on end of file before the first byte, throws on a short message. */
export function readExact(fd: number, into: Uint8Array): boolean {
  let done = 0;
  while (done < into.length) {
    let n: number;
    try {
      n = readSync(fd, into, done, into.length - done, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue; // spurious wake-up on a FIFO
      throw e;
    }
    if (n === 0) {
      if (done === 0) return false;
      throw new Error(`message cut short after ${done} of ${into.length} bytes`);
    }
    done += n;
  }
  return true;
}
