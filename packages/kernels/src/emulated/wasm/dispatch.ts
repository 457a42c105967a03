import type { Accumulation } from "../accumulation.js";
import { chainTileFma, chainTileMulAdd } from "../orders/chain.js";
import { interleavedOrder, type InterleavedAccumulation } from "../orders/interleaved.js";
import { arenaMemory, inArena, optimisedModule, wasmApi, wasmEnabled } from "./arena.js";
import { chainKernelModule, chainKernelName } from "./chain-kernel.js";
import { operandsOnGrid } from "./operands.js";

/*
 * The hook tileSums calls first: when the operands and the block sums live in the kernels' memory (the
 * five loops put them there, see arena.ts) and the order has a generated WebAssembly kernel, the tile
 * runs there; otherwise (returns false) the JavaScript path runs it.
 *
 * Coverage: `chain` (fused and multiply-then-add) and two-register `interleaved` with an unroll that is a
 * multiple of 4 (OpenBLAS Haswell's even/odd m8n4 and m8n6 tiles), every tile shape: the tile is cut into
 * blocks of BLOCK rows × columns (edges get their own smaller kernels), each compiled on first use.
 * Orders reached through `k-blocked` with carry `init` come here block by block through tileSums.
 * Everything else runs in JavaScript.
 */

type ChainKernel = (a: number, lda: number, b: number, ldb: number, len: number, v: number, ldv: number) => number;

/**
 * Block shapes of the generated kernels (rows × columns), measured with a micro-benchmark of every shape on
 * one core: a tile at least `cols` wide is cut into rows × cols blocks; a narrower one (a single column:
 * batch-1 calls) into `narrow` blocks, taller, since the transposition of A's rows is then shared by fewer columns.
 * Fused single columns: 8×1 (grid test, len 784, best of 30: 8×1 4.86, 12×1 4.55, 16×1 4.05 GFLOP/s; the
 * general test 3.1 for 8×1 and 12×1 alike).
 */
export const BLOCK = {
  mulAdd: { rows: 8, cols: 4, narrow: [{ rows: 32, cols: 1 }, { rows: 16, cols: 2 }, { rows: 8, cols: 3 }] },
  fused: { rows: 4, cols: 4, narrow: [{ rows: 8, cols: 1 }, { rows: 4, cols: 2 }, { rows: 4, cols: 3 }] },
  pairMulAdd: { rows: 8, cols: 2, narrow: [{ rows: 16, cols: 1 }] },
  pairFused: { rows: 4, cols: 2, narrow: [{ rows: 8, cols: 1 }] },
} as const;

/** Compiled kernels by order and shape: index ((pairUnroll / 4)·3 + fused + grid)·561 + 17·rows + cols (rows ≤ 32, cols ≤ 16). */
const kernels = new Map<number, ChainKernel>();

/**
 * The chain kernel for a rows×cols block, compiled and instantiated on first use; `grid` (fused only): the
 * cheaper midpoint test, exact only on operands whose products are multiples of 2^-179 (chain-kernel.ts).
 */
export function chainWasmKernel(fused: boolean, rows: number, cols: number, pairUnroll = 0, grid = false): ChainKernel {
  const g = fused && grid;
  const key = ((pairUnroll / 4) * 3 + (fused ? 1 : 0) + (g ? 1 : 0)) * 561 + 17 * rows + cols;
  let k = kernels.get(key);
  if (k === undefined) {
    const name = chainKernelName(fused, rows, cols, pairUnroll, g);
    const instance = new wasmApi!.Instance(optimisedModule(chainKernelModule(fused, rows, cols, pairUnroll, g)), { env: { memory: arenaMemory() } });
    k = instance.exports[name] as ChainKernel;
    kernels.set(key, k);
  }
  return k;
}

/** Counts of blocks run in WebAssembly and of fused blocks redone in JavaScript (a lane hit a possible midpoint), for tests. */
export const wasmCounters = { blocks: 0, redone: 0 };

