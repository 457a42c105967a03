import { fma32 } from "../fp32/fma.js";
import { SPLIT25 } from "./fused-steps.js";

/*
 * The one place the exact-FMA midpoint exit is written. A fused kernel is declared as data (its
 * registers, the expressions of each step's factors and addend, how the rounded value is kept) and this
 * file emits its two halves as JavaScript source, compiled once with new Function:
 * - a call-free fast loop that takes each step as RN32(RN64(x·y + c)) and leaves, its registers written
 *   back, at the first step whose binary64 sum may be a binary32 midpoint (the test of fused-steps.ts:
 *   u equals its Veltkamp split to 25 bits and u ≠ RN32(u));
 * - a slow step that finishes that iteration from the exiting step on with fma32, out of line;
 * and a driver that alternates them. So every fused kernel is bit-identical to its plain fma32 loop by
 * construction, and its speed is that of the hand-written forms it replaces (the same code, emitted).
 */

/** One fused step: r = RN32(x·y + c), then `keep` (a statement naming r) stores it. */
export interface FusedStep {
  /** JavaScript expressions of the binary32 factors and addend (they may read registers and `t`). */
  readonly x: string;
  readonly y: string;
  readonly c: string;
  /** The statement that keeps the rounded result `r`, e.g. `c00 = r` or `l0 = fround(l0 + r)`. */
  readonly keep: string;
}

/** A fused kernel over t = start, start + stride, … < end, as data. */
export interface FusedLoopSpec {
  /** Its name in stack traces. */
  readonly name: string;
  /** The driver's parameters (never t, u, p, r, j, m, q: the emitted code's own names). */
  readonly params: readonly string[];
  /** Expressions of the loop's first t, its bound and its stride (may use params). */
  readonly start?: string;
  readonly end: string;
  readonly stride: string;
  /** Statements before the loop (constants from params). */
  readonly setup?: string;
  /** Registers: a local name and its home (an assignable expression) it is loaded from and stored to. */
  readonly registers: readonly { readonly name: string; readonly home: string }[];
  /** Statements at the top of each iteration (shared loads). */
  readonly head?: string;
  /** The steps of one iteration, in order. */
  readonly steps: readonly FusedStep[];
}

const MAX_STEPS = 64;

/** JavaScript source of the three functions; exported for the tests that read it. */
export function fusedLoopSource(spec: FusedLoopSpec): string {
  if (spec.steps.length === 0 || spec.steps.length > MAX_STEPS) throw new Error(`fused loop ${spec.name}: ${spec.steps.length} steps, expected 1..${MAX_STEPS}`);
  const reserved = ["t", "u", "p", "r", "j", "m", "q", "fround", "fma32", "SPLIT25"];
  for (const n of [...spec.params, ...spec.registers.map((g) => g.name)]) {
    if (reserved.includes(n)) throw new Error(`fused loop ${spec.name}: the name "${n}" is the emitted code's own; rename it`);
  }
  const P = spec.params.join(", ");
  const load = spec.registers.map((g) => `${g.name} = ${g.home}`).join(", ");
  const store = spec.registers.map((g) => `${g.home} = ${g.name};`).join(" ");
  const setup = spec.setup ?? "", head = spec.head ?? "";
  const fast = spec.steps.map((s, j) =>
    `u = ${s.x} * ${s.y} + ${s.c}; p = u * SPLIT25; r = fround(u); m = r !== u; if (p - (p - u) === u && m) { j = ${j}; break loop; } ${s.keep};`).join("\n    ");
  const slow = spec.steps.map((s, j) => `if (j <= ${j}) { r = fma32(${s.x}, ${s.y}, ${s.c}); ${s.keep}; }`).join("\n  ");
  return `
function fast_${spec.name}(${P}, t) {
  let u = 0, p = 0, r = 0, j = 0, m = false;
  ${setup}
  let ${load};
  loop: for (; t < ${spec.end}; t += ${spec.stride}) {
    ${head}
    ${fast}
  }
  ${store}
  return t * ${MAX_STEPS} + j;
}
function slow_${spec.name}(${P}, t, j) {
  let r = 0;
  ${setup}
  let ${load};
  ${head}
  ${slow}
  ${store}
}
return function ${spec.name}(${P}) {
  const end = ${spec.end};
  for (let t = ${spec.start ?? "0"}; ;) {
    const q = fast_${spec.name}(${P}, t);
    t = Math.floor(q / ${MAX_STEPS});
    if (t >= end) return;
    slow_${spec.name}(${P}, t, q - t * ${MAX_STEPS});
    t += ${spec.stride};
  }
};`;
}

