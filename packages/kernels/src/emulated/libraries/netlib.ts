import type { EmulationDeclaration, GemmPlan } from "../declaration.js";
import { gridTiles } from "../declaration.js";

const serial = { kind: "chain", fused: false } as const;

/** Reference BLAS's sgemm.f loops, no blocking: one tile covering C, plain multiply then add. */
function plan(meetC: GemmPlan["meetC"], path: string): GemmPlan {
  return {
    path,
    nc: { kind: "whole" },
    kc: { kind: "whole" },
    mc: { kind: "whole" },
    meetC,
    tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => serial),
  };
}

/** sgemv.f: TRANS = 'N' (the row-major gemv with transA): Y := BETA*Y, then per column J, TEMP = ALPHA*X(JX)
 * and Y(I) := Y(I) + TEMP*A(I,J): the vector x is A_lib in the gemv's library shape, so α scales it.
 * TRANS = 'T' (row-major without transA): TEMP := Σ A(I,J)*X(I) in order, then Y(JY) := Y(JY) + ALPHA*TEMP
 * after Y := BETA*Y. */
const gemvAxpy = plan({ kind: "accumulate-into-c", alphaOnA: true }, "sgemv.f TRANS = 'N': Y := BETA*Y; Y(I) += (ALPHA*X(JX))*A(I,J), J = 1..N");
const gemvDot = plan({ kind: "scale-then-add-blocks", fusedAlpha: false }, "sgemv.f TRANS = 'T': Y := BETA*Y; TEMP := Σ_I A(I,J)*X(I); Y(JY) += ALPHA*TEMP");

const axpyForm = plan({ kind: "accumulate-into-c" }, "sgemm.f: C(:,J) := BETA*C(:,J); C(I,J) += (ALPHA*B(L,J))*A(I,L), L = 1..K");
const dotForm = plan({ kind: "sum-then-epilogue" }, "sgemm.f: TEMP := Σ_L A(L,I)*B(·); C(I,J) := ALPHA*TEMP + BETA*C(I,J)");

/**
 * Netlib reference BLAS 3.11 (Debian libblas3 3.11.0, BLAS/SRC/sgemm.f; cblas_sgemm swaps operands
 * for row-major). Column-major loops, gfortran without FMA contraction on baseline x86-64:
 * - op(A_lib) = A_lib (library TRANSA = 'N', i.e. the row-major call's transB = false): per column J,
 *   C := β·C, then for L = 1..K: C(I,J) := fl(C(I,J) + fl(fl(α·B(L,J))·A(I,L))) — the sum starts at β·C.
 * - TRANSA = 'T' (row-major transB = true, nn.Linear's layout): TEMP := sequential fl(TEMP + fl(A·B)),
 *   then C := fl(α·TEMP) (β = 0) or fl(fl(α·TEMP) + fl(β·C)).
 */
export const netlib: EmulationDeclaration = {
  library: "netlib",
  version: "3.11",
  variant: "",
  description:
    "sequential over k with separate fp32 multiply and add; for row-major transB=false the sum starts from beta*C (axpy form), for transB=true alpha and beta*C are applied after the sum (dot form)",
  verified: "verified bit-for-bit against Debian libblas.so.3.11.0 (cblas_sgemm, cblas_sgemv row-major, cblas_sdot)",
  sources: ["lapack/BLAS/SRC/sgemm.f @ 3.11.0", "lapack/CBLAS/src/cblas_sgemm.c @ 3.11.0", "lapack/BLAS/SRC/sgemv.f @ 3.11.0", "lapack/BLAS/SRC/sdot.f @ 3.11.0"],
  plan: (shape) => (shape.transA ? dotForm : axpyForm),
  gemvPlan: (shape) => (shape.transB ? gemvAxpy : gemvDot),
  // sdot.f: the n mod 5 head one by one, then groups of five written DTEMP + p0 + p1 + p2 + p3 + p4, which
  // Fortran evaluates left to right: one multiply-then-add chain (strided: the same chain).
  dot: () => ({ path: "sdot.f", accumulation: serial }),
};
