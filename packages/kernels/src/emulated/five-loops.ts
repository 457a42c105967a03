import type { GemmCall } from "../kernel.js";
import { fma32 } from "../fp32/fma.js";
import { blockSum, chainSum4 } from "./accumulation.js";
import type { EmulationDeclaration, GemmPlan, LibraryShape } from "./declaration.js";
import { splitLength } from "./k-split.js";

const fround = Math.fround;

/**
 * The one loop nest every emulation runs (BLIS's names): jc over N in nc blocks, pc over K in kc
 * blocks, ic over M in mc blocks, then the micro-tiles (jr, ir) the plan lists, each with its own
 * accumulation. Only the declaration differs between libraries.
 *
 * Works in library coordinates (see LibraryShape): A_lib = op(B)ᵀ is packed M×K and B_lib = op(A)ᵀ
 * packed N×K, both k-contiguous, like a library's packed panels; C_lib(r, s) is C(s, r) of the call.
 * The caller has validated the call and handled m = 0, n = 0, k = 0 and α = 0.
 */
export function runFiveLoops(decl: EmulationDeclaration, call: GemmCall, packedA?: Panel): void {
  const { m, n, k, alpha, beta, c, ldc } = call;
  const shape: LibraryShape = { M: n, N: m, K: k, transA: call.transB, transB: call.transA, alpha, beta, lda: call.ldb, ldb: call.lda };
  const plan = decl.plan(shape);
  const pa = packedA ?? packLibraryA(call);
  const pb = packLibraryB(call, plan.meetC.kind === "accumulate-into-c" ? alpha : 1);
  const ap = pa.data, bp = pb.data, lda = pa.ld, ldb = pb.ld, aBase = pa.offset, bBase = pb.offset;
  const cOff = call.cOffset ?? 0;
  const M = n, N = m, K = k;
  // acc holds each element's running value: C after β (scale/accumulate modes) or the block sum.
  const acc = new Float32Array(M * N);
  const meet = plan.meetC;
  if (meet.kind !== "sum-then-epilogue" && beta !== 0) {
    for (let s = 0; s < N; s++) for (let r = 0; r < M; r++) {
      const v = c[cOff + s * ldc + r]!;
      acc[s * M + r] = beta === 1 || meet.kind === "beta-fused-first-block" ? v : fround(beta * v);
    }
  }
  const init4 = new Float64Array(4), out4 = new Float64Array(4);
  let pc = 0;
  /** How one block value meets the element's running value (see MeetC). */
  const meetOne = (e: number, blk: number): void => {
    if (meet.kind === "accumulate-into-c") acc[e] = blk;
    else if (meet.kind === "sum-then-epilogue") acc[e] = pc === 0 ? blk : acc[e]! + blk;
    else if (meet.kind === "beta-fused-first-block" && pc === 0) acc[e] = beta === 0 ? fround(alpha * blk) : fma32(beta, acc[e]!, fround(alpha * blk));
    // The Float32Array store is the one rounding of an exact binary64 sum of two binary32 values.
    else if (alpha === 1) acc[e] = acc[e]! + blk;
    else acc[e] = meet.fusedAlpha ? fma32(alpha, blk, acc[e]!) : acc[e]! + fround(alpha * blk);
  };
  const kBlocks = splitLength(K, plan.kc);
  for (const [jc, nBlock] of offsets(splitLength(N, plan.nc))) {
    for (const [pc0, kBlock] of offsets(kBlocks)) {
      pc = pc0;
      for (const [ic, mBlock] of offsets(splitLength(M, plan.mc))) {
        const ctx = { shape, mBlock, nBlock, kBlock, firstIc: ic === 0 };
        for (const t of plan.tiles(ctx)) {
          const chain = t.accumulation.kind === "chain";
          for (let s = jc + t.s0; s < jc + t.s1; s++) {
            const bi = bBase + s * ldb + pc;
            for (let r = ic + t.r0; r < ic + t.r1; r++) {
              const ai = aBase + r * lda + pc;
              if (chain && r + 4 <= ic + t.r1) {
                // Rows r..r+3 of column s together (same order per element, see chainSum4).
                for (let q = 0; q < 4; q++) init4[q] = meet.kind === "accumulate-into-c" ? acc[s * M + r + q]! : 0;
                chainSum4(bp, bi, ap, ai, lda, kBlock, t.accumulation.fused, init4, out4);
                for (let q = 0; q < 4; q++) meetOne(s * M + r + q, out4[q]!);
                r += 3;
              } else {
                const init = meet.kind === "accumulate-into-c" ? acc[s * M + r]! : 0;
                meetOne(s * M + r, blockSum(ap, ai, bp, bi, kBlock, t.accumulation, init));
              }
            }
          }
        }
      }
    }
  }
  writeBack(plan, call, acc);
}

function writeBack(plan: GemmPlan, call: GemmCall, acc: Float32Array): void {
  const { m, n, alpha, beta, c, ldc } = call;
  const cOff = call.cOffset ?? 0, M = n;
  for (let s = 0; s < m; s++) {
    for (let r = 0; r < n; r++) {
      const i = cOff + s * ldc + r, v = acc[s * M + r]!;
      if (plan.meetC.kind !== "sum-then-epilogue") c[i] = v;
      else {
        const t = alpha === 1 ? v : fround(alpha * v);
        if (beta === 0) c[i] = t;
        else if (plan.meetC.betaFused) c[i] = fma32(beta, c[i]!, t);
        else c[i] = fround(t + (beta === 1 ? c[i]! : fround(beta * c[i]!)));
      }
    }
  }
}

function* offsets(lengths: number[]): Iterable<[number, number]> {
  let o = 0;
  for (const len of lengths) {
    yield [o, len];
    o += len;
  }
}

/** A k-contiguous operand: vector r starts at data[offset + r·ld]. */
export interface Panel {
  readonly data: Float32Array;
  readonly offset: number;
  readonly ld: number;
}

/** A_lib (M×K, k-contiguous): row r is column r of op(B). Already k-contiguous when transB (no copy). */
export function packLibraryA(call: GemmCall): Panel {
  const { n, k, b, ldb, transB } = call;
  const off = call.bOffset ?? 0;
  if (transB) return { data: b, offset: off, ld: ldb };
  const out = new Float32Array(n * k);
  for (let p = 0; p < k; p++) {
    const row = off + p * ldb;
    for (let r = 0; r < n; r++) out[r * k + p] = b[row + r]!;
  }
  return { data: out, offset: 0, ld: k };
}

/** B_lib (N×K, k-contiguous): column s is row s of op(A), pre-scaled by `scale` when it is not 1. */
function packLibraryB(call: GemmCall, scale: number): Panel {
  const { m, k, a, lda, transA } = call;
  const off = call.aOffset ?? 0;
  if (!transA && scale === 1) return { data: a, offset: off, ld: lda };
  const out = new Float32Array(m * k);
  for (let s = 0; s < m; s++) {
    for (let p = 0; p < k; p++) {
      const v = a[off + (transA ? p * lda + s : s * lda + p)]!;
      out[s * k + p] = scale === 1 ? v : fround(scale * v);
    }
  }
  return { data: out, offset: 0, ld: k };
}
