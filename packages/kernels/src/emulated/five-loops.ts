import type { GemmCall } from "../kernel.js";
import { fma32 } from "../fp32/fma.js";
import { blockSum } from "./accumulation.js";
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
export function runFiveLoops(decl: EmulationDeclaration, call: GemmCall, packedA?: Float32Array): void {
  const { m, n, k, alpha, beta, c, ldc } = call;
  const shape: LibraryShape = { M: n, N: m, K: k, transA: call.transB, transB: call.transA, alpha, beta };
  const plan = decl.plan(shape);
  const ap = packedA ?? packLibraryA(call);
  const bp = packLibraryB(call, plan.meetC.kind === "accumulate-into-c" ? alpha : 1);
  const cOff = call.cOffset ?? 0;
  const M = n, N = m, K = k;
  // acc holds each element's running value: C after β (scale/accumulate modes) or the block sum.
  const acc = new Float32Array(M * N);
  const meet = plan.meetC;
  if (meet.kind !== "sum-then-epilogue" && beta !== 0) {
    for (let s = 0; s < N; s++) for (let r = 0; r < M; r++) {
      const v = c[cOff + s * ldc + r]!;
      acc[s * M + r] = beta === 1 ? v : fround(beta * v);
    }
  }
  const kBlocks = splitLength(K, plan.kc);
  for (const [jc, nBlock] of offsets(splitLength(N, plan.nc))) {
    for (const [pc, kBlock] of offsets(kBlocks)) {
      for (const [ic, mBlock] of offsets(splitLength(M, plan.mc))) {
        const ctx = { shape, mBlock, nBlock, kBlock, firstIc: ic === 0 };
        for (const t of plan.tiles(ctx)) {
          for (let s = jc + t.s0; s < jc + t.s1; s++) {
            for (let r = ic + t.r0; r < ic + t.r1; r++) {
              const e = s * M + r, ai = r * K + pc, bi = s * K + pc;
              if (meet.kind === "accumulate-into-c") {
                acc[e] = blockSum(ap, ai, bp, bi, kBlock, t.accumulation, acc[e]!);
              } else if (meet.kind === "sum-then-epilogue") {
                const blk = blockSum(ap, ai, bp, bi, kBlock, t.accumulation, 0);
                acc[e] = pc === 0 ? blk : acc[e]! + blk;
              } else {
                const blk = blockSum(ap, ai, bp, bi, kBlock, t.accumulation, 0);
                // The Float32Array store is the one rounding of an exact binary64 sum of two binary32 values.
                const cv = acc[e]!;
                if (alpha === 1) acc[e] = cv + blk;
                else acc[e] = meet.fusedAlpha ? fma32(alpha, blk, cv) : cv + fround(alpha * blk);
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

/** A_lib (M×K, k-contiguous): row r is column r of op(B) of the row-major call. */
export function packLibraryA(call: GemmCall): Float32Array {
  const { n, k, b, ldb, transB } = call;
  const off = call.bOffset ?? 0, out = new Float32Array(n * k);
  for (let r = 0; r < n; r++) {
    for (let p = 0; p < k; p++) out[r * k + p] = b[off + (transB ? r * ldb + p : p * ldb + r)]!;
  }
  return out;
}

/** B_lib (N×K, k-contiguous): column s is row s of op(A), each value pre-scaled by α when asked. */
function packLibraryB(call: GemmCall, scale: number): Float32Array {
  const { m, k, a, lda, transA } = call;
  const off = call.aOffset ?? 0, out = new Float32Array(m * k);
  for (let s = 0; s < m; s++) {
    for (let p = 0; p < k; p++) {
      const v = a[off + (transA ? p * lda + s : s * lda + p)]!;
      out[s * k + p] = scale === 1 ? v : fround(scale * v);
    }
  }
  return out;
}
