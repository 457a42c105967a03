import type { GemmCall, Kernel } from "../kernel.js";
import type { Accumulation, LaneReduction, LaneTail } from "../emulated/accumulation.js";
import type { EmulationDeclaration, GemmPlan, LibraryShape, MeetC } from "../emulated/declaration.js";
import { gridTiles } from "../emulated/declaration.js";
import { makeEmulatedKernel, type EmulatedKernel } from "../emulated/emulated-kernel.js";
import type { Split } from "../emulated/k-split.js";
import { probe, type ProbeProfile } from "./probe.js";
import type { ProbeShape } from "./oracle.js";
import { treeKernel } from "./tree-kernel.js";
import { decodeTree, isLeaf, leavesOf, type SumTree } from "./tree.js";

/**
 * A class of gemm calls that one derived rule covers, in the row-major call's terms: the layout
 * (transA, transB) and whether op(A) has one row (a sample alone: "one") or several ("many").
 */
export interface ShapeClass {
  readonly transA: boolean;
  readonly transB: boolean;
  readonly batch: "one" | "many";
}

/** One rule of a derived order: the declaration fields the probe identified for a class of calls. */
export interface DerivedRule {
  readonly when: ShapeClass;
  readonly kc: Split;
  readonly accumulation: Accumulation;
  readonly meetC: MeetC;
  /** The probed calls the rule reproduces tree for tree. */
  readonly probed: ReadonlyArray<{ m: number; n: number; k: number }>;
}

/**
 * What `deriveOrder` found for a backend: serialisable (JSON), and a declaration once loaded with
 * `derivedDeclaration`. α and β other than the probed α = 1, β ∈ {0, 1} are outside what a probe
 * sees, so a derived kernel refuses them.
 */
export interface DerivedOrder {
  readonly format: "chimera-derived-order/1";
  readonly backend: { id: string; library: string; version: string; variant: string };
  readonly rules: DerivedRule[];
}

/** A class no rule could be derived for, and why. */
export interface Unexplained {
  readonly when: ShapeClass;
  readonly reason: string;
}

/** Name of a class, e.g. "NT batch 1". */
export function className(c: ShapeClass): string {
  return `${c.transA ? "T" : "N"}${c.transB ? "T" : "N"} ${c.batch === "one" ? "batch 1" : "batch > 1"}`;
}

/** The class a row-major gemm call falls in. */
export function classOf(call: { m: number; transA: boolean; transB: boolean }): ShapeClass {
  return { transA: call.transA, transB: call.transB, batch: call.m === 1 ? "one" : "many" };
}

export function sameClass(a: ShapeClass, b: ShapeClass): boolean {
  return a.transA === b.transA && a.transB === b.transB && a.batch === b.batch;
}

/**
 * The k values `chimera derive` probes per class: small k (where unrolls and scalar fallbacks show),
 * every power of two with neighbours up to 1025 (lane counts and block edges), and a few lengths past
 * the usual k-blocks (784, the MLP's first layer; 1000; 1500), enough to pin each rule's k-split.
 */
export const DERIVE_K: readonly number[] = [
  1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257, 511, 512, 513, 784, 1000, 1025, 1500,
];

/** The probe calls for one class: m = 1 or `rows`, n columns, every k of `ks`, β = 1 (C is a leaf). */
export function deriveShapes(cls: ShapeClass, opts: { n?: number; rows?: number; ks?: readonly number[] } = {}): Required<ProbeShape>[] {
  const m = cls.batch === "one" ? 1 : opts.rows ?? 19;
  if (cls.batch === "many" && m < 2) throw new Error(`deriveShapes: a "many" class needs rows >= 2, got ${m}`);
  return (opts.ks ?? DERIVE_K).map((k) => ({ m, n: opts.n ?? 9, k, transA: cls.transA, transB: cls.transB, beta: 1 }));
}

/**
 * The accumulations a rule may use, simplest first: one chain; interleaved registers; SIMD lanes
 * with every reduction tree, tail and scalar-fallback length the vocabulary has.
 */
