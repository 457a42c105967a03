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

/**
 * Post-order walk without recursion (trees of a 4096-term chain are 4096 deep): `visit` gets each
 * node with the results of its children, in order, and the root's result is returned. `enter`, when
 * given, sees each node before its children.
 */
export function postOrder<R>(t: SumTree, visit: (n: SumTree, childResults: R[]) => R, enter?: (n: SumTree) => void): R {
  enter?.(t);
  const stack: { n: SumTree; i: number; results: R[] }[] = [{ n: t, i: 0, results: [] }];
  for (;;) {
    const top = stack[stack.length - 1]!;
    if (isLeaf(top.n) || top.i === top.n.children.length) {
      const r = visit(top.n, top.results);
      stack.pop();
      if (stack.length === 0) return r;
      stack[stack.length - 1]!.results.push(r);
    } else {
      const child = top.n.children[top.i++]!;
      enter?.(child);
      stack.push({ n: child, i: 0, results: [] });
    }
  }
}

/** Leaf indices in the order a depth-first walk meets them. */
export function leavesOf(t: SumTree): number[] {
  const out: number[] = [];
  postOrder<void>(t, (n) => void (isLeaf(n) && out.push(n.leaf)));
  return out;
}

/** The first leaf (depth-first) of a tree. */
export function firstLeaf(t: SumTree): number {
  let cur = t;
  while (!isLeaf(cur)) cur = cur.children[0]!;
  return cur.leaf;
}

/**
 * The tree as post-order tokens, the form profiles store: a leaf is its index, a leaf whose product
 * is fused into its parent's addition is the index followed by `*`, a node of c children is `+c`.
 * `(0 *1)` is "0 1* +2"; a 3-term FMA chain is "0 1* +2 2* +2".
 */
export function encodeTree(t: SumTree): string {
  const fusedChild = new Set<SumTree>();
  postOrder<void>(t, (n) => void (!isLeaf(n) && n.fused?.forEach((f, i) => f && fusedChild.add(n.children[i]!))));
  const tokens: string[] = [];
  postOrder<void>(t, (n) => {
    if (isLeaf(n)) tokens.push(fusedChild.has(n) ? `${n.leaf}*` : String(n.leaf));
    else tokens.push(`+${n.children.length}`);
  });
  return tokens.join(" ");
}

/** Parses encodeTree's tokens; throws on malformed input. */
export function decodeTree(text: string): SumTree {
  const stack: { t: SumTree; fused: boolean }[] = [];
  for (const tok of text.trim().split(/\s+/)) {
    if (tok.startsWith("+")) {
      const c = Number(tok.slice(1));
      if (!Number.isInteger(c) || c < 2 || c > stack.length) throw new Error(`decodeTree: bad node token "${tok}" with ${stack.length} value(s) on the stack`);
      const kids = stack.splice(stack.length - c, c);
      const n = node(kids.map((k) => k.t));
      if (kids.some((k) => k.fused)) n.fused = kids.map((k) => k.fused);
      stack.push({ t: n, fused: false });
    } else {
      const fused = tok.endsWith("*"), leaf = Number(fused ? tok.slice(0, -1) : tok);
      if (!Number.isInteger(leaf) || leaf < 0) throw new Error(`decodeTree: bad leaf token "${tok}"`);
      stack.push({ t: { leaf }, fused });
    }
  }
  if (stack.length !== 1) throw new Error(`decodeTree: ${stack.length} trees left on the stack, expected 1`);
  return stack[0]!.t;
}

/**
 * A compact text form: leaves as numbers, nodes in parentheses, a fused leaf child prefixed by
 * `*`. A left-leaning chain of four or more leaves `(((0 1) 2) 3)` prints as `chain[0..3]`, one with
 * stride s as `chain[first..last:s]`, one made of a few such runs as `chain[0, 1..769:16]`, prefixed
 * `fma-` when every added leaf is fused.
 */
