import type { ProbeOracle } from "./oracle.js";
import { isLeaf, leavesOf, type SumTree } from "./tree.js";

/**
 * The accumulator's precision, in significand bits: with round-to-nearest, 2^e + 1 loses the 1 from
 * e = p on (2^p + 1 is a tie, rounded to even). Leaves i and j sit in one child of the root with
 * i = 1 and j = 2^e, leaf l in another child is −2^e, every other term 0: the output is 1 while
 * 2^e + 1 is exact and 0 once it is not. 24 = binary32, 53 = binary64, 64 = x87 extended; null when
 * nothing up to 2^120 is lost (an exact accumulator) or the tree has fewer than three leaves.
 */
export function accumulatorBits(oracle: ProbeOracle, tree: SumTree, element: number): number | null {
  if (isLeaf(tree) || tree.size < 3) return null;
  let i: number, j: number, l: number;
  const big = tree.children.find((c) => !isLeaf(c) && c.size >= 2);
  if (big) {
    [i, j] = leavesOf(big) as [number, number];
    l = leavesOf(tree.children.find((c) => c !== big)!)[0]!;
  } else {
    [i, j, l] = leavesOf(tree) as [number, number, number];
  }
  for (let e = 1; e <= 120; e++) {
    const v = oracle.blank(0);
    oracle.setLeaf(v, i, 1);
    oracle.setLeaf(v, j, 2 ** e);
    oracle.setLeaf(v, l, -(2 ** e));
    if (oracle.evaluate(v)[element] === 0) return e;
  }
  return null;
}
