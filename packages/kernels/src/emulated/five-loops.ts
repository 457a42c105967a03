import type { GemmCall } from "../kernel.js";
import { fma32 } from "../fp32/fma.js";
import { tileSums } from "./accumulation.js";
import type { BlockContext, EmulationDeclaration, GemmPlan, LibraryShape, MeetC, Tile } from "./declaration.js";
import { splitLength } from "./k-split.js";
import { wasmEnabled } from "./wasm/arena.js";
import { wasmCovers } from "./wasm/dispatch.js";
import { arenaOperands } from "./wasm/operands.js";

const fround = Math.fround;

/** Scratch reused across calls (the engine is synchronous and runFiveLoops never re-enters itself). */
let accBuffer = new Float32Array(1024);
let sumBuffer = new Float64Array(1024);
let meetBuffer = new Uint8Array(1024);

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
  const shape = libraryShape(call);
  const plan = decl.plan(shape);
  const meet = plan.meetC;
  // α multiplied into an operand as it is packed (accumulate-into-c: B_lib unless alphaOnA, alphaInOrder or
  // alphaPerBlock; scale-then-add-blocks and fma-beta-first-block with alphaInPack: the operand it names).
  const alphaInPack = meet.kind === "scale-then-add-blocks" || meet.kind === "fma-beta-first-block" ? meet.alphaInPack : undefined;
  const alphaOnA = (meet.kind === "accumulate-into-c" && meet.alphaOnA === true) || alphaInPack === "A";
  const alphaPerBlock = meet.kind === "accumulate-into-c" && meet.alphaPerBlock === true && alpha !== 1;
  const alphaOnB = (meet.kind === "accumulate-into-c" && !alphaOnA && meet.alphaInOrder !== true && !alphaPerBlock) || alphaInPack === "B";
  const pa = scalePanel(packedA ?? packLibraryA(call), n, k, alphaOnA ? alpha : 1);
  const pb = packLibraryB(call, alphaOnB ? alpha : 1);
  const cOff = call.cOffset ?? 0;
  const M = n, N = m, K = k, size = M * N;
  // With the WebAssembly kernels on, both panels and the block sums live in their memory (wasm/operands.ts).
  const w = wasmEnabled() && planUsesWasm(plan, shape) ? arenaOperands(pa, pb, M, N, K) : undefined;
  const ap = w?.a ?? pa.data, bp = w?.b ?? pb.data, lda = w?.lda ?? pa.ld, ldb = w?.ldb ?? pb.ld;
  const aBase = w?.aBase ?? pa.offset, bBase = w?.bBase ?? pb.offset;
  if (accBuffer.length < size) {
    accBuffer = new Float32Array(size);
    sumBuffer = new Float64Array(size);
    meetBuffer = new Uint8Array(size);
  }
  // acc holds each element's running value: C after β (scale/accumulate modes) or the sum of the blocks
  // so far; v one block's sums (starting from acc in accumulate mode).
  const acc = accBuffer, v = w?.v ?? sumBuffer;
  // The plan's MeetC read once into locals (its shape varies between libraries).
  const meetKind = meet.kind, edge = meet.kind === "fma-beta-first-block" ? meet.edge : undefined;
  const accumulate = meetKind === "accumulate-into-c", sumThenEpilogue = meetKind === "sum-then-epilogue";
  const fmaBetaFirst = meetKind === "fma-beta-first-block";
  const fusedAlpha = meet.kind === "scale-then-add-blocks" && meet.fusedAlpha;
  const alphaFirstBelow = meet.kind === "scale-then-add-blocks" ? meet.alphaFirstBelow ?? 0 : 0;
  const inPlaceBelow = meet.kind === "scale-then-add-blocks" ? meet.inPlaceBelow ?? 0 : 0;
  const alphaPerBlockBelow = meet.kind === "scale-then-add-blocks" && alpha !== 1 ? meet.alphaPerBlockBelow ?? 0 : 0;
  const scaledA = alphaFirstBelow > 0 && alpha !== 1 ? scalePanel(pa, n, k, alpha) : pa;
  let axpyA: Panel | undefined; // A_lib·α for axpyIntoC tiles, made on first use
  if (!sumThenEpilogue) {
    if (beta === 0) acc.fill(0, 0, size);
    // fma-beta-first-block keeps C itself: β meets it inside the first block's FMA.
    else loadC(acc, c, cOff, ldc, M, N, beta === 1 || fmaBetaFirst || alphaPerBlock ? 1 : beta);
  }
  // Tiles whose elements meet C their own way (see Tile.meetC): meetBuffer[e] = 1 + index in overrides.
  const overrides: MeetC[] = [];
  const nBlocks = splitLength(N, plan.nc), kBlocks = splitLength(K, plan.kc), mBlocks = splitLength(M, plan.mc);
  for (let jb = 0, jc = 0; jb < nBlocks.length; jc += nBlocks[jb++]!) {
    const nBlock = nBlocks[jb]!;
    for (let kb = 0, pc = 0; kb < kBlocks.length; pc += kBlocks[kb++]!) {
      const kBlock = kBlocks[kb]!;
      // A short block that takes α into A_lib first (MeetC alphaFirstBelow), then adds unscaled.
      const alphaFirst = kBlock < alphaFirstBelow, aData = alphaFirst ? scaledA.data : ap, aOff = alphaFirst ? scaledA.offset : aBase, aLd = alphaFirst ? scaledA.ld : lda;
      // alphaPerBlock: the block's sum starts from fl(fl(β'/α)·C), β' = β for the first block, 1 after.
      // A later k-block shorter than alphaPerBlockBelow: C := fl(α·blk), its sum started from fl(fl(1/α)·C).
      const scaledBlock = pc > 0 && kBlock < alphaPerBlockBelow;
      const inPlace = kBlock < inPlaceBelow || scaledBlock; // this k-block's kernels run on C itself (MeetC inPlaceBelow)
      const cScale = alphaPerBlock ? (pc === 0 ? (beta === 0 ? 0 : fround(beta / alpha)) : fround(1 / alpha)) : scaledBlock ? fround(1 / alpha) : 1;
      for (let ib = 0, ic = 0; ib < mBlocks.length; ic += mBlocks[ib++]!) {
        const ctx: BlockContext = { shape, mBlock: mBlocks[ib]!, nBlock, kBlock, firstIc: ic === 0, pc };
        for (const t of plan.tiles(ctx)) {
          const r0 = ic + t.r0, r1 = ic + t.r1, s0 = jc + t.s0, s1 = jc + t.s1;
          if (t.axpyIntoC === true) {
            axpyTile(t, pc, r0, r1, s0, s1, kBlock);
            continue;
          }
          const init = t.init ?? 0;
          for (let s = s0; s < s1; s++) for (let r = r0, e = s * M + r0; r < r1; r++, e++) v[e] = !accumulate && !inPlace ? init : cScale === 1 ? acc[e]! : cScale === 0 ? 0 : fround(cScale * acc[e]!);
          tileSums(t.accumulation, aData, aOff + pc, aLd, bp, bBase + pc, ldb, r0, r1, s0, s1, kBlock, v, M);
          if (t.fmaAlphaStore === true) {
            if (!fmaBetaFirst) throw new Error(`${plan.path}: fmaAlphaStore tiles need a fma-beta-first-block plan`);
            for (let s = s0; s < s1; s++) for (let r = r0, e = s * M + r0; r < r1; r++, e++) {
              acc[e] = fma32(alpha, v[e]!, pc !== 0 || beta === 1 ? acc[e]! : beta === 0 ? 0 : fround(beta * acc[e]!));
            }
            continue;
          }
          const betaUnfused = t.betaUnfused === true;
          for (let s = s0; s < s1; s++) {
            for (let r = r0, e = s * M + r0; r < r1; r++, e++) {
              const blk = v[e]!;
              // Each Float32Array store is the one rounding of an exact binary64 sum of two binary32 values.
              if (accumulate || inPlace) acc[e] = alphaPerBlock || scaledBlock ? alpha * blk : blk;
              else if (sumThenEpilogue) acc[e] = pc === 0 ? blk : acc[e]! + blk;
              else if (fmaBetaFirst) {
                const t = alpha === 1 || alphaInPack !== undefined ? blk : fround(alpha * blk);
                if (pc !== 0 || beta === 1) acc[e] = acc[e]! + t;
                else if (beta === 0) acc[e] = t;
                else if (betaUnfused || (edge !== undefined && onEdge(r, s, M, N, edge))) acc[e] = t + fround(beta * acc[e]!);
                else acc[e] = fma32(beta, acc[e]!, t);
              }
              else if (alpha === 1 || alphaFirst || alphaInPack !== undefined) acc[e] = acc[e]! + blk;
              else acc[e] = fusedAlpha ? fma32(alpha, blk, acc[e]!) : acc[e]! + fround(alpha * blk);
            }
          }
          if (t.meetC !== undefined || overrides.length > 0) markMeet(plan, t.meetC, overrides, r0, r1, s0, s1, M, size);
        }
      }
    }
  }
  writeBack(plan, call, acc, overrides);

  /** An axpyIntoC tile (see Tile): starts from β·C at the first k-block, α on A_lib, the sum is C. */
  function axpyTile(t: Tile, pc: number, r0: number, r1: number, s0: number, s1: number, kBlock: number): void {
    if (!fmaBetaFirst) throw new Error(`${plan.path}: axpyIntoC tiles need a fma-beta-first-block plan`);
    axpyA ??= scalePanel(pa, n, k, alpha);
    for (let s = s0; s < s1; s++) for (let r = r0, e = s * M + r0; r < r1; r++, e++) {
      v[e] = pc !== 0 || beta === 1 ? acc[e]! : beta === 0 ? 0 : fround(beta * acc[e]!);
    }
    tileSums(t.accumulation, axpyA.data, axpyA.offset + pc, axpyA.ld, bp, bBase + pc, ldb, r0, r1, s0, s1, kBlock, v, M);
    for (let s = s0; s < s1; s++) for (let r = r0, e = s * M + r0; r < r1; r++, e++) acc[e] = v[e]!;
  }
}

