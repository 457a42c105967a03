import { arenaMemory, optimisedModule, wasmApi } from "./arena.js";
import { FunctionWriter, I32, ModuleBuilder, Op, Simd, V128 } from "./module-builder.js";

/*
 * Whether a call's products all lie on the grid of 2^-179, the condition under which the fused kernels'
 * cheaper `grid` midpoint test is exact (chain-kernel.ts: every exact sum below 2^-126 is then a binary64
 * value). A nonzero binary32 x with biased exponent field e is a multiple of 2^(max(e, 1) − 150), so
 * every product a·b is a multiple of 2^-179 when max(eA, 1) + max(eB, 1) ≥ 121 for the least exponents
 * eA, eB of A's and B's nonzero values (products of magnitudes above about 2^-133: any trained network's
 * weights and activations). The least exponent is that of the least nonzero magnitude, found with a SIMD
 * scan of the panel in the kernels' memory (the minimum of |bits| − 1 as unsigned, so zeros count as the
 * largest), about a quarter of a cycle per value.
 */

let scanFn: ((ptr: number, count4: number) => number) | undefined;

function scanKernel(): (ptr: number, count4: number) => number {
  if (scanFn !== undefined) return scanFn;
  // (ptr, count4): min over count4 vectors from byte ptr of (bits & 0x7fffffff) − 1, unsigned; four
  // vectors a turn into four minima (the loop's own instructions and the min chain's latency shared), then the rest.
  const f = new FunctionWriter([["ptr", I32], ["n", I32]], I32);
  f.local("end", I32); f.local("end4", I32); f.local("abs", V128); f.local("one", V128);
  for (let j = 0; j < 4; j++) f.local(`mn${j}`, V128);
  f.get("ptr").get("n").i32(16).op(Op.i32Mul).op(Op.i32Add).set("end");
  f.get("ptr").get("n").i32(-4).op(Op.i32And).i32(16).op(Op.i32Mul).op(Op.i32Add).set("end4");
  f.i32(-1).simd(Simd.i32x4Splat).set("mn0");
  for (let j = 1; j < 4; j++) f.get("mn0").set(`mn${j}`);
  f.i32(0x7fffffff).simd(Simd.i32x4Splat).set("abs");
  f.i32(1).simd(Simd.i32x4Splat).set("one");
  const step = (j: number, off: number) => f.get(`mn${j}`).get("ptr").simdMem(Simd.load, off).get("abs").simd(Simd.and).get("one").simd(Simd.i32x4Sub).simd(Simd.i32x4MinU).set(`mn${j}`);
  f.op(Op.block, Op.void).op(Op.loop, Op.void);
  f.get("ptr").get("end4").op(Op.i32GeU).op(Op.brIf, 1);
  for (let j = 0; j < 4; j++) step(j, 16 * j);
  f.get("ptr").i32(64).op(Op.i32Add).set("ptr").op(Op.br, 0);
  f.op(Op.end, Op.end);
  f.op(Op.block, Op.void).op(Op.loop, Op.void);
  f.get("ptr").get("end").op(Op.i32GeU).op(Op.brIf, 1);
  step(0, 0);
  f.get("ptr").i32(16).op(Op.i32Add).set("ptr").op(Op.br, 0);
  f.op(Op.end, Op.end);
  f.get("mn0").get("mn1").simd(Simd.i32x4MinU).get("mn2").get("mn3").simd(Simd.i32x4MinU).simd(Simd.i32x4MinU).set("mn0");
  const mn = "mn0";
  const lanes = (l: number[]) => l.flatMap((x) => [4 * x, 4 * x + 1, 4 * x + 2, 4 * x + 3]);
  f.get(mn).get(mn).get(mn).simd(Simd.shuffle, ...lanes([2, 3, 2, 3])).simd(Simd.i32x4MinU).set(mn);
  f.get(mn).get(mn).get(mn).simd(Simd.shuffle, ...lanes([1, 1, 1, 1])).simd(Simd.i32x4MinU).simd(Simd.i32x4ExtractLane, 0);
  const m = new ModuleBuilder();
  m.add("scan", f);
  const bytes = m.bytes();
  if (wasmApi === undefined || !wasmApi.validate(bytes)) throw new Error("grid scan: the emitted module does not validate");
  const instance = new wasmApi.Instance(optimisedModule(bytes), { env: { memory: arenaMemory() } });
  scanFn = instance.exports["scan"] as (ptr: number, count4: number) => number;
  return scanFn;
}

/**
 * The least exponent field among the nonzero values of f32[from, from + count) (a view of the kernels'
 * memory), or 255 when all are zero (no product then constrains the grid). NaN and ±∞ count as 255.
 */
export function leastExponent(f32: Float32Array, from: number, count: number): number {
  const u32 = new Uint32Array(f32.buffer, f32.byteOffset, f32.length);
  let mn = 0xffffffff, i = from;
  const head = Math.min(from + count, (from + 3) & ~3); // to a 16-byte boundary
  for (; i < head; i++) mn = Math.min(mn, ((u32[i]! & 0x7fffffff) - 1) >>> 0);
  const vecs = (from + count - i) >> 2;
  if (vecs > 0) { mn = Math.min(mn, scanKernel()(f32.byteOffset + 4 * i, vecs) >>> 0); i += 4 * vecs; }
  for (; i < from + count; i++) mn = Math.min(mn, ((u32[i]! & 0x7fffffff) - 1) >>> 0);
  return mn === 0xffffffff ? 255 : Math.min(255, (mn + 1) >>> 23);
}

/** Whether every product of a value with least exponent field eA and one with eB is a multiple of 2^-179 (see above). */
export function productsOnGrid(eA: number, eB: number): boolean {
  return Math.max(eA, 1) + Math.max(eB, 1) >= 121;
}