export function* accumulationVocabulary(): Iterable<Accumulation> {
  for (const fused of [false, true]) yield { kind: "chain", fused };
  for (const fused of [false, true]) {
    for (const lanes of [2, 4, 8, 16, 32, 64]) {
      const reductions: LaneReduction[] = lanes === 4 ? ["halving", "adjacent", "sequential", "blis-generic-4"] : ["halving", "adjacent", "sequential"];
      for (const reduce of reductions) {
        for (const tail of ["in-lanes", fused ? "fused-chain" : "mul-add-chain", fused ? "mul-add-chain" : "fused-chain", "half-then-mul-add"] as LaneTail[]) {
          for (const minLength of [0, lanes, 2 * lanes, 32, 64]) {
            if (minLength > 0 && minLength <= lanes && minLength !== lanes) continue;
            yield { kind: "lanes", fused, lanes, minLength, reduce, tail };
          }
        }
      }
    }
  }
  for (const fused of [false, true]) {
    for (const accumulators of [2, 3, 4]) {
      for (const unroll of [accumulators, 2 * accumulators, 4 * accumulators, 8, 16]) {
        if (unroll % accumulators !== 0 && unroll < accumulators) continue;
        yield { kind: "interleaved", fused, accumulators, unroll };
      }
    }
  }
}

const MEET_C: readonly MeetC[] = [
  { kind: "scale-then-add-blocks", fusedAlpha: false },
  { kind: "sum-then-epilogue" },
  { kind: "accumulate-into-c" },
];

/**
 * Block lengths a tree suggests: walking down its left spine, every right child that is a contiguous
 * run of products (two or more) or C, with the length of the run beside it. A k-split is then tried
 * with each as its block size.
 */
function blockSizesIn(t: SumTree, k: number): number[] {
  const out = new Set<number>();
  const run = (n: SumTree): number => {
    const ls = leavesOf(n).filter((l) => l !== k).sort((x, y) => x - y);
    return ls.length > 0 && ls[ls.length - 1]! - ls[0]! === ls.length - 1 ? ls.length : 0;
  };
  let cur = t;
  while (!isLeaf(cur)) {
    const kids = cur.children;
    const right = kids[kids.length - 1]!, left = kids[0]!;
    const rightIsC = isLeaf(right) && right.leaf === k;
    const r = rightIsC ? 0 : run(right);
    if (rightIsC || r >= 2) {
      if (r >= 2) out.add(r);
      const l = run(left);
      if (l >= 2) out.add(l);
    }
    cur = left;
  }
  return [...out];
}

/** The smallest k-block a split candidate may have (no gemm kernel blocks k below this). */
const MIN_BLOCK = 64;

/** Split candidates, simplest first: no blocking; fixed blocks; OpenBLAS's halving rule with an alignment. */
function splitCandidates(sizes: Iterable<number>): Split[] {
  const out: Split[] = [{ kind: "whole" }];
  const all = [...new Set([...sizes, 64, 128, 192, 256, 320, 384, 448, 512])].sort((a, b) => a - b);
  for (const size of all) out.push({ kind: "fixed", size });
  for (const size of all) for (const align of [1, 2, 4, 8, 16, 32]) out.push({ kind: "halve-rest", size, align });
  return out;
}

/** The plan a rule gives: one tile over the whole block, the rule's accumulation, no M or N blocking. */
function rulePlan(r: Pick<DerivedRule, "kc" | "accumulation" | "meetC">, path: string): GemmPlan {
  return {
    path, nc: { kind: "whole" }, kc: r.kc, mc: { kind: "whole" }, meetC: r.meetC,
    tiles: (ctx) => gridTiles(ctx.mBlock, ctx.nBlock, ctx.mBlock, ctx.nBlock, () => r.accumulation),
  };
}

/** Seeded inputs with spread exponents and mixed signs, so that different orders round differently. */
function sensitive(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), s / 2 ** 32);
  return Float32Array.from({ length: n }, () => Math.fround((next() < 0.5 ? -1 : 1) * (1 + next()) * 2 ** Math.floor(next() * 16 - 8)));
}

/** A seeded call of a probed shape (its C the prior value), made once and run on every candidate. */
function seededCall(s: Required<ProbeShape>, seed: number): GemmCall {
  const { m, n, k, transA, transB, beta } = s;
  return {
    transA, transB, m, n, k, alpha: 1, a: sensitive(m * k, seed), lda: transA ? m : k,
    b: sensitive(k * n, seed + 1), ldb: transB ? k : n, beta, c: sensitive(m * n, seed + 2), ldc: n,
  };
}

/** C after running `call` on `kernel` (the call's own C is left as it was). */
function runCall(kernel: Kernel, call: GemmCall): Float32Array {
  const c = call.c.slice();
  kernel.gemm({ ...call, c });
  return c;
}

