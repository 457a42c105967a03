import { wasmApi } from "./arena.js";
import { FunctionWriter, I32, ModuleBuilder, Op, Simd, V128 } from "./module-builder.js";

/*
 * The `chain` order (orders/chain.ts) as WebAssembly SIMD: element (r, c) of a rows×cols block sums
 * a[r·lda + t]·b[c·ldb + t] for t = 0, 1, … < len into its own register, one step per t, exactly as
 * the order's definition; the vector lanes hold four independent rows (never four k), so each lane's
 * arithmetic is that element's chain and nothing else.
 *
 * - multiply-then-add: s := fl(s + fl(a·b)) by f32x4.mul and f32x4.add (binary32 operations, rounded to
 *   nearest even, subnormals kept: the same two roundings as the JavaScript form).
 * - fused: s := RN32(a·b + s) through binary64: f64x2.mul of two binary32 values is exact, f64x2.add
 *   rounds once, f32x4.demote_f64x2_zero rounds to binary32. That double rounding is RN32(a·b + s) except
 *   where the binary64 sum u is a binary32 midpoint (see fused-steps.ts): every such u has its 28 lowest
 *   significand bits zero and differs from RN32(u). Each lane tests that at every step; the kernel ORs the
 *   tests over the whole block and, if any lane was hit, stores nothing and returns 1, and the caller
 *   computes that block by the exact JavaScript path from the same (untouched) starting values.
 * - fused, `grid` variant: a cheaper exact test where it holds. For |u| ≥ 2^-126 (binary32's normal range
 *   and above), u is a binary32 midpoint iff its 29 low fraction bits are exactly 1 << 28 (binary64 keeps
 *   52 fraction bits, binary32 23), and those bits all lie in u's low 32-bit word: one shuffle gathers four
 *   lanes' low words, and i32x4 and/eq/or test them together (4 instructions per 4 lanes instead of 10).
 *   Below 2^-126 that pattern says nothing (binary32's spacing is the fixed 2^-149 there), so the grid
 *   kernel runs only on calls whose products a·b are all multiples of 2^-179 (operands.ts scans the
 *   panels' least exponents, grid-scan.ts): the starting values are binary32 values, multiples of 2^-149,
 *   so every exact sum a·b + s is a multiple of 2^-179, and one below 2^-126 in magnitude is then m·2^-179
 *   with |m| < 2^53, which binary64 holds exactly: u is the exact sum and its one rounding to binary32 is
 *   the fused step's. A sum at or above 2^-126 rounds (monotonically) to a u at or above 2^-126, where the
 *   bit pattern is exact. (With products on 2^-180 only, a sum in [2^-127, 2^-126) can sit 2^-180 above a
 *   binary32 midpoint and tie in binary64 onto it: the test file constructs one.) NaN, which the general
 *   test flags, is checked once per block at the end (a lane that was ever NaN still is).
 *
 * The A rows are k-contiguous (the packed panel as the five loops hold it): four rows' next four values
 * are loaded as four vectors and transposed in registers into four vectors of four rows each. Lanes past
 * the block's last row repeat that row (loads stay inside the panel, and a fused kernel's extra lanes
 * only repeat a real lane's tests); they are never stored.
 *
 * Signature (all byte addresses and byte strides in the shared memory):
 *   (a, lda, b, ldb, len, v, ldv) → i32   v holds the block's binary64 starting values, column c at v + c·ldv.
 */

/** Lane indices (i32 lanes of two inputs, 0..7) to i8x16.shuffle's byte immediates. */
function lanes32(l: readonly number[]): number[] {
  return l.flatMap((x) => [4 * x, 4 * x + 1, 4 * x + 2, 4 * x + 3]);
}