/** The library shape of a call (see LibraryShape). */
function libraryShape(call: GemmCall): LibraryShape {
  return { M: call.n, N: call.m, K: call.k, transA: call.transB, transB: call.transA, alpha: call.alpha, beta: call.beta, lda: call.ldb, ldb: call.lda, ldc: call.ldc };
}

/**
 * Whether a plan's first block has a tile with a generated WebAssembly kernel: only then are the operands
 * copied into the kernels' memory (a plan without one would pay the copy for nothing; either way every
 * element gets its order's bits).
 */
function planUsesWasm(plan: GemmPlan, shape: LibraryShape): boolean {
  const ctx: BlockContext = { shape, mBlock: splitLength(shape.M, plan.mc)[0]!, nBlock: splitLength(shape.N, plan.nc)[0]!, kBlock: splitLength(shape.K, plan.kc)[0]!, firstIc: true, pc: 0 };
  for (const t of plan.tiles(ctx)) if (wasmCovers(t.accumulation)) return true;
  return false;
}

/** Whether runFiveLoops runs this call's tiles (some of them) in WebAssembly. */
export function callUsesWasm(decl: EmulationDeclaration, call: GemmCall): boolean {
  if (!wasmEnabled()) return false;
  const shape = libraryShape(call);
  return planUsesWasm(decl.plan(shape), shape);
}

