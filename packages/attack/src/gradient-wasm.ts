import { FunctionWriter, I32, ModuleBuilder, Op, Simd, V128, optimisedModule, wasmApi, wasmEnabled, type GemmLayout, type WasmMemory } from "@chimera/kernels";

/*
 * The gradient kernel's gemm in WebAssembly SIMD: the same arithmetic as its JavaScript form
 * (gradient-kernel.ts), faster. Element (i, j) is the binary64 sum of a(i,p)·b(p,j) for p = 0, 1, … < k,
 * one addition per p in that order, from +0; every product of two binary32 values is exact in binary64,
 * and f64x2.mul / f64x2.add round as JavaScript's * and + do. The lanes hold two columns j (never two p),
 * so each lane is its element's sequential sum and nothing else: the bits are the JavaScript form's.
 *
 * The one place the two forms could part: the JavaScript row form skips a(i,p) = 0 (fast on post-ReLU
 * rows); a skipped 0·b(p,j) changes nothing unless b(p,j) is ±Inf or NaN (0·Inf = NaN). So a call whose
 * op(B) holds a non-finite value stays in JavaScript (the packing below sees every value of op(B)).
 *
 * Layout in the kernel's own memory (not the emulations' arena): op(A) as panels of 4 rows, each k×4
 * binary64 values p-major, zero-padded to whole panels; op(B) as its k rows of binary32 values (copied
 * row by row; calls whose op(B) rows are not contiguous stay in JavaScript), each padded with zeros to a
 * multiple of 4 columns. The kernel walks 4-column strips outer, panels inner (a strip stays in cache
 * while every panel passes), and keeps a 4×4 tile in 8 f64x2 registers over the whole k: no spills
 * (8 accumulators, 2 B vectors promoted from binary32, 1 broadcast A value). The binary64 tile sums go to
 * V (M×4·nb); α and β are then applied in JavaScript exactly as the JavaScript form does.
 */

/** Below this many multiply-adds the JavaScript form runs (packing and the call cost more than they save). */
export const WASM_MIN_WORK = 4096;

type TileKernel = (a: number, b: number, ldb: number, v: number, mb: number, nb: number, k: number, ldv: number) => void;

/**
 * (a, b, ldb, v, mb, nb, k ≥ 1, ldv): for each strip jb < nb, each panel ib < mb, V's 4×4 tile at
 * v + 4·ib·ldv + 32·jb. A: panels of 4 rows, k×4 binary64 each; B: k rows of binary32, ldb bytes apart.
 */
function tileKernel(): FunctionWriter {
  const f = new FunctionWriter([["a", I32], ["b", I32], ["ldb", I32], ["v", I32], ["mb", I32], ["nb", I32], ["k", I32], ["ldv", I32]], undefined);
  for (const n of ["jb", "ib", "pa", "pb", "cnt", "vt"]) f.local(n, I32);
  const acc = [0, 1, 2, 3].flatMap((r) => [0, 1].map((h) => f.local(`acc${r}${h}`, V128)));
  f.local("b0", V128); f.local("b1", V128); f.local("s", V128);
  const zero = () => f.simd(Simd.const, ...new Array<number>(16).fill(0));
  f.i32(0).set("jb");
  f.op(Op.block, Op.void).op(Op.loop, Op.void); // strips
  f.get("jb").get("nb").op(Op.i32GeS).op(Op.brIf, 1);
  f.i32(0).set("ib");
  f.op(Op.block, Op.void).op(Op.loop, Op.void); // panels
  f.get("ib").get("mb").op(Op.i32GeS).op(Op.brIf, 1);
  // pa = a + ib·k·32, pb = b + jb·k·32, cnt = k
  f.get("a").get("ib").get("k").op(Op.i32Mul).i32(32).op(Op.i32Mul).op(Op.i32Add).set("pa");
  f.get("b").get("jb").i32(16).op(Op.i32Mul).op(Op.i32Add).set("pb");
  f.get("k").set("cnt");
  for (const x of acc) zero().set(x);
  f.op(Op.loop, Op.void); // p
  f.get("pb").simdMem(Simd.load64Splat, 0).simd(Simd.f64x2PromoteLowF32x4).set("b0");
  f.get("pb").simdMem(Simd.load64Splat, 8).simd(Simd.f64x2PromoteLowF32x4).set("b1");
  for (let r = 0; r < 4; r++) {
    f.get("pa").simdMem(Simd.load64Splat, 8 * r).set("s");
    for (const h of [0, 1]) f.get(`acc${r}${h}`).get("s").get(h === 0 ? "b0" : "b1").simd(Simd.f64x2Mul).simd(Simd.f64x2Add).set(`acc${r}${h}`);
  }
  f.get("pa").i32(32).op(Op.i32Add).set("pa");
  f.get("pb").get("ldb").op(Op.i32Add).set("pb");
  f.get("cnt").i32(1).op(Op.i32Sub).tee("cnt").op(Op.brIf, 0);
  f.op(Op.end);
  // vt = v + 4·ib·ldv + 32·jb; row r at vt + r·ldv
  f.get("v").get("ib").i32(4).op(Op.i32Mul).get("ldv").op(Op.i32Mul).op(Op.i32Add).get("jb").i32(32).op(Op.i32Mul).op(Op.i32Add).set("vt");
  for (let r = 0; r < 4; r++) {
    for (const h of [0, 1]) f.get("vt").get(`acc${r}${h}`).simdMem(Simd.store, 16 * h);
    if (r < 3) f.get("vt").get("ldv").op(Op.i32Add).set("vt");
  }
  f.get("ib").i32(1).op(Op.i32Add).set("ib").op(Op.br, 0);
  f.op(Op.end).op(Op.end);
  f.get("jb").i32(1).op(Op.i32Add).set("jb").op(Op.br, 0);
  f.op(Op.end).op(Op.end);
  return f;
}

