import type { Accumulation } from "../accumulation.js";
import type { BlockContext, DotRoute, EmulationDeclaration, GemmPlan, LibraryShape, Tile } from "../declaration.js";
import { eigenBlocking, NR, PK } from "./eigen-blocking.js";
import { eigenLazyPlan } from "./eigen-lazy.js";

export { eigenBlocking, eigenCacheSizes } from "./eigen-blocking.js";

/**
 * Eigen 3.4.0 (Debian libeigen3-dev, headers in /usr/include/eigen3), the products the bridge's
 * csrc/eigen-cblas.cc evaluates: `C.noalias() += α·op(A)·op(B)` on row-major Maps after C := β·C
 * (β = 0: setZero). A row-major destination is computed as its column-major transpose
 * (GeneralMatrixMatrix.h: the RowMajor specialisation swaps the operands), which is exactly the
 * library coordinates of LibraryShape: M = n, N = m of the call.
 *
 * Which routine runs (GeneralMatrixMatrix.h / GeneralProduct.h / ProductEvaluators.h, Dynamic sizes):
 * k + m + n < EIGEN_GEMM_TO_COEFFBASED_THRESHOLD = 20 takes the coefficient-based lazy product
 * (eigen-lazy.ts); otherwise generic_product_impl<…, GemmProduct>::scaleAndAddTo sends dst.cols() == 1
 * (call n = 1, library M = 1) or dst.rows() == 1 (call m = 1, library N = 1) to gemv, a 1×1 result to a
 * dot product, everything else to general_matrix_matrix_product → gebp_kernel. cblas_sgemv (a
 * GemvProduct: never lazy) and cblas_sdot (Maps with run-time InnerStride) have their own routes.
 */
interface EigenTarget {
  /** Floats per packet: Packet4f (SSE2), Packet8f (AVX2) or Packet16f (AVX-512). */
  readonly packet: number;
  /** Half and quarter packets when they are narrower (AVX-512: Packet8f, Packet4f; AVX2: Packet4f; SSE2: none). */
  readonly fractions: readonly number[];
  /** gebp_traits<float,float>::mr: 3 packets with EIGEN_HAS_SINGLE_INSTRUCTION_MADD (FMA), else
   *  default_mr = (min(16, registers)/2/nr)·packet = 2 packets. */
  readonly mr: number;
  /** EIGEN_HAS_SINGLE_INSTRUCTION_MADD: every madd/pmadd is one FMA (gcc also contracts the scalar
   *  a*b+c of the edge loops under its default -ffp-contract=fast). */
  readonly fma: boolean;
  /** The l1 factor of evaluateProductBlockingSizesHeuristic: 4 under EIGEN_VECTORIZE_AVX512. */
  readonly l1Factor: number;
  /** With FMA: how wide gcc's fold-left reduction of gemv rows' scalar k rest (and of a 1×1 product's unit-stride redux) is, the rest of it FMAs
   *  (measured per build with chimera fidelity: 8 with AVX-512, 4 with -mavx2 -mfma). */
  readonly restFold: number;
}

