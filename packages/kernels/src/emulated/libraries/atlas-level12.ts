import type { Accumulation } from "../accumulation.js";
import type { DotRoute, GemmPlan, LibraryShape, Tile } from "../declaration.js";

/**
 * ATLAS 3.10.3's level-1 and level-2 routes (Debian libatlas3-base, the generic x86-64 build), beside its
 * gemm (atlas.ts): cblas_sgemv through ATL_gemv's drivers, cblas_sdot through ATL_sdot. The drivers' logic
 * is read from the 3.10 sources (src/blas/level2/ATL_gemv.c, ATL_gemvT.c, ATL_gemvN.c,
 * kernel/ATL_mv{t,n}k_Mlt16.c, ATL_mv{t,n}k_smallN.c); the kernels' orders and blockings are this build's,
 * measured with the order probe.
 */

const chain: Accumulation = { kind: "chain", fused: false };
/** The level-1/2 dot kernels' 4 lanes: folded adjacent, (L0+L1)+(L2+L3), the n mod 4 rest a chain after. */
const dotLanes: Accumulation = { kind: "lanes", fused: false, lanes: 4, minLength: 0, reduce: "adjacent", tail: "mul-add-chain" };

/** cblas_sdot: unit strides run a 4-lane SSE dot kernel, any other stride the scalar loop (probed at
 *  n = 8..49, every x/y offset 0..3, incx, incy ≤ 3; 168 calls n = 1..4096 match). */
export function atlasDot(_n: number, strided: boolean): DotRoute {
  return strided ? { path: "ATL_sdot, strided: scalar loop", accumulation: chain } : { path: "ATL_sdot, unit stride: 4 SSE lanes", accumulation: dotLanes };
}

/** ATL_mvtk_Mlt16 / ATL_mvnk_Mlt16 unroll up to 14 (x86-64: `if (M > 14)` hands 15 to the smallN code). */
const GEMV_UNROLLED_MAX = 14;
/** The gemvT kernel's row unroll, rows mod 4 going to the smallN (dot) code (measured, every variant probed). */
const GEMV_T_NU = 4;
/** The in-L1 gemvT kernel's chunk of x, mb = (CacheElts − 2·nu)/(2·(nu + 1)) (measured: k = 800 at 5 rows is
 *  chain[0..719] + chain[720..799]); it runs while (M·N + M + N)·4 bytes ≤ ATL_L1elts·4 = 32768 (measured
 *  between 32036 and 33620). */
const GEMV_T_L1 = { bytes: 32768, mb: 720 } as const;
/** The in-L2 and out-of-cache gemvT kernels' chunk (measured: 4 rows, k = 12000: chain[0..6551] +
 *  chain[6552..11999]; 4 rows, k = 66000, past CacheEdge = 1 MiB of operands: chunks of 6552 too). */
const GEMV_T_MB = 6552;

/**
 * How ATL_gemvT.c / ATL_gemvN.c (3.10) treat x, y and α, in ATLAS's terms (M = the kernel's inner length:
 * x for gemvT, y for gemvN): x is copied when incx ≠ 1, y when incy ≠ 1; when only one is copied α goes
 * into it; when neither is and α ≠ 1, the shorter one is copied (x when M < N) and takes α. A copied y is
 * a work vector from 0 that ends as y := α·t + β·y (axpby); otherwise y := β·y first (scal) and α is in x.
 */
function gemvWorkY(s: LibraryShape, atlasM: number, atlasN: number): boolean {
  const copyX = s.lda !== 1, copyY = s.ldc !== 1;
  if (copyX || copyY) return copyY;
  return s.alpha !== 1 && !(atlasM < atlasN);
}

/**
 * cblas_sgemv (row-major; library shape M = 1, N = len(y), K = len(x), lda = incx, ldc = incy). Without
 * transA it is ATLAS's gemvT: each y a dot over x, rows in fours one chain each, the rows mod 4 by the dot
 * kernel; x in chunks of mb when the call fits L1. With transA it is gemvN: each y one chain over x (axpy
 * form). Lengths below 16 take the unrolled Mlt16 code or the dot/axpy-based smallN code.
 */
export function atlasGemvPlan(s: LibraryShape): GemmPlan {
  const whole = { kind: "whole" } as const;
  const one = (accumulation: Accumulation, meetC: GemmPlan["meetC"], path: string, kc: GemmPlan["kc"] = whole): GemmPlan =>
    ({ path, nc: whole, kc, mc: whole, meetC, tiles: (ctx) => [{ r0: 0, r1: ctx.mBlock, s0: 0, s1: ctx.nBlock, accumulation }] });
  const fromBetaY = { kind: "accumulate-into-c", alphaOnA: true } as const, epilogue = { kind: "sum-then-epilogue" } as const;
  if (s.transB) {
    // gemvN: ATLAS's M = len(y), N = len(x).
    if (s.N <= GEMV_UNROLLED_MAX) return one(chain, epilogue, "ATL_mvnk_Mlt16: y_i from 0, then y := y_i·α + β·y");
    if (s.N === GEMV_UNROLLED_MAX + 1 || s.K < 4) return one(chain, fromBetaY, "ATL_mvnk_smallN: axpys of α·x_j into β·y");
    const work = gemvWorkY(s, s.N, s.K);
    return one(chain, work ? epilogue : fromBetaY, work ? "ATL_gemvN: work y, then axpby" : "ATL_gemvN: β·y, then the kernel's axpys with α·x");
  }
  // gemvT: ATLAS's M = len(x), N = len(y).
  if (s.K <= GEMV_UNROLLED_MAX) {
    const meetC = s.beta === 1 ? { kind: "scale-then-add-blocks", fusedAlpha: false, alphaInPack: "A" } as const : fromBetaY;
    return one(chain, meetC, "ATL_mvtk_Mlt16: y := β·y + Σ a·(α·x), left to right");
  }
  if (s.K === GEMV_UNROLLED_MAX + 1 || s.N < GEMV_T_NU) {
    return one(s.lda === 1 ? dotLanes : chain, epilogue, "ATL_mvtk_smallN: y := β·y + α·dot(a, x)");
  }
  const work = gemvWorkY(s, s.K, s.N);
  const bytes = (s.K * s.N + s.K + s.N) * 4;
  const inL1 = bytes <= GEMV_T_L1.bytes;
  return {
    path: `ATL_gemvT${inL1 ? "_L1" : ""}: rows in fours (one chain each), rows mod 4 by the dot kernel; ${work ? "work y, then axpby" : "β·y, then += with α·x"}`,
    nc: whole, kc: { kind: "fixed", size: inL1 ? GEMV_T_L1.mb : GEMV_T_MB }, mc: whole,
    meetC: work ? epilogue : { kind: "scale-then-add-blocks", fusedAlpha: false, alphaInPack: "A" },
    tiles: (ctx) => {
      const fours = ctx.nBlock - (ctx.nBlock % GEMV_T_NU);
      const out: Tile[] = [{ r0: 0, r1: ctx.mBlock, s0: 0, s1: fours, accumulation: chain }];
      if (fours < ctx.nBlock) out.push({ r0: 0, r1: ctx.mBlock, s0: fours, s1: ctx.nBlock, accumulation: dotLanes });
      return out;
    },
  };
}