/** Calls run in WebAssembly (for tests: that the fast path ran). */
export const gradientWasmCounters = { calls: 0 };

/** (p, count) → 1 if any of the `count` binary32 values at p (count a multiple of 4) is ±Inf or NaN, else 0. */
function nonFiniteScan(): FunctionWriter {
  const f = new FunctionWriter([["p", I32], ["count", I32]], I32);
  f.local("end", I32); f.local("hit", V128); f.local("mask", V128);
  f.simd(Simd.const, ...new Array<number>(16).fill(0)).set("hit");
  f.i32(0x7f800000).simd(Simd.i32x4Splat).set("mask");
  f.get("p").get("count").i32(4).op(Op.i32Mul).op(Op.i32Add).set("end");
  f.op(Op.block, Op.void).op(Op.loop, Op.void);
  f.get("p").get("end").op(Op.i32GeU).op(Op.brIf, 1);
  // exponent bits all ones: Inf or NaN
  f.get("hit").get("p").simdMem(Simd.load, 0).get("mask").simd(Simd.and).get("mask").simd(Simd.i32x4Eq).simd(Simd.or).set("hit");
  f.get("p").i32(16).op(Op.i32Add).set("p").op(Op.br, 0);
  f.op(Op.end).op(Op.end);
  f.get("hit").simd(Simd.anyTrue);
  return f;
}

interface Instance { readonly memory: WasmMemory; readonly tiles: TileKernel; readonly nonFinite: (p: number, count: number) => number }
let wasm: Instance | undefined;

function instance(): Instance {
  if (wasm === undefined) {
    const m = new ModuleBuilder();
    m.add("tiles", tileKernel());
    m.add("non_finite", nonFiniteScan());
    const memory = new wasmApi!.Memory({ initial: 32 });
    const e = new wasmApi!.Instance(optimisedModule(m.bytes()), { env: { memory } }).exports;
    wasm = { memory, tiles: e.tiles as TileKernel, nonFinite: e.non_finite as Instance["nonFinite"] };
  }
  return wasm;
}

/**
 * The gemm's binary64 sums (before α and β) in WebAssembly: V, with element (i, j) at v[i·ld + j]; or
 * undefined when this call stays in JavaScript: WebAssembly off or missing, too little work, or a
 * non-finite value in op(B). The caller has validated the call; k ≥ 1, α ≠ 0. V is valid until the next call.
 */
export function wasmSums(call: { m: number; n: number; k: number; a: Float32Array; b: Float32Array }, l: GemmLayout): { v: Float64Array; ld: number } | undefined {
  const { m, n, k, a, b } = call;
  // Where it pays (measured, bench/cnn-gradient.ts and the MLP's batch-1 layers): rows of op(B) contiguous
  // (a transposing copy of op(B) cost more than the JavaScript dot form saves) and at least one full panel.
  if (wasmApi === undefined || !wasmEnabled() || m * n * k < WASM_MIN_WORK || m < 4 || l.sbj !== 1) return undefined;
  const mb = Math.ceil(m / 4), nb = Math.ceil(n / 4), w = 4 * nb;
  const aBytes = 32 * mb * k, bBytes = 4 * w * k, ldv = 8 * w;
  const need = aBytes + bBytes + 4 * mb * ldv;
  const { memory, tiles, nonFinite } = instance();
  if (need > memory.buffer.byteLength) memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
  const { aOff, sai, sap, bOff, sbp } = l;
  // op(B): k rows of w binary32 values (n, then zeros), scanned for ±Inf and NaN before any other work.
  const f32 = new Float32Array(memory.buffer, aBytes, w * k);
  for (let p = 0; p < k; p++) {
    const src = bOff + p * sbp;
    f32.set(b.subarray(src, src + n), p * w);
    for (let j = n; j < w; j++) f32[p * w + j] = 0;
  }
  if (nonFinite(aBytes, w * k) !== 0) return undefined;
  // op(A): panels of 4 rows, k×4 binary64 each, rows past m zero.
  const f64 = new Float64Array(memory.buffer, 0, aBytes / 8);
  for (let ib = 0; ib < mb; ib++) {
    const rows = Math.min(4, m - 4 * ib), o = 4 * ib * k, i0 = aOff + 4 * ib * sai;
    for (let r = 0; r < 4; r++) {
      if (r >= rows) { for (let p = 0; p < k; p++) f64[o + 4 * p + r] = 0; continue; }
      const src = i0 + r * sai;
      for (let p = 0; p < k; p++) f64[o + 4 * p + r] = a[src + p * sap]!;
    }
  }
  const vAt = aBytes + bBytes;
  tiles(0, aBytes, 4 * w, vAt, mb, nb, k, ldv);
  gradientWasmCounters.calls++;
  return { v: new Float64Array(memory.buffer, vAt, 4 * mb * w), ld: w };
}
