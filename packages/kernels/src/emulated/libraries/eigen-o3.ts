import type { Accumulation } from "../accumulation.js";
import type { EmulationDeclaration, GemmPlan } from "../declaration.js";
import { gridTiles } from "../declaration.js";

/** general_matrix_vector_product (row-major lhs), SSE Packet4f: one packet accumulator per output over k
 * in steps of 4, predux = (L0+L2)+(L1+L3) (_mm_movehl_ps then add), the k mod 4 rest as scalar
 * multiply-then-add; no FMA without -mfma. */
const gemvLanes: Accumulation = { kind: "lanes", fused: false, lanes: 4, minLength: 0, reduce: "blis-generic-4", tail: "mul-add-chain" };
const chain: Accumulation = { kind: "chain", fused: false };

/** GeneralProduct.h / GeneralMatrixMatrix.h (3.4): a product whose result has one row or one column is
 * evaluated as gemv; the result is then dst += α·(product), dst zeroed first for `=`. */
const gemv: GemmPlan = {
  path: "generic_product_impl::scaleAndAddTo (dst.rows() == 1) → general_matrix_vector_product<RowMajor>",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "scale-then-add-blocks", fusedAlpha: false },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => gemvLanes),
};

/** Placeholder for GEBP (m > 1): one multiply-then-add chain per element, no k blocking. NOT verified:
 * Eigen's kc comes from the cache sizes it queries at run time, and its 1pX micro-kernel alternates
 * two accumulator sets. */
const gebp: GemmPlan = {
  path: "general_matrix_matrix_product → gebp_kernel (unverified placeholder)",
  nc: { kind: "whole" },
  kc: { kind: "whole" },
  mc: { kind: "whole" },
  meetC: { kind: "scale-then-add-blocks", fusedAlpha: false },
  tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, 12, 4, () => chain),
};

/**
 * Eigen 3.4.0 (Debian libeigen3-dev), `C.noalias() (+)= α·op(A)·op(B)` on row-major Maps, compiled with
 * g++ 12 -O3 for baseline x86-64 (SSE2 packets of 4 floats, no FMA).
 */
export const eigenO3: EmulationDeclaration = {
  library: "eigen",
  version: "3.4",
  variant: "o3",
  description:
    "row-major m=1 with transB=true is a gemv: four SSE lanes over k folded (L0+L2)+(L1+L3), then the k mod 4 rest, multiply then add, then added to C; other shapes use an unverified placeholder (one multiply-add chain)",
  verified: "verified bit-for-bit against Eigen 3.4.0 built with g++ 12 -O3 only at row-major m=1, transB=true (the MLP forward at batch 1); m>1 (GEBP) unverified",
  sources: [
    "Eigen/src/Core/GeneralProduct.h @ 3.4.0",
    "Eigen/src/Core/products/GeneralMatrixVector.h @ 3.4.0",
    "Eigen/src/Core/arch/SSE/PacketMath.h (predux) @ 3.4.0",
  ],
  plan: (shape) => (shape.N === 1 && shape.transA ? gemv : gebp),
};
