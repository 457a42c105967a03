import type { Accumulation } from "../accumulation.js";
import type { GemmPlan, LibraryShape, MeetC } from "../declaration.js";

/**
 * Eigen 3.4.0's coefficient-based ("lazy") product, which `C.noalias() += α·op(A)·op(B)` takes when
 * k + m + n < EIGEN_GEMM_TO_COEFFBASED_THRESHOLD = 20 (GeneralMatrixMatrix.h, generic_product_impl<…,
 * GemmProduct>::addTo → lazyproduct::eval_dynamic): C += s·op(A).lazyProduct(op(B)), coefficient by
 * coefficient (ProductEvaluators.h), each one FMA'd into C (s·p + C, contracted by gcc); a redux starts
 * from its first product (sums start at −0, Tile.init).
 *
 * Which order a coefficient gets (call coordinates; the library shape swaps A and B):
 * - NT: a row of op(A) and a column of op(B) are both contiguous: the vectorised redux (redux_impl,
 *   LinearVectorizedTraversal, two packet accumulators, the rest scalar), or its scalar loop when k < P.
 * - NN, TN, TT: the redux `res = p0; res += p_i` of a row of op(A) and a column of op(B) that are not both
 *   contiguous, as gcc compiled it: with FMA, a fold-left reduction 4 wide after the first product when
 *   one of them is contiguous (NN's row of A, TT's column of Bᵀ) and one FMA per term when neither is
 *   (TN); without FMA all of these are one multiply-then-add chain.
 * NN's product evaluates row-major like C, so Eigen may assign it by SliceVectorizedTraversal with
 * Packet4f (restricted_packet_dense_assignment_kernel caps packets at 4 floats; etor_product_packet_impl:
 * one pmadd per k) over C's aligned columns; the bits of the AVX2 and AVX-512 builds show no such packet
 * columns (every element of 483 random NN products up to 12 columns matched the coefficient order, and a
 * pmadd chain on aligned Packet4f or Packet8f columns missed), so none are modelled.
 * (All measured against the bridge's builds with scratch probes over random shapes k + m + n < 20.)
 */
export interface LazyTarget {
  readonly packet: number;
  readonly fused: boolean;
}

const whole = { kind: "whole" } as const;

/** The lazy product's plan (library coordinates: M = the call's n, C_lib column s = the call's row s). */
export function eigenLazyPlan(t: LazyTarget, s: LibraryShape, meetC: MeetC): GemmPlan {
  const { packet: P, fused } = t;
  // Call layout from the library shape: op(A)'s rows contiguous ⇔ !transB, op(B)'s columns ⇔ transA.
  const lhsContiguous = !s.transB, rhsContiguous = s.transA;
  const chain: Accumulation = { kind: "packet-cascade", fused, packets: [], reduce: "halving", tail: fused ? { foldLeft: 0, lead: 1 } : { foldLeft: 1 } };
  const foldLeft4: Accumulation = fused ? { kind: "packet-cascade", fused, packets: [], reduce: "halving", tail: { foldLeft: 4, lead: 1 } } : chain;
  const coefficient: Accumulation = lhsContiguous && rhsContiguous ? { kind: "redux-2acc", fused, packet: P, tail: fused ? { foldLeft: 4 } : { foldLeft: 1 } }
    : lhsContiguous || rhsContiguous ? foldLeft4 : chain;
  return {
    path: `generic_product_impl::addTo → lazyproduct (k+m+n < 20): one redux per coefficient`,
    nc: whole, kc: whole, mc: whole, meetC,
    tiles: (ctx) => [{ r0: 0, r1: ctx.mBlock, s0: 0, s1: ctx.nBlock, accumulation: coefficient, init: -0 }],
  };
}
