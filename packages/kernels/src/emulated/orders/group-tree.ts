import { chain } from "./chain.js";
import { scratch } from "./scratch.js";
import type { Order } from "./order.js";

const fround = Math.fround;

/**
 * `group-tree`: k in groups of `group`; each group folds its products fl(a·b) into the running value
 * by a fixed tree, `tree` in postfix: `c` the running value, `0`…`group−1` the group's products, `+` one
 * rounded addition of the top two; the len mod group rest multiplies then adds in order. (What gcc's
 * reassociation, under -funsafe-math-optimizations, makes of BLIS's reference axpyf
 * y[i] += Σ_j a(i,j)·χ_j; a vector loop, its epilogue and the scalar rows each get their own tree.)
 * With `wide`, a group's additions are binary64 and only its result is rounded to binary32 (a `double`
 * accumulator over binary32 products, as in bli_saxpyf_zen_int_5's scalar rows).
 */
export interface GroupTreeAccumulation { readonly kind: "group-tree"; readonly group: number; readonly tree: string; readonly wide?: boolean }

const compiledTrees = new Map<string, Int32Array>();
/** A group tree in postfix as codes: −1 the running value, −2 an addition, i ≥ 0 product i. */
function compileTree(tree: string, group: number): Int32Array {
  let code = compiledTrees.get(tree);
  if (code !== undefined) return code;
  const tokens = tree.trim().split(/\s+/);
  code = Int32Array.from(tokens, (t) => (t === "c" ? -1 : t === "+" ? -2 : Number(t)));
  let depth = 0;
  const seen = new Set<number>();
  for (const op of code) {
    if (op === -2) depth--;
    else depth++;
    if (op >= 0) {
      if (!(op < group) || seen.has(op)) throw new Error(`group tree "${tree}": product ${op} out of range or repeated`);
      seen.add(op);
    }
    if (depth < 1) throw new Error(`group tree "${tree}" is not a postfix sum`);
  }
  if (depth !== 1 || seen.size !== group || !code.includes(-1)) throw new Error(`group tree "${tree}" must sum c and products 0..${group - 1} once each`);
  compiledTrees.set(tree, code);
  return code;
}

/** The `group-tree` accumulation (see Accumulation). */
function groupTree(a: Float32Array, ai: number, b: Float32Array, bi: number, len: number, group: number, tree: string, wide: boolean, init: number): number {
  const code = compileTree(tree, group);
  const stack = scratch(code.length);
  const body = len - (len % group);
  let s = init;
  for (let t = 0; t < body; t += group) {
    let sp = 0;
    for (const op of code) {
      if (op === -1) stack[sp++] = s;
      else if (op === -2) { sp--; stack[sp - 1] = wide ? stack[sp - 1]! + stack[sp]! : fround(stack[sp - 1]! + stack[sp]!); }
      else stack[sp++] = fround(a[ai + t + op]! * b[bi + t + op]!);
    }
    s = wide ? fround(stack[0]!) : stack[0]!;
  }
  return chain(a, ai + body, b, bi + body, len - body, false, s);
}

/** The `group-tree` order. */
export const groupTreeOrder: Order<GroupTreeAccumulation> = {
  sum: (a, ai, b, bi, len, acc, init) => groupTree(a, ai, b, bi, len, acc.group, acc.tree, acc.wide === true, init),
};
