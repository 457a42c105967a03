import type { Kernel } from "../kernel.js";
import { ProbeOracle, type ProbeOp, type ProbeShape } from "./oracle.js";
import { LcaQueries, revealTree } from "./reveal.js";
import { askFused, fusedQueries } from "./fused.js";
import { accumulatorBits } from "./precision.js";
import { encodeTree, isLeaf, postOrder, type SumNode, type SumTree } from "./tree.js";

/** One order a kernel follows, and the output elements (row-major indices) that follow it. */
export interface OrderGroup {
  /** The tree as post-order tokens (encodeTree / decodeTree). */
  tree: string;
  elements: number[];
  /** Significand bits of the accumulator (24 = binary32); null when nothing was lost (exact) or untestable. */
  accumulatorBits: number | null;
}

/** What a probe found: enough to re-run the same call in the same order anywhere. */
export interface ProbeProfile {
  format: "chimera-probe-profile/1";
  kernel: { id: string; library: string; version: string; variant: string; kind: string };
  op: ProbeOp;
  shape: Required<ProbeShape>;
  /** Leaves per tree: k products, plus C (index k) when β = 1. */
  leaves: number;
  groups: OrderGroup[];
  /** Kernel calls the probe made, and its wall time. */
  calls: number;
  seconds: number;
}

/**
 * Reveals the summation order of every output element of one call on any kernel: the tree
 * (FPRev's masked inputs, recursive variant), which elements share it, which products are fused into
 * their addition, and the accumulator's precision. Elements whose answers to every query that built a
 * tree equal the representative's have that same tree (the reconstruction is deterministic in the
 * answers), so most shapes need one reconstruction; the rest get their own.
 */
export function probe(kernel: Kernel, op: ProbeOp, shape: ProbeShape, opts: { onProgress?: (msg: string) => void } = {}): ProbeProfile {
  const t0 = performance.now();
  const full: Required<ProbeShape> = { m: shape.m, n: shape.n, k: shape.k, transA: shape.transA ?? false, transB: shape.transB ?? false, beta: shape.beta ?? 0 };
  const oracle = new ProbeOracle(kernel, op, full);
  const q = new LcaQueries(oracle);
  const groups: OrderGroup[] = [];
  let unassigned = Array.from({ length: oracle.outputs }, (_, e) => e);
  while (unassigned.length > 0) {
    const rep = unassigned[0]!;
    const { tree, used } = revealTree(q, rep);
    const answers = [...q.entries()].filter(([key]) => used.has(key)).map(([, a]) => a);
    const members = unassigned.filter((e) => answers.every((a) => a[e] === a[rep]));
    const taken = new Set(members);
    unassigned = unassigned.filter((e) => !taken.has(e));
    opts.onProgress?.(`tree ${groups.length + 1}: ${members.length} element(s), ${oracle.calls} calls so far`);
    for (const g of splitByFusion(oracle, tree, members, full.k)) {
      groups.push({ tree: encodeTree(g.tree), elements: g.elements, accumulatorBits: accumulatorBits(oracle, g.tree, g.elements[0]!) });
    }
  }
  const info = kernel.info;
  return {
    format: "chimera-probe-profile/1",
    kernel: { id: info.id, library: info.library, version: info.version, variant: info.variant, kind: info.kind },
    op, shape: full, leaves: oracle.leaves, groups, calls: oracle.calls, seconds: (performance.now() - t0) / 1000,
  };
}

/** Asks every fusion question of `tree`; elements with different answers get copies with their own flags. */
function splitByFusion(oracle: ProbeOracle, tree: SumTree, members: number[], k: number): { tree: SumTree; elements: number[] }[] {
  const questions = fusedQueries(tree, k);
  const answers = questions.map((fq) => askFused(oracle, fq));
  const bySignature = new Map<string, number[]>();
  for (const e of members) {
    const sig = answers.map((a) => (a[e] ? "1" : "0")).join("");
    bySignature.set(sig, [...(bySignature.get(sig) ?? []), e]);
  }
  return [...bySignature].map(([sig, elements]) => {
    const flags = new Map<object, boolean[]>();
    questions.forEach((fq, i) => {
      if (sig[i] !== "1") return;
      const f = flags.get(fq.node) ?? new Array<boolean>(fq.node.children.length).fill(false);
      f[fq.child] = true;
      flags.set(fq.node, f);
    });
    return { tree: withFlags(tree, flags), elements };
  });
}

function withFlags(t: SumTree, flags: Map<object, boolean[]>): SumTree {
  return postOrder<SumTree>(t, (n, kids) => {
    if (isLeaf(n)) return n;
    const out: SumNode = { children: kids, size: n.size };
    const f = flags.get(n);
    if (f) out.fused = f;
    return out;
  });
}
