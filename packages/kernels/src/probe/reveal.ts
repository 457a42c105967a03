import { type ProbeOracle } from "./oracle.js";
import { node, type SumTree } from "./tree.js";

/**
 * The mask of FPRev (Xie et al., USENIX ATC 2025): every leaf is 1 except +M at leaf i and −M at
 * leaf j. Any 1 that meets a partial sum holding ±M is absorbed (M = 2^100 swamps a 1 even in a
 * 64-bit-significand accumulator), the masks cancel exactly at the lowest common ancestor of i and j,
 * and every 1 outside that subtree survives. So an output of v means the LCA has L − v leaves.
 */
export const MASK = 2 ** 100;

/** Thrown when a kernel's outputs cannot come from a summation tree (or the tree is inconsistent). */
export class ProbeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProbeError";
  }
}

/** Answers LCA-size queries for every output element, caching each masked call. */
export class LcaQueries {
  private readonly cache = new Map<number, Float32Array>();

  constructor(readonly oracle: ProbeOracle) {}

  /** LCA sizes of leaves i and j for every output element (cached). */
  sizes(i: number, j: number): Float32Array {
    const L = this.oracle.leaves;
    const key = Math.min(i, j) * L + Math.max(i, j);
    let s = this.cache.get(key);
    if (!s) {
      const v = this.oracle.blank(1);
      this.oracle.setLeaf(v, i, MASK);
      this.oracle.setLeaf(v, j, -MASK);
      const out = this.oracle.evaluate(v);
      s = out.map((o) => L - o);
      this.cache.set(key, s);
    }
    return s;
  }

  /** The keys of every query made so far, with the answers. */
  entries(): IterableIterator<[number, Float32Array]> {
    return this.cache.entries();
  }
}

/**
 * FPRev's recursive reconstruction of the tree of output element `rep`, with multi-way nodes.
 * For a leaf set known to form one subtree, the LCA sizes from its first leaf r to every other leaf
 * name the nodes on r's path to the top; the leaves at each size are that node's other children,
 * split apart recursively. About L·depth queries instead of L²/2, and cached queries are free.
 * Returns the tree and the keys of the queries it used (to test which elements share it).
 */
export function revealTree(q: LcaQueries, rep: number): { tree: SumTree; used: Set<number> } {
  const L = q.oracle.leaves, used = new Set<number>();
  const ask = (i: number, j: number): number => {
    used.add(Math.min(i, j) * L + Math.max(i, j));
    const s = q.sizes(i, j)[rep]!;
    if (!Number.isInteger(s) || s < 2 || s > L) {
      throw new ProbeError(`${q.oracle.kernel.info.id}: masked query (${i}, ${j}) of element ${rep} returned ` +
        `${L - s}, which no summation tree of ${L} leaves can give (LCA size ${s})`);
    }
    return s;
  };
  const all = Array.from({ length: L }, (_, i) => i);
  if (L === 1) return { tree: { leaf: 0 }, used };
  // An accumulator that never absorbs (exact, or wider than the mask can swamp) answers 2 for every pair.
  const first = all.slice(1).map((j) => ask(0, j));
  if (L > 2 && first.every((s) => s === 2)) return { tree: node(all.map((leaf) => ({ leaf }))), used };

  /** The children of a node of `parentSize` leaves that lie in the leaf set S. */
  const forest = (S: number[], parentSize: number): SumTree[] => {
    const out: SumTree[] = [];
    let rest = S;
    while (rest.length > 0) {
      const r = rest[0]!, inChild = new Map<number, number>(), outside: number[] = [];
      for (const j of rest.slice(1)) {
        const s = ask(r, j);
        if (s < parentSize) inChild.set(j, s);
        else if (s === parentSize) outside.push(j);
        else throw inconsistent(r, j, s, parentSize);
      }
      out.push(subtree(r, inChild));
      rest = outside;
    }
    return out;
  };
  /** The subtree holding r and exactly the leaves in `sizes` (each with its LCA size with r). */
  const subtree = (r: number, sizes: Map<number, number>): SumTree => {
    const levels = new Map<number, number[]>();
    for (const [j, s] of sizes) levels.set(s, [...(levels.get(s) ?? []), j]);
    let cur: SumTree = { leaf: r }, size = 1;
    for (const s of [...levels.keys()].sort((a, b) => a - b)) {
      const others = forest(levels.get(s)!, s);
      cur = node([cur, ...others]);
      size = cur.size;
      if (size !== s) throw new ProbeError(`${q.oracle.kernel.info.id}: element ${rep}: leaf ${r}'s ancestor should ` +
        `hold ${s} leaves but the leaves found under it number ${size}: the outputs are not those of one summation tree`);
    }
    return cur;
  };
  const inconsistent = (r: number, j: number, s: number, parent: number) =>
    new ProbeError(`${q.oracle.kernel.info.id}: element ${rep}: LCA(${r}, ${j}) has ${s} leaves, more than its parent's ${parent}`);

  const rootKids = forest(all, L);
  return { tree: rootKids.length === 1 ? rootKids[0]! : node(rootKids), used };
}