/**
 * `chain` over a rectangle in WebAssembly; a, b, v are views of the kernels' memory. `grid`: the caller
 * has established that every product is a multiple of 2^-179 (operands.ts), so the fused kernels may use
 * their cheaper midpoint test.
 */
export function wasmChainTile(fused: boolean, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number, grid = false): void {
  wasmBlocks(fused, 0, undefined, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld, grid);
}

/** Two-register `interleaved` (unroll a multiple of 4) over a rectangle in WebAssembly; `grid` as for wasmChainTile. */
export function wasmPairTile(acc: InterleavedAccumulation, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number, grid = false): void {
  wasmBlocks(acc.fused, acc.unroll, acc, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld, grid);
}

function wasmBlocks(fused: boolean, pairUnroll: number, pair: InterleavedAccumulation | undefined, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number, grid: boolean): void {
  const shapes = pairUnroll === 0 ? (fused ? BLOCK.fused : BLOCK.mulAdd) : (fused ? BLOCK.pairFused : BLOCK.pairMulAdd);
  const width = s1 - s0;
  if (width <= 0 || r1 <= r0) return;
  const blk = width < shapes.cols ? shapes.narrow[width - 1]! : shapes;
  const aB = a.byteOffset, bB = b.byteOffset, vB = v.byteOffset;
  for (let s = s0; s < s1; s += blk.cols) {
    const cols = Math.min(blk.cols, s1 - s);
    for (let r = r0; r < r1; r += blk.rows) {
      const rows = Math.min(blk.rows, r1 - r);
      const k = chainWasmKernel(fused, rows, cols, pairUnroll, grid);
      wasmCounters.blocks++;
      const hit = k(aB + 4 * (aOff + r * lda), 4 * lda, bB + 4 * (bOff + s * ldb), 4 * ldb, len, vB + 8 * (s * ld + r), 8 * ld);
      if (hit !== 0) {
        // A lane met a possible binary32 midpoint: the block, untouched, by the exact JavaScript path.
        wasmCounters.redone++;
        if (pair !== undefined) interleavedOrder.tile!(pair, a, aOff, lda, b, bOff, ldb, r, r + rows, s, s + cols, len, v, ld);
        else if (fused) chainTileFma(a, aOff, lda, b, bOff, ldb, r, r + rows, s, s + cols, len, v, ld);
        else chainTileMulAdd(a, aOff, lda, b, bOff, ldb, r, r + rows, s, s + cols, len, v, ld);
      }
    }
  }
}

/** Whether an accumulation has a generated kernel (a `k-blocked` one when its `init`-carried blocks do). */
export function wasmCovers(acc: Accumulation): boolean {
  if (acc.kind === "chain") return true;
  if (acc.kind === "interleaved") return acc.accumulators === 2 && acc.unroll > 0 && acc.unroll % 4 === 0 && acc.unroll <= 64;
  if (acc.kind === "k-blocked") return (acc.carry === "init" && wasmCovers(acc.inner)) || (acc.restCarry === "init" && wasmCovers(acc.rest));
  return false;
}

/** Runs the tile in WebAssembly when it can (see the file comment); false: the caller runs its JavaScript form. */
export function wasmTileSums(acc: Accumulation, a: Float32Array, aOff: number, lda: number, b: Float32Array, bOff: number, ldb: number, r0: number, r1: number, s0: number, s1: number, len: number, v: Float64Array, ld: number): boolean {
  if (!wasmEnabled() || !inArena(a) || !inArena(b) || !inArena(v)) return false;
  // The operands in the memory are the ones arenaOperands last copied in (scanned when a fused kernel first asks).
  if (acc.kind === "chain") { wasmChainTile(acc.fused, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld, acc.fused && operandsOnGrid()); return true; }
  if (acc.kind === "interleaved" && wasmCovers(acc)) { wasmPairTile(acc, a, aOff, lda, b, bOff, ldb, r0, r1, s0, s1, len, v, ld, acc.fused && operandsOnGrid()); return true; }
  return false;
}