function accumulations(t: EigenTarget) {
  const fused = t.fma;
  const tail = fused ? "fused-chain" : "mul-add-chain";
  return {
    /** One accumulator register per element: 3pX4, 3pX1, 2pX4, 2pX1, 1pX1 and the scalar 1×1 loop. */
    chain: { kind: "chain", fused } as Accumulation,
    /** lhs_process_one_packet (1pX4, also half/quarter packets): even k into C0..C3, odd k into D0..D3
     *  over peeled_kc = depth & ~(pk−1), C := C + D, then the remaining k into C. */
    pair: { kind: "merged-pair", fused, unroll: PK } as Accumulation,
    /** "Process remaining rows, 1 at once" through the swapped traits (rows × an nr = 4 panel): four
     *  accumulator packets C0..C3 take successive k steps; C0 := (C0+C1)+(C2+C3). SSE2 (spk = 1): each
     *  packet lane is one column, so per element four k-lanes (t mod 4) folded adjacent, then the k mod 4
     *  rest. AVX-512 (spk = 4, ploadquad): lane 4·(t mod 4)+column, packet (t/4) mod 4 over 16·⌊k/16⌋,
     *  folded, then 4-steps into C0 up to 4·⌊k/4⌋, predux_half_dowto4 twice ((r, r+2) then (r, r+1)),
     *  then the k mod 4 rest (last_row_process_16_packets). */
    lastRows: (t.packet === 4
      ? { kind: "lanes", fused, lanes: 4, minLength: 0, reduce: "adjacent", tail }
      // AVX2 (spk = 2): lane 2·(t mod 4 packets)+(t mod 2) over 8·⌊k/8⌋, folded to 2, 2-steps, one
      // predux_half_dowto4 ((r, r+1)), then an odd last k as one madd on the reduced value.
      : { kind: "folded-lanes", fused, wide: 4 * (t.packet / 4), narrow: t.packet / 4, reduce: "halving", tail }) as Accumulation,
    /** general_matrix_vector_product<RowMajor> rows in groups of 8/4/2: one packet accumulator over whole
     *  packets of k, predux (halving: _mm_movehl_ps / extract-and-add), then the k rest as scalar
     *  `cc0 += a*b`. With -march=native gcc turned that rest into a fold-left reduction 8 wide (8 rounded
     *  products added in order) and FMAs for the remaining < 8 (measured with the order probe). */
    gemvRow: { kind: "packet-cascade", fused, packets: [t.packet], reduce: "halving", tail: fused ? { foldLeft: t.restFold } : tail } as Accumulation,
    /** Its last single row (rows odd): the packet loop, then one half- and one quarter-packet loop, each
     *  predux'd and added, then the scalar rest (< 4 terms: FMAs under -march=native). */
    gemvLastRow: { kind: "packet-cascade", fused, packets: [t.packet, ...t.fractions], reduce: "halving", tail: fused ? { foldLeft: t.restFold } : tail } as Accumulation,
    /** general_matrix_vector_product<ColMajor> rows in packets (8, 4, 3, 2, 1 packets, half, quarter):
     *  one accumulator per row, pmadd per column. */
    gemvColPacket: { kind: "chain", fused } as Accumulation,
    /** Its scalar rows (rows mod the narrowest packet): `c0 += lhs(i,j)·rhs(j)` over the column block.
     *  gcc (-mavx2 -mfma and AVX-512 builds alike) versioned that loop on the rhs stride (objdump of the
     *  bridge's builds): stride 1 and more than 3 columns, a fold-left reduction 4 wide (4 rounded
     *  products added in order per step), the columns mod 4 as FMAs; any other stride, or ≤ 3 columns,
     *  one FMA per column. Without FMA both are the same multiply-then-add chain. */
    gemvColScalar: (unitRhs: boolean): Accumulation => (fused && unitRhs
      ? { kind: "packet-cascade", fused, packets: [], reduce: "halving", tail: { foldLeft: 4 } }
      : { kind: "chain", fused }),
  };
}

/** gebp_kernel (GeneralBlockPanelKernel.h @ 3.4.0) on one mc×nc block: rows in panels of 3, 2, 1 packets,
 *  then half and quarter packets, then single rows; columns in nr = 4 panels, then single columns. */
function* gebpTiles(t: EigenTarget, ctx: BlockContext): Iterable<Tile> {
  const acc = accumulations(t);
  const rows = ctx.mBlock, cols = ctx.nBlock, P = t.packet;
  const cols4 = cols - (cols % NR);
  let r = 0;
  if (t.mr >= 3 * P) r = rows - (rows % (3 * P));
  if (t.mr >= 2 * P) r += (rows - r) - ((rows - r) % (2 * P));
  if (r > 0) yield { r0: 0, r1: r, s0: 0, s1: cols, accumulation: acc.chain };
  for (const w of [P, ...t.fractions]) {
    const end = r + (rows - r) - ((rows - r) % w);
    if (end > r) {
      if (cols4 > 0) yield { r0: r, r1: end, s0: 0, s1: cols4, accumulation: acc.pair };
      if (cols4 < cols) yield { r0: r, r1: end, s0: cols4, s1: cols, accumulation: acc.chain };
    }
    r = end;
  }
  if (r < rows) {
    if (cols4 > 0) yield { r0: r, r1: rows, s0: 0, s1: cols4, accumulation: acc.lastRows };
    if (cols4 < cols) yield { r0: r, r1: rows, s0: cols4, s1: cols, accumulation: acc.chain };
  }
}

