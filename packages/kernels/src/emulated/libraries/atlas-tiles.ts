import type { Accumulation } from "../accumulation.js";
import type { Tile } from "../declaration.js";

/**
 * ATLAS 3.10.3's tile kernels (Debian libatlas3-base, the generic x86-64 build: SSE2, no FMA), as its
 * drivers (atlas.ts) call them: the full NB×NB kernel, the M-, N- and K-cleanup kernels. Generated at
 * build time, so their orders were measured with the order probe and the native bridge.
 */

/** MB = NB = KB = 48: the block edge every probed tree shows (4-lane dot products over 48-term blocks,
 *  full 48×48 tiles vs partial ones), e.g. `probe --backend atlas-3.10.3-base --shape 64x128x784 --trans-b`. */
export const NB = 48;
/** SSE2 4-lane dot product over k (lane t mod 4), folded (L0+L2)+(L1+L3), multiply then add. */
const lanes4: Accumulation = { kind: "lanes", fused: false, lanes: 4, minLength: 0, reduce: "blis-generic-4", tail: "mul-add-chain" };
export const chain: Accumulation = { kind: "chain", fused: false };

/**
 * A full NB×NB tile: 48-term blocks of four lanes, the running value (C or the work block) loaded into
 * lane 0 of the next block; the K mod 48 rest, when a multiple of 4, as four lanes of its own added
 * after, otherwise one chain continuing the running value (the K-cleanup kernels).
 */
export function fullTile(K: number): Accumulation {
  const rest4 = K % 4 === 0;
  return { kind: "k-blocked", block: NB, inner: lanes4, carry: "init", rest: rest4 ? lanes4 : chain, restCarry: rest4 ? "add" : "init" };
}
/** A tile partial in M or in N: each 48-term block its own 4-lane sum added to the running
 *  value, the K mod 48 rest one chain continuing it. */
export const partialTile: Accumulation = { kind: "k-blocked", block: NB, inner: lanes4, carry: "add", rest: chain, restCarry: "init" };

/** Which kernel a tile of the M×N grid of NB blocks gets: full, partial in M only, partial in N only, both;
 *  a partial-in-M kernel may differ row by row. */
export function* atlasTiles(mBlock: number, nBlock: number, full: Accumulation, mPartial: (rows: number, row: number) => Accumulation, nPartial: Accumulation): Iterable<Tile> {
  if (mBlock < NB && nBlock === NB) {
    for (let r = 0; r < mBlock;) {
      const accumulation = mPartial(mBlock, r);
      let r1 = r + 1;
      while (r1 < mBlock && mPartial(mBlock, r1) === accumulation) r1++;
      yield { r0: r, r1, s0: 0, s1: nBlock, accumulation };
      r = r1;
    }
    return;
  }
  const accumulation = mBlock === NB ? (nBlock === NB ? full : nPartial) : chain;
  yield { r0: 0, r1: mBlock, s0: 0, s1: nBlock, accumulation };
}

/** A no-copy tile partial in M with a multiple of 12 rows: the blocked kernel with the running value in
 *  lane 0, the K mod 48 rest one chain. */
const shortM: Accumulation = { kind: "k-blocked", block: NB, inner: lanes4, carry: "init", rest: chain, restCarry: "init" };
/** The 14-row cleanup kernel (run for 14, 28 and 42 rows): like shortM, but the rows at offsets 0, 1, 4,
 *  5, 8, 9 of every 14 fold their lanes (L0+L1)+(L2+L3) (measured on 48x28x128, 48x76x303 and
 *  48x90x100, independent of K and ldb). */
const shortMAdjacent: Accumulation = {
  kind: "k-blocked", block: NB, carry: "init", rest: chain, restCarry: "init",
  inner: { kind: "lanes", fused: false, lanes: 4, minLength: 0, reduce: "adjacent", tail: "mul-add-chain" },
};
/** Row offsets, modulo 14, whose lanes fold adjacent in the 14-row cleanup kernel (rows 14, 28, 42). */
const ADJACENT_14 = new Set([0, 1, 4, 5, 8, 9]);
export type CleanupKind = "lane0" | "added" | "chain" | "14";
/** The cleanup kernel of a no-copy tile partial in M, by its row count (a table of generated kernels,
 *  measured row count by row count, 1..47, against the library on 48 x (48 + r) x {60, 98, 100} calls,
 *  padded and not, the same for all four transpose pairs): lane0 = shortM, added = partialTile,
 *  14 = the 14-row kernel (shortM, ADJACENT_14 rows folding adjacent); absent = one chain. */
export const CLEANUP: Record<number, CleanupKind> = {
  4: "added", 6: "lane0", 8: "added", 12: "lane0", 14: "14", 16: "added", 18: "lane0", 20: "added", 24: "lane0",
  28: "14", 30: "lane0", 32: "added", 36: "lane0", 40: "added", 42: "14", 44: "added",
};
/** The 14-row kernel's β ∉ {0, 1} form (its _bX kernel): the first 48-term block summed from +0 and β·C
 *  added after it, later blocks continuing in lane 0 (measured with β = 2 on a halved C: 48x28x101 reads
 *  ((block 0) + C) + 48 + 52 …; 48 x {14, 28, 42} x K, K = 101..200, β ∈ {0.25, −1}, and the same rows
 *  under ATL_mmJITcp at K = 2400). */
const betaX14 = new Map<Accumulation, Accumulation>([shortM, shortMAdjacent].map((a) => [a, { ...a, firstCarry: "add" } as Accumulation]));
/** The cleanup kernel of `kind` for a row (offset in its tile); `betaX`: the kernel that meets β ∉ {0, 1}. */
export function cleanup(kind: CleanupKind, row: number, betaX = false): Accumulation {
  if (kind === "14") {
    const acc = ADJACENT_14.has(row % 14) ? shortMAdjacent : shortM;
    return betaX ? betaX14.get(acc)! : acc;
  }
  return kind === "lane0" ? shortM : kind === "added" ? partialTile : chain;
}

/** ATL_mmK (ATL_mmJITcp's and ATL_mmBPP's K loop) pads a K mod KB rest kr with kr + 4 ≥ KB to a whole KB block of zeros. */
export function padsK(K: number): boolean {
  const kr = K % NB;
  return kr !== 0 && kr + 4 >= NB;
}
const paddedKernels = new Map<Accumulation, Accumulation>();
/**
 * A tile's kernel when ATL_mmK pads the K rest (padsK): the rest runs through the tile's own KB-long
 * kernel, zeros after it, so its products go into that kernel's lanes (lane t mod 4) and it meets the
 * running value as the full blocks do; a kernel that is one chain is unchanged (+0 products add nothing).
 * Measured: 1x128x2445 and its neighbours (K mod 48 = 44..47) on the N-partial and corner tiles.
 */
export function paddedK(acc: Accumulation): Accumulation {
  if (acc.kind !== "k-blocked" || acc.inner.kind !== "lanes") return acc;
  let out = paddedKernels.get(acc);
  if (out === undefined) {
    out = { ...acc, rest: { ...acc.inner, tail: "in-lanes" }, restCarry: acc.carry };
    paddedKernels.set(acc, out);
  }
  return out;
}