function sameBits(x: Float32Array, y: Float32Array): boolean {
  const a = new Uint32Array(x.buffer, x.byteOffset, x.length), b = new Uint32Array(y.buffer, y.byteOffset, y.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A kernel for one candidate rule, used only while fitting. */
function candidateKernel(rule: Pick<DerivedRule, "kc" | "accumulation" | "meetC">): EmulatedKernel {
  const plan = rulePlan(rule, "candidate");
  return makeEmulatedKernel({ library: "candidate", version: "0", variant: "", description: "", verified: "", sources: [], plan: () => plan });
}

/**
 * Turns probe profiles into an emulation declaration. Profiles are grouped by class (ShapeClass);
 * within a class every probed element must follow one tree (otherwise the order depends on the
 * element's position, which a rule of this form cannot say, and the class is reported unexplained:
 * replay those calls with treeKernel instead). For each class the vocabulary of k-splits,
 * accumulations and ways of meeting C is searched, simplest first, for a rule that reproduces every
 * probed call: first bit for bit on seeded inputs against the replayed trees, then tree for tree by
 * probing the candidate itself. Profiles must be gemm with β = 1 (C's place in the tree is what
 * tells how blocks meet C).
 */
export function deriveOrder(profiles: readonly ProbeProfile[]): { order: DerivedOrder; unexplained: Unexplained[] } {
  if (profiles.length === 0) throw new Error("deriveOrder: no profiles given");
  const ids = new Set(profiles.map((p) => p.kernel.id));
  if (ids.size > 1) throw new Error(`deriveOrder: profiles come from different backends (${[...ids].join(", ")})`);
  for (const p of profiles) {
    if (p.op !== "gemm" || p.shape.beta !== 1) {
      throw new Error(`deriveOrder: profile ${p.op} ${p.shape.m}x${p.shape.n}x${p.shape.k} beta ${p.shape.beta}: derive needs gemm profiles probed with beta 1 (chimera probe --op gemm --beta 1)`);
    }
  }
  const classes: ShapeClass[] = [];
  for (const p of profiles) {
    const c = classOf(p.shape);
    if (!classes.some((x) => sameClass(x, c))) classes.push(c);
  }
  const rules: DerivedRule[] = [], unexplained: Unexplained[] = [];
  for (const cls of classes) {
    const mine = profiles.filter((p) => sameClass(classOf(p.shape), cls)).sort((a, b) => a.shape.k - b.shape.k);
    const split = mine.find((p) => new Set(p.groups.map((g) => g.tree)).size > 1);
    if (split) {
      unexplained.push({
        when: cls,
        reason: `elements of ${split.shape.m}x${split.shape.n}x${split.shape.k} follow ${new Set(split.groups.map((g) => g.tree)).size} different trees (the order depends on the element's position in a tile); replay such calls from their profiles (--backend profile:FILE)`,
      });
      continue;
    }
    const found = fitClass(cls, mine);
    if (typeof found === "string") unexplained.push({ when: cls, reason: found });
    else rules.push(found);
  }
  const k = profiles[0]!.kernel;
  return { order: { format: "chimera-derived-order/1", backend: { id: k.id, library: k.library, version: k.version, variant: k.variant }, rules }, unexplained };
}

function fitClass(cls: ShapeClass, profiles: ProbeProfile[]): DerivedRule | string {
  const replays = profiles.map((p) => {
    const calls = [7, 8].map((seed) => seededCall(p.shape, seed)), kernel = treeKernel(p);
    return { p, calls, expected: calls.map((call) => runCall(kernel, call)) };
  });
  const reproduces = (kernel: Kernel, rs: typeof replays) =>
    rs.every((r) => r.calls.every((call, i) => sameBits(runCall(kernel, call), r.expected[i]!)));
  const sizes = new Set<number>();
  for (const p of profiles) for (const s of blockSizesIn(decodeTree(p.groups[0]!.tree), p.shape.k)) if (s >= MIN_BLOCK) sizes.add(s);
  const splits = splitCandidates(sizes);
  // Stage 1: no candidate split cuts k <= MIN_BLOCK, so those calls test accumulation and meetC alone.
  const short = replays.filter((r) => r.p.shape.k <= MIN_BLOCK);
  let tried = 0;
  for (const accumulation of accumulationVocabulary()) {
    for (const meetC of MEET_C) {
      tried++;
      if (!reproduces(candidateKernel({ kc: { kind: "whole" }, accumulation, meetC }), short)) continue;
      // Stage 2: the k-split, on every probed call.
      for (const kc of splits) {
        tried++;
        const rule = { kc, accumulation, meetC };
        const kernel = candidateKernel(rule);
        if (!reproduces(kernel, replays)) continue;
        // Equal bits on seeded inputs; now equal trees, fused steps included.
        const sameTrees = profiles.every((p) => probe(kernel, "gemm", p.shape).groups.map((g) => g.tree).join("|") === p.groups[0]!.tree);
        if (sameTrees) return { when: cls, kc, accumulation, meetC, probed: profiles.map((p) => ({ m: p.shape.m, n: p.shape.n, k: p.shape.k })) };
      }
    }
  }
  return `no rule in the vocabulary (${tried} candidates tried: chains, interleaved registers, SIMD lanes; whole, fixed and halving k-splits; three ways of meeting C) reproduces all ${profiles.length} probed calls; replay them from their profiles (--backend profile:FILE)`;
}

/** A one-line account of a rule, e.g. "NT batch 1: k in fixed 256 blocks; 4 lanes …". */
export function describeRule(r: DerivedRule): string {
  const a = r.accumulation;
  const acc = a.kind === "chain" ? `one ${a.fused ? "FMA" : "multiply-then-add"} chain`
    : a.kind === "interleaved" ? `${a.accumulators} ${a.fused ? "FMA" : "multiply-add"} accumulators, k unrolled by ${a.unroll}`
    : a.kind === "lanes" ? `${a.lanes} ${a.fused ? "FMA" : "multiply-add"} lanes reduced ${a.reduce}, tail ${a.tail}${a.minLength > 0 ? `, one chain below k = ${a.minLength}` : ""}`
    : `${a.kind} ${JSON.stringify(a)}`;
  const kc = r.kc.kind === "whole" ? "no k-blocking" : r.kc.kind === "fixed" ? `k-blocks of ${r.kc.size}` : r.kc.kind === "halve-rest" ? `k-blocks of ${r.kc.size} (a rest below ${2 * r.kc.size} halved, aligned to ${r.kc.align})`
    : `k-split ${JSON.stringify(r.kc)}`;
  return `${className(r.when)}: ${kc}; ${acc}; blocks meet C: ${r.meetC.kind}`;
}

/**
 * The declaration a derived order stands for. Calls in a class without a rule, or with α ≠ 1 or
 * β ∉ {0, 1} (which no probe saw), are refused with an error that says what to probe.
 */
export function derivedDeclaration(order: DerivedOrder): EmulationDeclaration {
  if (order?.format !== "chimera-derived-order/1" || !Array.isArray(order.rules)) {
    throw new Error(`not a derived order (expected format "chimera-derived-order/1"; make one with chimera derive --out)`);
  }
  const plans = order.rules.map((r) => ({ when: r.when, plan: rulePlan(r, `derived: ${describeRule(r)}`) }));
  const id = order.backend.id;
  return {
    library: order.backend.library,
    version: order.backend.version,
    variant: `derived-${id}`,
    description: `derived by the order probe from ${id}: ${order.rules.map(describeRule).join("; ")}`,
    verified: `reproduces the probed trees of ${id} on ${order.rules.reduce((s, r) => s + r.probed.length, 0)} calls; other shapes are predictions (chimera fidelity measures them)`,
    sources: [`chimera derive --backend ${id}`],
    plan(shape: LibraryShape): GemmPlan {
      // Library coordinates: the row-major call has m = N, transA = shape.transB, transB = shape.transA.
      const cls: ShapeClass = { transA: shape.transB, transB: shape.transA, batch: shape.N === 1 ? "one" : "many" };
      if (shape.alpha !== 1 || (shape.beta !== 0 && shape.beta !== 1)) {
        throw new Error(`derived order of ${id}: alpha = ${shape.alpha}, beta = ${shape.beta} was never probed (a probe sees alpha = 1, beta 0 or 1); use the real library or a declared emulation`);
      }
      const hit = plans.find((p) => sameClass(p.when, cls));
      if (!hit) {
        throw new Error(`derived order of ${id} has no rule for ${className(cls)} calls (it has: ${plans.map((p) => className(p.when)).join(", ") || "none"}); derive one: chimera derive --backend ${id} --classes ${cls.transA ? "T" : "N"}${cls.transB ? "T" : "N"}/${cls.batch === "one" ? 1 : "many"}`);
      }
      return hit.plan;
    },
  };
}

/** An emulated kernel from a derived order (id `derived-<backend id>`). */
export function derivedKernel(order: DerivedOrder): EmulatedKernel {
  const decl = derivedDeclaration(order);
  const k = makeEmulatedKernel(decl);
  return { ...k, info: { ...k.info, id: `derived-${order.backend.id}`, variant: `derived from ${order.backend.id}` } };
}
