import type { BlockContext } from "../declaration.js";

/**
 * The columns one kernel call sees in OpenBLAS's level-3 driver (driver/level3/level3.c, 0.3.21): in the
 * first ic block B is packed and the kernel called in chunks of min_jj = 3·UNROLL_N while at least that
 * many remain, else UNROLL_N while more than UNROLL_N remain, else the rest; later ic blocks call the
 * kernel once on the whole N block. Returns [first column, width] per call. UNROLL_N is the core's
 * SGEMM_DEFAULT_UNROLL_N in param.h (4 on Haswell, 8 on Nehalem).
 */
export function level3KernelCalls(ctx: BlockContext, unrollN: number): Array<[number, number]> {
  if (!Number.isInteger(unrollN) || unrollN < 1) throw new Error(`level3KernelCalls: UNROLL_N must be a positive integer, got ${unrollN}`);
  if (!ctx.firstIc) return [[0, ctx.nBlock]];
  const out: Array<[number, number]> = [];
  for (let s = 0; s < ctx.nBlock;) {
    const rest = ctx.nBlock - s, w = rest >= 3 * unrollN ? 3 * unrollN : rest > unrollN ? unrollN : rest;
    out.push([s, w]);
    s += w;
  }
  return out;
}
