import type { DotCall, GemmCall, GemvCall, Kernel, KernelInfo } from "../kernel.js";
import { validateDot, validateGemm, validateGemv } from "../validate.js";
import { fma32 } from "../fp32/fma.js";
import { addExact, roundToF32, toDyadic } from "../fp32/exact.js";
import { decodeTree, isLeaf, postOrder, type SumTree } from "./tree.js";
import type { ProbeProfile } from "./probe.js";

const fround = Math.fround;
// A compiled tree: post-order instructions over a value stack.
const LEAF = 0, FMA = 1, ADD = 2, EXACT = 3;

/**
 * Post-order instructions for a tree, emitted without recursion (a 4096-term chain is 4096 deep).
 * A fused leaf child emits nothing itself: its parent emits FMA(leaf) on top of the sibling's value.
 */
function compile(t: SumTree): Int32Array {
  const code: number[] = [];
  const fusedLeaf = new Set<SumTree>();
  postOrder<void>(t, (n) => {
    if (isLeaf(n)) {
      if (!fusedLeaf.has(n)) code.push(LEAF, n.leaf);
      return;
    }
    const f = n.fused ?? [];
    const fusedChild = n.children.length === 2 ? (f[1] ? 1 : f[0] ? 0 : -1) : -1;
    if (fusedChild >= 0) code.push(FMA, (n.children[fusedChild] as { leaf: number }).leaf);
    else code.push(n.children.length === 2 ? ADD : EXACT, n.children.length);
  }, (n) => {
    // before a node's children are visited: note which leaf child is fused
    if (!isLeaf(n) && n.children.length === 2 && n.fused) {
      const i = n.fused[1] ? 1 : n.fused[0] ? 0 : -1;
      if (i >= 0) fusedLeaf.add(n.children[i]!);
    }
  });
  return Int32Array.from(code);
}

/**
 * A kernel that replays a probe profile: each output element's tree, evaluated in binary32 (products
 * rounded unless fused, fused leaves through a correctly rounded FMA, multi-way nodes summed exactly
 * and rounded once). It answers only the call that was probed (op, shape, transposes, α = 1, the
 * probed β): anything else is an error that says which profile to make. "Probe where the library
 * is, emulate everywhere."
 */
export function treeKernel(profile: ProbeProfile): Kernel {
  const { op, shape } = profile;
  if (profile.groups.some((g) => g.accumulatorBits !== null && g.accumulatorBits !== 24)) {
    throw new Error(`treeKernel(${profile.kernel.id}): profile has an accumulator of ${profile.groups.map((g) => g.accumulatorBits).join("/")} bits; only binary32 (24) trees are replayed`);
  }
  const programs = profile.groups.map((g) => compile(decodeTree(g.tree)));
  const programOf = new Int32Array(shape.m * shape.n).fill(-1);
  profile.groups.forEach((g, gi) => g.elements.forEach((e) => (programOf[e] = gi)));
  const info: KernelInfo = {
    id: `probed-${profile.kernel.id}-${op}-${shape.m}x${shape.n}x${shape.k}${shape.transA ? "-ta" : ""}${shape.transB ? "-tb" : ""}-b${shape.beta}`,
    kind: "emulated", library: profile.kernel.library, version: profile.kernel.version,
    variant: `${profile.kernel.variant} (probed)`, threads: 1,
    description: `replays the summation trees probed from ${profile.kernel.id} for ${op} ${shape.m}x${shape.n}x${shape.k}`,
  };
  const stack = new Float64Array(shape.k + 2);
  const run = (code: Int32Array, term: (p: number) => [number, number], c: number): number => {
    let sp = 0;
    for (let pc = 0; pc < code.length; pc += 2) {
      const opc = code[pc]!, arg = code[pc + 1]!;
      if (opc === LEAF) {
        if (arg === shape.k) stack[sp++] = c;
        else { const [a, b] = term(arg); stack[sp++] = fround(a * b); }
      } else if (opc === FMA) {
        const [a, b] = term(arg);
        stack[sp - 1] = fma32(a, b, stack[sp - 1]!);
      } else if (opc === ADD) {
        sp--;
        stack[sp - 1] = fround(stack[sp - 1]! + stack[sp]!);
      } else {
        let acc = toDyadic(stack[sp - arg]!);
        for (let i = sp - arg + 1; i < sp; i++) acc = addExact(acc, toDyadic(stack[i]!));
        sp -= arg;
        stack[sp++] = roundToF32(acc);
      }
    }
    return stack[0]!;
  };
  const mismatch = (what: string) => new Error(`${info.id}: this profile replays ${op} ${shape.m}x${shape.n}x${shape.k} ` +
    `(transA=${shape.transA}, transB=${shape.transB}, alpha=1, beta=${shape.beta}); got ${what}. Probe that call: chimera probe --op ${op} --shape MxNxK`);

  return {
    info,
    gemm(call: GemmCall) {
      validateGemm(info.id, call);
      if (op !== "gemm" || call.m !== shape.m || call.n !== shape.n || call.k !== shape.k || call.transA !== shape.transA ||
        call.transB !== shape.transB || call.alpha !== 1 || call.beta !== shape.beta) {
        throw mismatch(`gemm ${call.m}x${call.n}x${call.k} (transA=${call.transA}, transB=${call.transB}, alpha=${call.alpha}, beta=${call.beta})`);
      }
      const { a, b, c, lda, ldb, ldc } = call, ao = call.aOffset ?? 0, bo = call.bOffset ?? 0, co = call.cOffset ?? 0;
      for (let i = 0; i < shape.m; i++) for (let j = 0; j < shape.n; j++) {
        const term = (p: number): [number, number] => [
          a[ao + (shape.transA ? p * lda + i : i * lda + p)]!, b[bo + (shape.transB ? j * ldb + p : p * ldb + j)]!];
        const ci = co + i * ldc + j;
        c[ci] = run(programs[programOf[i * shape.n + j]!]!, term, shape.beta === 1 ? c[ci]! : 0);
      }
    },
    gemv(call: GemvCall) {
      validateGemv(info.id, call);
      const rows = call.transA ? call.n : call.m, len = call.transA ? call.m : call.n;
      if (op !== "gemv" || rows !== shape.m || len !== shape.k || call.transA !== shape.transA || call.alpha !== 1 || call.beta !== 0) {
        throw mismatch(`gemv ${rows}x${len} (transA=${call.transA}, alpha=${call.alpha}, beta=${call.beta})`);
      }
      const { a, x, y, lda, incx, incy } = call, ao = call.aOffset ?? 0, xo = call.xOffset ?? 0, yo = call.yOffset ?? 0;
      for (let i = 0; i < rows; i++) {
        const term = (p: number): [number, number] => [a[ao + (call.transA ? p * lda + i : i * lda + p)]!, x[xo + p * incx]!];
        y[yo + i * incy] = run(programs[programOf[i]!]!, term, 0);
      }
    },
    dot(call: DotCall) {
      validateDot(info.id, call);
      if (op !== "dot" || call.n !== shape.k) throw mismatch(`dot of ${call.n} terms`);
      const { x, y, incx, incy } = call, xo = call.xOffset ?? 0, yo = call.yOffset ?? 0;
      return run(programs[0]!, (p) => [x[xo + p * incx]!, y[yo + p * incy]!], 0);
    },
  };
}

