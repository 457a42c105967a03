/**
 * A summation tree: how one output element of a BLAS call adds up its terms. Leaves are the k
 * products a_p·b_p (index p), plus, for a probe with β = 1, the prior value of C (index k). An
 * internal node adds its children; `fused[c]` marks a leaf child whose product enters the node's
 * addition unrounded (a fused multiply-add into the sum of the other children). A node with more
 * than two children adds them without intermediate rounding (what a wide or exact accumulator
 * looks like from outside).
 */
export type SumTree = SumLeaf | SumNode;

export interface SumLeaf {
  readonly leaf: number;
}

export interface SumNode {
  readonly children: SumTree[];
  /** Number of leaves below. */
  readonly size: number;
  /** Per child: true when that child is a leaf whose product is fused into this node's addition. */
  fused?: boolean[];
}

/** True for a leaf. */
export function isLeaf(t: SumTree): t is SumLeaf {
  return (t as SumLeaf).leaf !== undefined;
}

/** A node over `children` (size computed). */
export function node(children: SumTree[]): SumNode {
  return { children, size: children.reduce((s, c) => s + treeSize(c), 0) };
}

/** Number of leaves. */
export function treeSize(t: SumTree): number {
  return isLeaf(t) ? 1 : t.size;
}

/** Leaf indices in the order a depth-first walk meets them. */
export function leavesOf(t: SumTree, out: number[] = []): number[] {
  if (isLeaf(t)) out.push(t.leaf);
  else for (const c of t.children) leavesOf(c, out);
  return out;
}

/**
 * A compact text form: leaves as numbers, nodes in parentheses, a fused leaf child prefixed by
 * `*`. A left-leaning chain of four or more leaves `(((0 1) 2) 3)` prints as `chain[0..3]`, one with
 * stride s as `chain[first..last:s]`, prefixed `fma-` when every step after the first is fused.
 */
export function formatTree(t: SumTree): string {
  if (isLeaf(t)) return String(t.leaf);
  const chain = chainRange(t);
  if (chain && (chain.last - chain.first) / chain.step >= 3) {
    return `${chain.fused ? "fma-" : ""}chain[${chain.first}..${chain.last}${chain.step > 1 ? `:${chain.step}` : ""}]`;
  }
  return `(${t.children.map((c, i) => (t.fused?.[i] ? "*" : "") + formatTree(c)).join(" ")})`;
}

/**
 * When `t` is a left-leaning sequential chain (each node adds one more leaf to the running sum) over
 * leaves first, first + step, …, last, returns the range, the step and whether every step after the
 * first is fused.
 */
export function chainRange(t: SumTree): { first: number; last: number; step: number; fused: boolean } | null {
  const rights: number[] = []; // right-hand leaves, top-down
  let fused = true, cur: SumTree = t;
  while (!isLeaf(cur)) {
    if (cur.children.length !== 2) return null;
    const [l, r] = cur.children as [SumTree, SumTree];
    if (!isLeaf(r)) return null;
    rights.push(r.leaf);
    fused &&= cur.fused?.[1] === true;
    cur = l;
  }
  const first = cur.leaf, step = rights[rights.length - 1]! - first;
  if (step <= 0) return null;
  for (let i = 0; i < rights.length; i++) if (rights[rights.length - 1 - i] !== first + step * (1 + i)) return null;
  return { first, last: first + step * rights.length, step, fused };
}

/** Structural equality (children order and fused flags included). */
export function sameTree(a: SumTree, b: SumTree): boolean {
  if (isLeaf(a) || isLeaf(b)) return isLeaf(a) && isLeaf(b) && a.leaf === b.leaf;
  if (a.children.length !== b.children.length) return false;
  for (let i = 0; i < a.children.length; i++) {
    if (Boolean(a.fused?.[i]) !== Boolean(b.fused?.[i])) return false;
    if (!sameTree(a.children[i]!, b.children[i]!)) return false;
  }
  return true;
}

/**
 * A canonical form for comparing orders where the two operands of an addition are
 * interchangeable (a + b = b + a bit for bit in IEEE 754): children sorted by their smallest leaf.
 * Fused flags travel with their child.
 */
export function canonicalTree(t: SumTree): SumTree {
  if (isLeaf(t)) return t;
  const kids = t.children.map((c, i) => ({ c: canonicalTree(c), f: Boolean(t.fused?.[i]) }));
  kids.sort((x, y) => minLeaf(x.c) - minLeaf(y.c));
  const n: SumNode = node(kids.map((k) => k.c));
  if (kids.some((k) => k.f)) n.fused = kids.map((k) => k.f);
  return n;
}

function minLeaf(t: SumTree): number {
  return isLeaf(t) ? t.leaf : Math.min(...t.children.map(minLeaf));
}
