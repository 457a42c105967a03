import type { ProbeOracle } from "./oracle.js";
import { firstLeaf, isLeaf, postOrder, type SumNode, type SumTree } from "./tree.js";

/**
 * Which leaf products enter their addition unrounded (fused multiply-add)?
 *
 * For a node with a leaf child j and another child holding leaf i: x_i·y_i = −(1 + 2^-11) (exact),
 * x_j = y_j = 1 + 2^-12, every other term 0. Then x_j·y_j = 1 + 2^-11 + 2^-24 exactly; rounded to
 * binary32 first it is 1 + 2^-11 (a tie, to even) and the node yields 0, fused it yields 2^-24. Zeros
 * elsewhere keep every other partial sum exact, so the output shows the node's choice directly.
 */
const A = Math.fround(1 + 2 ** -12);
const PARTNER = -Math.fround(1 + 2 ** -11);
export const FUSED_SIGNAL = 2 ** -24;

/** One question: is leaf `leaf` fused at `node`? `partner` is a leaf in another child. */
export interface FusedQuery {
  node: SumNode;
  child: number;
  leaf: number;
  partner: number;
}

/** Every fusion question a tree raises (leaf children of nodes; C, the last leaf with β = 1, is not a product). */
export function fusedQueries(tree: SumTree, productLeaves: number): FusedQuery[] {
  const out: FusedQuery[] = [];
  postOrder<void>(tree, (n) => {
    if (isLeaf(n)) return;
    n.children.forEach((c, idx) => {
      if (isLeaf(c) && c.leaf < productLeaves) {
        const other = n.children.find((_, o) => o !== idx)!;
        out.push({ node: n, child: idx, leaf: c.leaf, partner: firstLeaf(other) });
      }
    });
  });
  return out;
}

/** Runs one fusion question; returns each output element's answer (true = fused). */
export function askFused(oracle: ProbeOracle, fq: FusedQuery): boolean[] {
  const v = oracle.blank(0);
  oracle.setLeaf(v, fq.partner, PARTNER);
  v.x[fq.leaf] = A;
  v.y[fq.leaf] = A;
  return Array.from(oracle.evaluate(v), (o) => o === FUSED_SIGNAL);
}