const whole = { kind: "whole" } as const;

function plans(t: EigenTarget): Pick<EmulationDeclaration, "plan" | "gemvPlan" | "dot"> {
  const acc = accumulations(t);
  const fused = t.fma;
  // pmadd(c, alpha, r) / res += alpha*c: one FMA with FMA, else fl(r + fl(α·c)).
  const meetC = { kind: "scale-then-add-blocks", fusedAlpha: t.fma } as const;
  /** general_matrix_vector_product<RowMajor>: every output one row; the rows in library M (n = 1 calls)
   *  or N (m = 1 calls); the last one differs when their count is odd (AVX-512 only: SSE2 has no half). */
  const gemvRowMajor = (rowsAreM: boolean): GemmPlan => ({
    path: "generic_product_impl::scaleAndAddTo (vector result) → general_matrix_vector_product<RowMajor>",
    nc: whole, kc: whole, mc: whole, meetC,
    *tiles(ctx) {
      const rows = rowsAreM ? ctx.mBlock : ctx.nBlock, odd = rows % 2 === 1 && t.fractions.length > 0;
      const even = odd ? rows - 1 : rows;
      const span = (a: number, b: number, accumulation: Accumulation): Tile =>
        rowsAreM ? { r0: a, r1: b, s0: 0, s1: ctx.nBlock, accumulation } : { r0: 0, r1: ctx.mBlock, s0: a, s1: b, accumulation };
      if (even > 0) yield span(0, even, acc.gemvRow);
      if (odd) yield span(even, rows, acc.gemvLastRow);
    },
  });
  /** general_matrix_vector_product<ColMajor>: k in blocks of block_cols = cols < 128 ? cols : (lhs stride
   *  < 32000 bytes ? 16 : 4); per block one accumulator per output, then res := pmadd(c, α, res). The
   *  vector (rhs) is A_lib when M = 1 (its stride lda: a gemv's incx, a gemm's ldb), else B_lib, a row
   *  of the call's A (stride 1); the matrix (lhs) is the other operand. */
  const gemvColMajor = (s: LibraryShape, rowsAreM: boolean): GemmPlan => {
    const lhsStride = (rowsAreM ? s.lda : s.ldb) ?? 1, unitRhs = rowsAreM || (s.lda ?? 1) === 1;
    const blockCols = s.K < 128 ? s.K : lhsStride * 4 < 32000 ? 16 : 4;
    const scalarRows = acc.gemvColScalar(unitRhs);
    return {
      path: "generic_product_impl::scaleAndAddTo (vector result) → general_matrix_vector_product<ColMajor>",
      nc: whole, kc: blockCols === s.K ? whole : { kind: "fixed", size: blockCols }, mc: whole, meetC,
      *tiles(ctx) {
        const rows = rowsAreM ? ctx.mBlock : ctx.nBlock;
        const narrowest = t.fractions.length > 0 ? t.fractions[t.fractions.length - 1]! : t.packet;
        const vec = rows - (rows % narrowest);
        const span = (a: number, b: number, accumulation: Accumulation): Tile =>
          rowsAreM ? { r0: a, r1: b, s0: 0, s1: ctx.nBlock, accumulation } : { r0: 0, r1: ctx.mBlock, s0: a, s1: b, accumulation };
        if (vec > 0) yield span(0, vec, acc.gemvColPacket);
        if (vec < rows) yield span(vec, rows, scalarRows);
      },
    };
  };
  /** A 1×1 result: GemvProduct's scaleAndAddTo falls back to C += (α·op(A)).row(0).dot(op(B).col(0)), α
   *  on every coefficient of op(A) (B_lib), the sum added unscaled. Eigen vectorises the redux when both
   *  are contiguous (the call's NT, library TRANSA = 'T', TRANSB = 'N'): two packet accumulators
   *  (redux_impl, LinearVectorizedTraversal), then the scalar rest. Otherwise its scalar loop res = p0,
   *  res += p_i, which gcc versioned on the run-time strides (measured against the bridge's builds over
   *  every layout and strides 1 to 3): both 1, a fold-left reduction restFold wide after the first
   *  product, the rest FMAs; one operand contiguous by layout (NN's row of A, TT's row of Bᵀ), one 4 wide
   *  (gathered strided loads); neither (TN with a stride > 1), one FMA per term. */
  const dot = (shape: LibraryShape): GemmPlan => {
    const contiguous = shape.transA && !shape.transB;
    // Run-time strides of the row of op(A) (library ldb when it is a column of A) and of the column of op(B).
    const lhsStride = shape.transB ? shape.ldb ?? 1 : 1, rhsStride = shape.transA ? 1 : shape.lda ?? 1;
    const fold = !fused ? 1 : contiguous || (lhsStride === 1 && rhsStride === 1) ? t.restFold
      : !shape.transB || shape.transA ? 4 : 0;
    const accumulation: Accumulation = contiguous
      ? { kind: "redux-2acc", fused, packet: t.packet, tail: { foldLeft: fold } }
      : { kind: "packet-cascade", fused, packets: [], reduce: "halving", tail: { foldLeft: fold, lead: 1 } };
    return {
      path: `generic_product_impl (1×1) → dot → redux (${contiguous ? "vectorised, two accumulators" : "scalar"})`,
      nc: whole, kc: whole, mc: whole, meetC: { ...meetC, alphaInPack: "B" },
      tiles: (ctx) => [{ r0: 0, r1: ctx.mBlock, s0: 0, s1: ctx.nBlock, accumulation, init: -0 }],
    };
  };
  const gebp = (s: LibraryShape): GemmPlan => {
    const b = eigenBlocking(s.M, s.N, s.K, t.mr, t.l1Factor);
    return {
      path: `general_matrix_matrix_product → gebp_kernel<mr=${t.mr}, nr=${NR}> (kc=${b.kc}, mc=${b.mc}, nc=${b.nc})`,
      nc: { kind: "fixed", size: b.nc },
      kc: { kind: "fixed", size: b.kc },
      mc: { kind: "fixed", size: b.mc },
      meetC,
      tiles: (ctx) => gebpTiles(t, ctx),
    };
  };
  /** The scalar loop `res = p0; res += p_i` as gcc compiled it where it did not vectorise it: the first
   *  product rounded, then one FMA per term (multiply-then-add without FMA). */
  const scalarRedux: Accumulation = { kind: "packet-cascade", fused, packets: [], reduce: "halving", tail: fused ? { foldLeft: 0, lead: 1 } : { foldLeft: 1 } };
  /** A gemv with one output: GemvProduct's scaleAndAddTo falls back to dst += lhs.row(0).dot(rhs.col(0))
   *  with lhs = α·op(A) (α on every coefficient of the matrix, B_lib) and rhs the vector, a Map with a
   *  run-time InnerStride, so Eigen's redux is scalar: res = p0, res += p_i. gcc (objdump of cblas_sgemv)
   *  vectorised that loop for a contiguous matrix row (gemv 'N', library TRANSB = 'N') as a fold-left
   *  reduction 4 wide after the first product, whatever the vector's stride; a strided row ('T') stays
   *  one FMA per term. */
  const oneOutput = (s: LibraryShape): GemmPlan => {
    const accumulation: Accumulation = fused && !s.transB ? { kind: "packet-cascade", fused, packets: [], reduce: "halving", tail: { foldLeft: 4, lead: 1 } } : scalarRedux;
    return {
      path: `generic_product_impl<…, GemvProduct>::scaleAndAddTo (1×1) → (α·A).row(0).dot(x) → redux (${s.transB ? "scalar" : "fold-left 4"})`,
      nc: whole, kc: whole, mc: whole, meetC: { ...meetC, alphaInPack: "B" },
      tiles: (ctx) => [{ r0: 0, r1: ctx.mBlock, s0: 0, s1: ctx.nBlock, accumulation, init: -0 }],
    };
  };
  /** A vector result (library M = 1 or N = 1) that is not a lazy product. */
  const vectorResult = (s: LibraryShape): GemmPlan => {
    // dst.cols() == 1 (call n = 1): lhs op(A) is col-major exactly when the call's transA (= library transB).
    if (s.M === 1) return s.transB ? gemvColMajor(s, false) : gemvRowMajor(false);
    // dst.rows() == 1 (call m = 1): transposed, lhs op(B)ᵀ is row-major exactly when the call's transB.
    return s.transA ? gemvRowMajor(true) : gemvColMajor(s, true);
  };
  return {
    plan: (s: LibraryShape): GemmPlan => {
      if (s.K + s.M + s.N < 20) return eigenLazyPlan({ packet: t.packet, fused }, s, meetC);
      if (s.M === 1 && s.N === 1) return dot(s);
      if (s.M === 1 || s.N === 1) return vectorResult(s);
      return gebp(s);
    },
    /** cblas_sgemv's `Y += α·op(A)·X` is a GemvProduct (X a vector at compile time): never lazy, whatever
     *  its size; one output is GemvProduct's dot fallback; the library shape always has M = 1. */
    gemvPlan: (s: LibraryShape): GemmPlan => s.N === 1 ? oneOutput(s) : vectorResult(s),
    /** cblas_sdot's Map<…, InnerStride<>> operands: Eigen cannot vectorise the redux (run-time stride)
     *  and gcc left its loop scalar, unit strides included (objdump: vmulss, then vfmadd231ss). */
    dot: (): DotRoute => ({ path: "MatrixBase::dot → redux (run-time inner strides: scalar)", accumulation: scalarRedux, init: -0 }),
  };
}