/**
 * One kernel from several profiles of the same backend (e.g. one per layer of a model): each call
 * goes to the profile probed for exactly that op and shape; any other call is an error listing them.
 */
export function profileSetKernel(profiles: ProbeProfile[]): Kernel {
  if (profiles.length === 0) throw new Error("profileSetKernel: no profiles given");
  if (profiles.length === 1) return treeKernel(profiles[0]!);
  const ids = new Set(profiles.map((p) => p.kernel.id));
  if (ids.size > 1) throw new Error(`profileSetKernel: profiles come from different backends (${[...ids].join(", ")})`);
  const kernels = profiles.map((p) => ({ p, k: treeKernel(p) }));
  const first = profiles[0]!;
  const info: KernelInfo = {
    id: `probed-${first.kernel.id}`, kind: "emulated", library: first.kernel.library, version: first.kernel.version,
    variant: `${first.kernel.variant} (probed)`, threads: 1,
    description: `replays summation trees probed from ${first.kernel.id} for ${profiles.length} calls`,
  };
  const known = profiles.map((p) => `${p.op} ${p.shape.m}x${p.shape.n}x${p.shape.k}${p.shape.transA ? " ta" : ""}${p.shape.transB ? " tb" : ""} b${p.shape.beta}`).join(", ");
  const pick = (op: string, m: number, n: number, k: number, transA: boolean, transB: boolean, beta: number): Kernel => {
    const hit = kernels.find(({ p }) => p.op === op && p.shape.m === m && p.shape.n === n && p.shape.k === k &&
      p.shape.transA === transA && p.shape.transB === transB && p.shape.beta === beta);
    if (!hit) throw new Error(`${info.id}: no profile for ${op} ${m}x${n}x${k} (transA=${transA}, transB=${transB}, beta=${beta}); profiled: ${known}`);
    return hit.k;
  };
  return {
    info,
    gemm: (c) => pick("gemm", c.m, c.n, c.k, c.transA, c.transB, c.beta).gemm(c),
    gemv: (c) => pick("gemv", c.transA ? c.n : c.m, 1, c.transA ? c.m : c.n, c.transA, false, c.beta).gemv(c),
    dot: (c) => pick("dot", 1, 1, c.n, false, false, 0).dot(c),
  };
}