/**
 * Source of the plain form: every step of every iteration by the slow step (fma32), no fast loop. The
 * property tests hold the emitted kernel bit-identical to it.
 */
export function fusedLoopReferenceSource(spec: FusedLoopSpec): string {
  const src = fusedLoopSource(spec);
  const driver = src.indexOf("return function ");
  return `${src.slice(0, driver)}return function ${spec.name}Reference(${spec.params.join(", ")}) {
  for (let t = ${spec.start ?? "0"}; t < ${spec.end}; t += ${spec.stride}) slow_${spec.name}(${spec.params.join(", ")}, t, 0);
};`;
}

/** Compiles a fused kernel: a function of spec.params that runs the loop, exactly as fma32 at every step. */
export function compileFusedLoop<F extends (...args: never[]) => void>(spec: FusedLoopSpec): F & { readonly spec: FusedLoopSpec } {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const f = new Function("fround", "fma32", "SPLIT25", fusedLoopSource(spec))(Math.fround, fma32, SPLIT25) as F;
  return Object.assign(f, { spec });
}

/**
 * Compiles the plain form of a fused kernel (fusedLoopReferenceSource): slow, for tests. `fma` is its
 * step (fma32; a test may pass the naive fround(x·y + c) to show that its inputs are hard).
 */
export function compileFusedLoopReference<F extends (...args: never[]) => void>(spec: FusedLoopSpec, fma: (x: number, y: number, c: number) => number = fma32): F {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function("fround", "fma32", "SPLIT25", fusedLoopReferenceSource(spec))(Math.fround, fma, SPLIT25) as F;
}

/**
 * Source of the multiply-then-add form of the same declaration: every step r = fl(c + fl(x·y)) (two
 * binary32 roundings, exact in JavaScript: x·y of binary32 values is exact in binary64 and the sum of
 * two binary32 values rounds the same through binary64), no exit needed.
 */
export function mulAddLoopSource(spec: FusedLoopSpec): string {
  const P = spec.params.join(", ");
  const load = spec.registers.map((g) => `${g.name} = ${g.home}`).join(", ");
  const store = spec.registers.map((g) => `${g.home} = ${g.name};`).join(" ");
  const steps = spec.steps.map((s) => `r = fround(${s.c} + fround(${s.x} * ${s.y})); ${s.keep};`).join("\n    ");
  return `
return function ${spec.name}MulAdd(${P}) {
  let r = 0;
  ${spec.setup ?? ""}
  let ${load};
  for (let t = ${spec.start ?? "0"}; t < ${spec.end}; t += ${spec.stride}) {
    ${spec.head ?? ""}
    ${steps}
  }
  ${store}
};`;
}

/** Compiles the multiply-then-add form of a declaration (mulAddLoopSource). */
export function compileMulAddLoop<F extends (...args: never[]) => void>(spec: FusedLoopSpec): F & { readonly spec: FusedLoopSpec } {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const f = new Function("fround", mulAddLoopSource(spec))(Math.fround) as F;
  return Object.assign(f, { spec });
}

/** `count` registers named prefix0.., homes from `home(i)`. */
export function registers(prefix: string, count: number, home: (i: number) => string): { name: string; home: string }[] {
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i}`, home: home(i) }));
}