const SOURCES = [
  "Eigen/src/Core/products/GeneralBlockPanelKernel.h (gebp_traits, gebp_kernel, evaluateProductBlockingSizesHeuristic) @ 3.4.0",
  "Eigen/src/Core/products/GeneralMatrixMatrix.h (general_matrix_matrix_product, gemm_blocking_space) @ 3.4.0",
  "Eigen/src/Core/products/GeneralMatrixVector.h @ 3.4.0",
  "Eigen/src/Core/ProductEvaluators.h / GeneralProduct.h (gemv and dot fallbacks, coeff-based threshold, lazy product) @ 3.4.0",
  "Eigen/src/Core/Redux.h / Dot.h / AssignEvaluator.h (redux_impl, dot, restricted_packet_dense_assignment_kernel) @ 3.4.0",
  "Eigen/src/Core/util/Memory.h (queryCacheSizes) @ 3.4.0",
];

/** Baseline x86-64 (g++ 12 -O3): SSE2 Packet4f, no FMA, 16 registers → mr = 8, nr = 4. */
const sse2: EigenTarget = { packet: 4, fractions: [], mr: 8, fma: false, l1Factor: 1, restFold: 1 };
/** -mavx2 -mfma: AVX Packet8f (half Packet4f; its quarter is Packet4f too, so no quarter pass), FMA →
 *  mr = 3·8 = 24, nr = 4 (PacketMath.h for AVX, gebp_traits with EIGEN_HAS_SINGLE_INSTRUCTION_MADD). */