export function formatTree(t: SumTree): string {
  if (isLeaf(t)) return String(t.leaf);
  const chain = chainRange(t);
  if (collapsible(chain)) return chainText(chain);
  return `(${t.children.map((c, i) => (t.fused?.[i] ? "*" : "") + formatTree(c)).join(" ")})`;
}

/** A run of leaves first, first + step, …, last (a single leaf has first = last, step 1). */
export interface LeafRun {
  first: number;
  last: number;
  step: number;
}

/**
 * When `t` is a left-leaning sequential chain (each node adds one more leaf to the running sum),
 * returns the leaves in the order they are added, as runs of constant stride, and whether every
 * added leaf (all but the first) is fused.
 */
export function chainRange(t: SumTree): { runs: LeafRun[]; leaves: number; fused: boolean } | null {
  const seq: number[] = []; // right-hand leaves, top-down
  let fused = true, cur: SumTree = t;
  while (!isLeaf(cur)) {
    if (cur.children.length !== 2) return null;
    const [l, r] = cur.children as [SumTree, SumTree];
    if (!isLeaf(r)) return null;
    seq.push(r.leaf);
    fused &&= cur.fused?.[1] === true;
    cur = l;
  }
  seq.push(cur.leaf);
  seq.reverse(); // the order the leaves are added
  const runs: LeafRun[] = [];
  for (let i = 0; i < seq.length;) {
    const step = (seq[i + 1] ?? 0) - seq[i]!;
    // a leaf whose next two gaps differ starts nothing: it stands alone (an irregular head)
    if (i + 1 >= seq.length || step <= 0 || (i + 2 < seq.length && seq[i + 2]! - seq[i + 1]! !== step)) {
      runs.push({ first: seq[i]!, last: seq[i]!, step: 1 });
      i++;
      continue;
    }
    let j = i + 1;
    while (j + 1 < seq.length && seq[j + 1]! - seq[j]! === step) j++;
    runs.push({ first: seq[i]!, last: seq[j]!, step });
    i = j + 1;
  }
  return { runs, leaves: seq.length, fused };
}

/** `chain[0..9]`, `chain[0..12:4]`, `chain[0, 1..769:16]`: the runs of a chain, in the order added. */
function chainText(c: { runs: LeafRun[]; fused: boolean }): string {
  const runs = c.runs.map((r) => (r.first === r.last ? `${r.first}` : `${r.first}..${r.last}${r.step > 1 ? `:${r.step}` : ""}`));
  return `${c.fused ? "fma-" : ""}chain[${runs.join(", ")}]`;
}

/** Whether a chain is worth one label: four or more leaves in at most three runs. */
export function collapsible(c: { runs: LeafRun[]; leaves: number } | null): c is { runs: LeafRun[]; leaves: number; fused: boolean } {
  return c !== null && c.leaves >= 4 && c.runs.length <= 3;
}

/** Structural equality (children order and fused flags included). */
export function sameTree(a: SumTree, b: SumTree): boolean {
  return encodeTree(a) === encodeTree(b);
}

/**
 * A canonical form for comparing orders where the two operands of an addition are
 * interchangeable (a + b = b + a bit for bit in IEEE 754): children sorted by their smallest leaf.
 * Fused flags travel with their child.
 */
export function canonicalTree(t: SumTree): SumTree {
  const min = new Map<SumTree, number>();
  return postOrder<SumTree>(t, (n, kidsOut) => {
    if (isLeaf(n)) {
      min.set(n, n.leaf);
      return n;
    }
    const kids = kidsOut.map((c, i) => ({ c, f: Boolean(n.fused?.[i]), m: min.get(c)! }));
    kids.sort((x, y) => x.m - y.m);
    const out: SumNode = node(kids.map((k) => k.c));
    if (kids.some((k) => k.f)) out.fused = kids.map((k) => k.f);
    min.set(out, kids[0]!.m);
    return out;
  });
}