/**
 * Which per-element order a kernel runs: `chain` (unroll 0), or `interleaved` with two registers and an
 * unroll that is a multiple of 4 (orders/interleaved.ts): over body = len − len mod unroll, even t into
 * register 0 (which starts at v), odd t into register 1 (from +0); the rest t ≥ body into register 0;
 * then the element is fl(r0 + r1).
 */
export interface KernelOrder { readonly fused: boolean; readonly pairUnroll: number }

/** The export name of a kernel. */
export function chainKernelName(fused: boolean, rows: number, cols: number, pairUnroll = 0, grid = false): string {
  return `${pairUnroll === 0 ? "chain" : `pair${pairUnroll}`}_${fused ? (grid ? "fmagrid" : "fma") : "muladd"}_${rows}x${cols}`;
}

/**
 * Writes one kernel for a rows×cols block (rows ≥ 1, cols ≥ 1) of `chain` or, with pairUnroll > 0,
 * two-register `interleaved`. `grid` (fused only) selects the cheaper midpoint test, exact only where every
 * product a·b of the call is a multiple of 2^-179 (see the file comment and operands.ts's scan).
 */
export function chainKernel(fused: boolean, rows: number, cols: number, pairUnroll = 0, grid = false): FunctionWriter {
  if (!(Number.isInteger(rows) && rows >= 1 && rows <= 32 && Number.isInteger(cols) && cols >= 1 && cols <= 16)) {
    throw new Error(`chain kernel: ${rows}×${cols} block, expected 1..32 rows and 1..16 columns`);
  }
  if (!(Number.isInteger(pairUnroll) && pairUnroll >= 0 && pairUnroll % 4 === 0 && pairUnroll <= 64)) {
    throw new Error(`chain kernel: pair unroll ${pairUnroll}, expected 0 (a chain) or a multiple of 4 up to 64`);
  }
  const sets = pairUnroll === 0 ? [0] : [0, 1];
  const f = new FunctionWriter([["a", I32], ["lda", I32], ["b", I32], ["ldb", I32], ["len", I32], ["v", I32], ["ldv", I32]], I32);
  const groups = Math.ceil(rows / 4);
  const G = [...Array(groups).keys()], C = [...Array(cols).keys()], J = [0, 1, 2, 3];
  const lanesIn = (g: number) => Math.min(4, rows - 4 * g);
  const rowPtr = (i: number) => `rp${Math.min(i, rows - 1)}`;
  for (let i = 0; i < rows; i++) f.local(`rp${i}`, I32);
  for (const c of C) { f.local(`cp${c}`, I32); f.local(`vp${c}`, I32); }
  f.local("t", I32); f.local("end4", I32); f.local("endAll", I32);
  for (const n of ["x0", "x1", "x2", "x3", "q0", "q1", "q2", "q3", "y0", "y1", "y2", "y3"]) f.local(n, V128);
  // Register (g, c[, h]) of set k: group g's rows (pair h of them when fused) in column c.
  const acc = (g: number, c: number, h = 0, k = 0) => fused ? `acc${g}_${c}_${h}_${k}` : `acc${g}_${c}_${k}`;
  for (const k of sets) for (const g of G) for (const c of C) {
    f.local(acc(g, c, 0, k), V128);
    if (fused) f.local(acc(g, c, 1, k), V128);
  }
  if (fused) for (const n of ["p0", "p1", "bs", "u", "u1", "flag", "mask", "zero"]) f.local(n, V128);

  // Pointers: rows of A, columns of B and of v.
  for (let i = 0; i < rows; i++) f.get("a").get("lda").i32(i).op(Op.i32Mul).op(Op.i32Add).set(`rp${i}`);
  for (const c of C) {
    f.get("b").get("ldb").i32(c).op(Op.i32Mul).op(Op.i32Add).set(`cp${c}`);
    f.get("v").get("ldv").i32(c).op(Op.i32Mul).op(Op.i32Add).set(`vp${c}`);
  }
  // The main loop's end: len rounded down to 4 (a chain) or to the unroll (the pair's body).
  if (pairUnroll === 0) f.get("len").i32(-4).op(Op.i32And).i32(4).op(Op.i32Mul).set("end4");
  else f.get("len").get("len").i32(pairUnroll).op(0x70 /* i32.rem_u */).op(Op.i32Sub).i32(4).op(Op.i32Mul).set("end4");
  f.get("len").i32(4).op(Op.i32Mul).set("endAll");
  if (fused && !grid) {
    // mask: the 28 low significand bits of each binary64 lane; zero: +0 bits.
    f.simd(Simd.const, ...[0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x0f, 0, 0, 0, 0]).set("mask");
    f.simd(Simd.const, ...new Array<number>(16).fill(0)).set("zero");
  } else if (fused) {
    // mask: the 29 low fraction bits of a binary64 (all in its low 32-bit word), per i32 lane; zero: here
    // the midpoint pattern 1 << 28 in those bits.
    f.simd(Simd.const, ...[0, 1, 2, 3].flatMap(() => [0xff, 0xff, 0xff, 0x1f])).set("mask");
    f.simd(Simd.const, ...[0, 1, 2, 3].flatMap(() => [0, 0, 0, 0x10])).set("zero");
  }
  if (fused) f.simd(Simd.const, ...new Array<number>(16).fill(0)).set("flag");

  // Starting values from v (binary64 holding binary32 values).
  for (const g of G) for (const c of C) {
    const n = lanesIn(g), off = 32 * g, vp = `vp${c}`;
    if (!fused) {
      if (n === 4) {
        f.get(vp).simdMem(Simd.load, off).simd(Simd.f32x4DemoteF64x2Zero);
        f.get(vp).simdMem(Simd.load, off + 16).simd(Simd.f32x4DemoteF64x2Zero);
        f.simd(Simd.shuffle, ...lanes32([0, 1, 4, 5])).set(acc(g, c));
      } else {
        f.get(vp).mem(Op.f64Load, off).op(Op.f32DemoteF64).simd(Simd.f32x4Splat);
        for (let l = 1; l < n; l++) f.get(vp).mem(Op.f64Load, off + 8 * l).op(Op.f32DemoteF64).simd(Simd.f32x4ReplaceLane, l);
        f.set(acc(g, c));
      }
    } else {
      // Pair h holds rows 2h, 2h + 1 of the group; a missing row repeats the last real one.
      for (const h of [0, 1]) {
        const first = 2 * h, last = Math.min(2 * h + 1, n - 1);
        if (first <= n - 1 && last === first + 1) f.get(vp).simdMem(Simd.load, off + 16 * h);
        else f.get(vp).mem(Op.f64Load, off + 8 * Math.min(first, n - 1)).simd(0x14 /* f64x2.splat */);
        f.set(acc(g, c, h));
      }
    }
  }

  // The second register of a pair starts at +0.
  if (sets.length === 2) {
    for (const g of G) for (const c of C) for (const h of fused ? [0, 1] : [0]) f.simd(Simd.const, ...new Array<number>(16).fill(0)).set(acc(g, c, h, 1));
  }

  // One step of every element of group g, column c, with the group's rows in `y` (f32x4) at b's byte offset `boff` from t.
  const mulAddStep = (g: number, c: number, y: string, boff: number, k: number) => {
    f.get(acc(g, c, 0, k)).get(y).get(`cp${c}`).get("t").op(Op.i32Add).simdMem(Simd.load32Splat, boff)
      .simd(Simd.f32x4Mul).simd(Simd.f32x4Add).set(acc(g, c, 0, k));
  };
  const fusedPrepare = (y: string) => {
    f.get(y).simd(Simd.f64x2PromoteLowF32x4).set("p0");
    f.get(y).get(y).simd(Simd.shuffle, ...lanes32([2, 3, 2, 3])).simd(Simd.f64x2PromoteLowF32x4).set("p1");
  };
  const fusedStep = (g: number, c: number, boff: number, k: number) => {
    f.get(`cp${c}`).get("t").op(Op.i32Add).simdMem(Simd.load32Splat, boff).simd(Simd.f64x2PromoteLowF32x4).set("bs");
    for (const h of [0, 1]) {
      const s = acc(g, c, h, k), u = grid && h === 1 ? "u1" : "u";
      f.get(h === 0 ? "p0" : "p1").get("bs").simd(Simd.f64x2Mul).get(s).simd(Simd.f64x2Add).set(u);
      f.get(u).simd(Simd.f32x4DemoteF64x2Zero).simd(Simd.f64x2PromoteLowF32x4).set(s);
      // general: flag |= (u's 28 low bits are zero) & (u ≠ RN32(u))
      if (!grid) {
        f.get("flag").get("u").get("mask").simd(Simd.and).get("zero").simd(Simd.i64x2Eq)
          .get("u").get(s).simd(Simd.f64x2Ne).simd(Simd.and).simd(Simd.or).set("flag");
      }
    }
    // grid: the four lanes' low words side by side; flag |= (low 29 bits = 1 << 28)
    if (grid) {
      f.get("flag").get("u").get("u1").simd(Simd.shuffle, ...lanes32([0, 2, 4, 6])).get("mask").simd(Simd.and)
        .get("zero").simd(Simd.i32x4Eq).simd(Simd.or).set("flag");
    }
  };

  // Main loop: four k at a time, A transposed in registers.
  f.i32(0).set("t");
  f.op(Op.block, Op.void).op(Op.loop, Op.void);
  f.get("t").get("end4").op(Op.i32GeS).op(Op.brIf, 1);
  for (const g of G) {
    for (const i of J) f.get(rowPtr(4 * g + i)).get("t").op(Op.i32Add).simdMem(Simd.load, 0).set(`x${i}`);
    f.get("x0").get("x1").simd(Simd.shuffle, ...lanes32([0, 4, 1, 5])).set("q0");
    f.get("x0").get("x1").simd(Simd.shuffle, ...lanes32([2, 6, 3, 7])).set("q1");
    f.get("x2").get("x3").simd(Simd.shuffle, ...lanes32([0, 4, 1, 5])).set("q2");
    f.get("x2").get("x3").simd(Simd.shuffle, ...lanes32([2, 6, 3, 7])).set("q3");
    f.get("q0").get("q2").simd(Simd.shuffle, ...lanes32([0, 1, 4, 5])).set("y0");
    f.get("q0").get("q2").simd(Simd.shuffle, ...lanes32([2, 3, 6, 7])).set("y1");
    f.get("q1").get("q3").simd(Simd.shuffle, ...lanes32([0, 1, 4, 5])).set("y2");
    f.get("q1").get("q3").simd(Simd.shuffle, ...lanes32([2, 3, 6, 7])).set("y3");
    for (const j of J) {
      const k = sets.length === 2 ? j % 2 : 0; // a pair: even t (j = 0, 2) in register 0, odd in register 1
      if (fused) { fusedPrepare(`y${j}`); for (const c of C) fusedStep(g, c, 4 * j, k); }
      else for (const c of C) mulAddStep(g, c, `y${j}`, 4 * j, k);
    }
  }
  f.get("t").i32(16).op(Op.i32Add).set("t").op(Op.br, 0);
  f.op(Op.end, Op.end);

  // The len mod 4 rest, one k at a time, the group's rows gathered lane by lane.
  f.op(Op.block, Op.void).op(Op.loop, Op.void);
  f.get("t").get("endAll").op(Op.i32GeS).op(Op.brIf, 1);
  for (const g of G) {
    f.get(rowPtr(4 * g)).get("t").op(Op.i32Add).mem(Op.f32Load, 0).simd(Simd.f32x4Splat);
    for (let l = 1; l < 4; l++) f.get(rowPtr(4 * g + l)).get("t").op(Op.i32Add).mem(Op.f32Load, 0).simd(Simd.f32x4ReplaceLane, l);
    f.set("y0");
    if (fused) { fusedPrepare("y0"); for (const c of C) fusedStep(g, c, 0, 0); }
    else for (const c of C) mulAddStep(g, c, "y0", 0, 0);
  }
  f.get("t").i32(4).op(Op.i32Add).set("t").op(Op.br, 0);
  f.op(Op.end, Op.end);

  // grid: a lane that ever held NaN holds it at the end (NaN is sticky); the general test flagged every
  // NaN sum, so the grid kernel refuses such blocks too and NaN's bits stay the JavaScript path's.
  if (fused && grid) for (const k of sets) for (const g of G) for (const c of C) for (const h of [0, 1]) {
    f.get("flag").get(acc(g, c, h, k)).get(acc(g, c, h, k)).simd(Simd.f64x2Ne).simd(Simd.or).set("flag");
  }
  if (fused) f.get("flag").simd(Simd.anyTrue).op(Op.if, Op.void).i32(1).op(Op.return).op(Op.end);

  // A pair's element is fl(r0 + r1): f32x4.add, or (fused) the binary64 sum of two binary32 values rounded
  // to binary32 (RN32(RN64(x + y)) = RN32(x + y): binary64 has more than 2·24 + 2 bits).
  if (sets.length === 2) for (const g of G) for (const c of C) {
    if (!fused) f.get(acc(g, c, 0, 0)).get(acc(g, c, 0, 1)).simd(Simd.f32x4Add).set(acc(g, c, 0, 0));
    else for (const h of [0, 1]) {
      f.get(acc(g, c, h, 0)).get(acc(g, c, h, 1)).simd(Simd.f64x2Add).simd(Simd.f32x4DemoteF64x2Zero).simd(Simd.f64x2PromoteLowF32x4).set(acc(g, c, h, 0));
    }
  }

  // Stores: each real row's value back to v as binary64.
  for (const g of G) for (const c of C) {
    const n = lanesIn(g), off = 32 * g, vp = `vp${c}`;
    if (!fused) {
      if (n === 4) {
        f.get(vp).get(acc(g, c)).simd(Simd.f64x2PromoteLowF32x4).simdMem(Simd.store, off);
        f.get(vp).get(acc(g, c)).get(acc(g, c)).simd(Simd.shuffle, ...lanes32([2, 3, 2, 3])).simd(Simd.f64x2PromoteLowF32x4).simdMem(Simd.store, off + 16);
      } else {
        for (let l = 0; l < n; l++) f.get(vp).get(acc(g, c)).simd(Simd.f32x4ExtractLane, l).op(0xbb /* f64.promote_f32 */).mem(Op.f64Store, off + 8 * l);
      }
    } else {
      for (let l = 0; l < n; l++) {
        if (l % 2 === 0 && l + 1 < n) { f.get(vp).get(acc(g, c, l >> 1)).simdMem(Simd.store, off + 8 * l); l++; continue; }
        f.get(vp).get(acc(g, c, l >> 1)).simd(Simd.f64x2ExtractLane, l & 1).mem(Op.f64Store, off + 8 * l);
      }
    }
  }
  f.i32(0);
  return f;
}

/** A module holding one kernel, its bytes validated. */
export function chainKernelModule(fused: boolean, rows: number, cols: number, pairUnroll = 0, grid = false): Uint8Array {
  const m = new ModuleBuilder();
  const name = chainKernelName(fused, rows, cols, pairUnroll, grid);
  m.add(name, chainKernel(fused, rows, cols, pairUnroll, grid));
  const bytes = m.bytes();
  if (wasmApi === undefined || !wasmApi.validate(bytes)) throw new Error(`chain kernel ${name}: the emitted module does not validate`);
  return bytes;
}