const avx2: EigenTarget = { packet: 8, fractions: [4], mr: 24, fma: true, l1Factor: 1, restFold: 4 };
/** -mavx512f -mavx512dq -mavx512vl -mavx512bw -mfma: AVX-512 Packet16f (half Packet8f, quarter Packet4f),
 *  FMA, 32 registers → mr = 3·16 = 48, nr = 4; the blocking heuristic multiplies l1 by 4 under
 *  EIGEN_VECTORIZE_AVX512. */
const avx512: EigenTarget = { packet: 16, fractions: [8, 4], mr: 48, fma: true, l1Factor: 4, restFold: 8 };

const BLOCKING = "blocking from the cache sizes Eigen reads on the machine it runs on (eigenCacheSizes: CHIMERA_EIGEN_CACHE_SIZES, which the CLI and the tests set from this CPU's CPUID; here l1 32 KiB, l2 1 MiB, l3 320 MiB as Eigen reads them)";

/**
 * Eigen 3.4.0 compiled with g++ 12 -O3 for baseline x86-64 (SSE2 packets of 4 floats, no FMA): the
 * bridge's eigen-3.4.0-sse2.
 */
export const eigenSse2: EmulationDeclaration = {
  library: "eigen",
  version: "3.4",
  variant: "sse2",
  description:
    "k+m+n < 20 is the lazy product, one multiply-then-add chain per coefficient (the call's NT: a two-packet redux); vector results are gemv: row-major lhs four SSE lanes over k folded (L0+L2)+(L1+L3) then the k mod 4 rest, col-major lhs one chain per 16-column block; otherwise GEBP with this machine's cache-derived kc/mc/nc, 8x4 and 4x4 micro-tiles (the 4-row tiles alternate two accumulator sets over k peeled by 8, merged before the rest), the last rows four k-lanes folded adjacent; multiply then add throughout, each k-block added to C",
  verified: `verified bit-for-bit against Eigen 3.4.0 built with g++ 12 -O3 (native eigen-3.4.0-sse2) on the fidelity suite, the broad suite (seeds 4242, 99, 3729792623, 166160769, 20261202 and others, every region, gemv and dot included) and test/emulated/eigen-native.test.ts (lazy products, 1×1 products, one-output gemv, strided dots); ${BLOCKING}`,
  sources: SOURCES,
  ...plans(sse2),
};

