import type { OpenblasSdotAccumulation } from "../orders/openblas-sdot.js";
import type { DotRoute } from "../declaration.js";

/** The x86-64 core types whose level-1/2 kernels are emulated (kernel/x86_64/KERNEL.<core> @ v0.3.21). */
export type OpenblasCore = "haswell" | "skylakex" | "sandybridge" | "nehalem";

/** sdot.c's sdot_kernel_16 per core: sdot_microk_haswell-2.c (Haswell, Zen: 4 ymm, vfmadd231ps),
 * sdot_microk_skylakex-2.c (SkylakeX, Cooperlake: intrinsics, 4 zmm over 64 then 4 ymm, contracted to
 * FMA), sdot_microk_sandy-2.c (4 ymm, vmulps + vaddps), sdot_microk_nehalem-2.c (4 xmm, mulps + addps). */
const sdotKernels: Record<OpenblasCore, OpenblasSdotAccumulation> = {
  haswell: { kind: "openblas-sdot", lanes: 8, registers: 4, fused: true, wide: false, reduce: "halves-then-pairs" },
  skylakex: { kind: "openblas-sdot", lanes: 8, registers: 4, fused: true, wide: true, reduce: "sum-then-halves" },
  sandybridge: { kind: "openblas-sdot", lanes: 8, registers: 4, fused: false, wide: false, reduce: "halves-then-pairs" },
  nehalem: { kind: "openblas-sdot", lanes: 4, registers: 4, fused: false, wide: false, reduce: "pairs" },
};

/** Whether the core's C (the strided pairs y0·x0 + y1·x1) is compiled with FMA contraction: measured (a
 * strided sdot against the library), SkylakeX's yes, Haswell's (and Zen's) no. */
const contracts: Record<OpenblasCore, boolean> = { haswell: false, skylakex: true, sandybridge: false, nehalem: false };

/** interface/dot.c → kernel/x86_64/sdot.c (SDOTKERNEL of every core here). */
export function openblasDot(core: OpenblasCore, strided: boolean): DotRoute {
  const k = sdotKernels[core];
  return strided
    ? { path: "interface/dot.c → kernel/x86_64/sdot.c (strided pairs)", accumulation: { ...k, strided: { pairFused: contracts[core] } } }
    : { path: `interface/dot.c → kernel/x86_64/sdot.c → sdot_microk_${core === "sandybridge" ? "sandy" : core}-2.c`, accumulation: k };
}