/**
 * acc := β·C (C itself when β = 1), C_lib being M×N. A function of its own so that runFiveLoops holds no
 * long loop before its loop nest: V8 would compile an on-stack-replacement copy inside it that lacks the
 * type feedback of what follows and deoptimises at its exit, again at every later call.
 */
function loadC(acc: Float32Array, c: Float32Array, cOff: number, ldc: number, M: number, N: number, beta: number): void {
  for (let s = 0; s < N; s++) for (let r = 0; r < M; r++) {
    const x = c[cOff + s * ldc + r]!;
    acc[s * M + r] = beta === 1 ? x : fround(beta * x);
  }
}

/** Whether C_lib(r, s) lies in a partial register tile (see MeetC `fma-beta-first-block`). */
function onEdge(r: number, s: number, M: number, N: number, tile: { rows: number; cols: number }): boolean {
  return (M % tile.rows !== 0 && r >= M - (M % tile.rows)) || (N % tile.cols !== 0 && s >= N - (N % tile.cols));
}

/** Records which elements meet C by their tile's own rule (meetBuffer[e] = 0: the plan's). */
function markMeet(plan: GemmPlan, own: MeetC | undefined, overrides: MeetC[], r0: number, r1: number, s0: number, s1: number, M: number, size: number): void {
  if (own !== undefined && (plan.meetC.kind !== "sum-then-epilogue" || own.kind !== "sum-then-epilogue")) {
    throw new Error(`${plan.path}: a tile may only change a sum-then-epilogue plan's epilogue`);
  }
  if (overrides.length === 0) meetBuffer.fill(0, 0, size); // first override of this call: nothing marked yet
  let code = 0;
  if (own !== undefined) {
    code = overrides.indexOf(own) + 1;
    if (code === 0) code = overrides.push(own);
  }
  for (let s = s0; s < s1; s++) for (let r = r0; r < r1; r++) meetBuffer[s * M + r] = code;
}

function writeBack(plan: GemmPlan, call: GemmCall, acc: Float32Array, overrides: readonly MeetC[]): void {
  const { m, n, alpha, beta, c, ldc } = call;
  const cOff = call.cOffset ?? 0, M = n;
  if (plan.meetC.kind !== "sum-then-epilogue") {
    for (let s = 0; s < m; s++) for (let r = 0; r < n; r++) c[cOff + s * ldc + r] = acc[s * M + r]!;
    return;
  }
  for (let s = 0; s < m; s++) {
    for (let r = 0; r < n; r++) {
      const i = cOff + s * ldc + r, e = s * M + r, x = acc[e]!;
      const mc = overrides.length > 0 && meetBuffer[e] !== 0 ? overrides[meetBuffer[e]! - 1]! : plan.meetC;
      const t = alpha === 1 ? x : fround(alpha * x);
      if (beta === 0) c[i] = t;
      else if (mc.kind !== "sum-then-epilogue") throw new Error("unreachable");
      else if (mc.alphaFused) c[i] = fma32(alpha, x, beta === 1 ? c[i]! : fround(beta * c[i]!));
      else if (mc.betaFused) c[i] = fma32(beta, c[i]!, t);
      else c[i] = fround(t + (beta === 1 ? c[i]! : fround(beta * c[i]!)));
    }
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

/** A panel of `rows` k-contiguous vectors of length k times `scale` (the panel itself when scale is 1). */
function scalePanel(p: Panel, rows: number, k: number, scale: number): Panel {
  if (scale === 1) return p;
  const out = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) for (let t = 0; t < k; t++) out[r * k + t] = fround(scale * p.data[p.offset + r * p.ld + t]!);
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
      const x = a[off + (transA ? p * lda + s : s * lda + p)]!;
      out[s * k + p] = scale === 1 ? x : fround(scale * x);
    }
  }
  return { data: out, offset: 0, ld: k };
}