/**
 * Eigen 3.4.0 compiled with g++ 12 -O3 -mavx2 -mfma (AVX Packet8f, FMA): the bridge's eigen-3.4.0-avx2,
 * what a CPU with AVX2 but no AVX-512 (AMD Zen 3, Intel Haswell to Comet Lake) runs.
 */
export const eigenAvx2: EmulationDeclaration = {
  library: "eigen",
  version: "3.4",
  variant: "avx2",
  description:
    "k+m+n < 20 is the lazy product, one redux per coefficient (NT: two packet accumulators; NN, TT: the first product then 4-wide fold-left; TN: an FMA chain); dot: the first product then an FMA chain; vector results are gemv: row-major lhs 8 FMA lanes over k reduced by halving then the rest 4 rounded products at a time then FMAs (an odd last row adds a 4-lane pass), col-major lhs one FMA chain per 16-column block; otherwise GEBP (AVX2, FMA) with this machine's cache-derived kc/mc/nc, 24x4/16x4 tiles one FMA chain, 8/4-row tiles two FMA accumulator sets over k peeled by 8 merged before the rest, the last rows 8 lanes folded to 2 then halved; each k-block FMA'd into C",
  verified: `verified bit-for-bit against Eigen 3.4.0 built with g++ 12 -O3 -mavx2 -mfma (native eigen-3.4.0-avx2) on the fidelity suite, the broad suite (seeds 4242, 99, 3729792623, 166160769, 20261202 and others, every region, gemv and dot included) and test/emulated/eigen-native.test.ts (lazy products, 1×1 products, one-output gemv, strided dots); ${BLOCKING}`,
  sources: [...SOURCES, "Eigen/src/Core/arch/AVX/PacketMath.h (Packet8f, ploadquad, predux_half_dowto4) @ 3.4.0"],
  ...plans(avx2),
};

/**
 * Eigen 3.4.0 compiled with g++ 12 -O3 -mavx512f -mavx512dq -mavx512vl -mavx512bw -mfma: 16-float
 * packets; the bridge's eigen-3.4.0-avx512.
 */
export const eigenAvx512: EmulationDeclaration = {
  library: "eigen",
  version: "3.4",
  variant: "avx512",
  description:
    "k+m+n < 20 is the lazy product, one redux per coefficient (NT: two packet accumulators; NN, TT: the first product then 4-wide fold-left; TN: an FMA chain); dot: the first product then an FMA chain; vector results are gemv: row-major lhs 16 FMA lanes over k reduced by halving then the rest (an odd last row adds half- and quarter-packet passes), col-major lhs one FMA chain per 16-column block; otherwise GEBP (AVX-512, FMA) with this machine's cache-derived kc/mc/nc, 48x4/32x4 tiles one FMA chain, 16/8/4-row tiles two FMA accumulator sets over k peeled by 8 merged before the rest, the last rows 16 lanes folded to 4 then halved; each k-block FMA'd into C",
  verified: `verified bit-for-bit against Eigen 3.4.0 built with AVX-512 (native eigen-3.4.0-avx512) on the fidelity suite, the broad suite (seeds 4242, 99, 3729792623, 166160769, 20261202 and others, every region, gemv and dot included) and test/emulated/eigen-native.test.ts (lazy products, 1×1 products with any strides, one-output gemv, strided dots); ${BLOCKING}`,
  sources: [...SOURCES, "Eigen/src/Core/arch/AVX512/PacketMath.h (ploadquad, predux_half_dowto4, predux) @ 3.4.0"],
  ...plans(avx512),
};
