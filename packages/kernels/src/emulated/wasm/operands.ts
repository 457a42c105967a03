import type { Panel } from "../five-loops.js";
import { arenaF32, arenaMemory, reserveArena } from "./arena.js";
import { leastExponent, productsOnGrid } from "./grid-scan.js";

/*
 * One gemm call's operands in the kernels' memory: the two k-contiguous panels copied in whole (each in
 * one copy of its span, leading dimension kept) and the block sums' binary64 buffer, laid out
 * [A][B][v (M×N binary64)] from byte 0 or after an adopted A (gemmRowsAsBatch1's packed op(B), copied in
 * once for all its rows). Each panel keeps its element offset modulo 4, i.e. its vectors' 16-byte
 * alignment (MKL's SSE order `align-b` depends on it). Each copy is scanned for its least exponent
 * (grid-scan.ts, when a fused kernel first asks): whether the call's products all lie on the 2^-179 grid
 * picks the fused kernels' midpoint test.
 */

export interface ArenaOperands {
  readonly a: Float32Array;
  readonly aBase: number;
  readonly lda: number;
  readonly b: Float32Array;
  readonly bBase: number;
  readonly ldb: number;
  /** The block sums, M×N, from index 0. */
  readonly v: Float64Array;
}

/** Where a copied panel's span lies in the memory (element index, count), and its least exponent once scanned. */
interface Span { readonly base: number; readonly count: number; least?: number }

/** A panel adopted into the memory at byte 0 (see adoptPanel), its size in bytes and span. */
let adopted: { readonly panel: Panel; readonly bytes: number; readonly span: Span } | undefined;

/** The spans the last arenaOperands copied in (what the kernels now read) and, once asked, their grid condition. */
let current: { readonly a: Span; readonly b: Span; grid?: boolean } | undefined;

/** The least exponent of a span (padding between rows included: a smaller one only makes the condition stricter). */
function least(s: Span): number {
  s.least ??= leastExponent(arenaF32(), s.base, s.count);
  return s.least;
}

/**
 * Whether the operands now in the kernels' memory have all their products on the 2^-179 grid (grid-scan.ts).
 * Scanned on the first question per call (only the fused kernels ask), an adopted panel once per adoption.
 */
export function operandsOnGrid(): boolean {
  if (current === undefined) return false;
  current.grid ??= productsOnGrid(least(current.a), least(current.b));
  return current.grid;
}

const align = (n: number) => Math.ceil(n / 16) * 16;

/** Copies a panel of `rows` vectors of K into the memory at byte `at` (16-aligned) or just after; its first element's index. */
function copyPanel(dst: Float32Array, at: number, p: Panel, rows: number, K: number): number {
  const span = rows === 0 ? 0 : (rows - 1) * p.ld + K;
  const base = at / 4 + (((p.data.byteOffset >> 2) + p.offset) & 3);
  dst.set(p.data.subarray(p.offset, p.offset + span), base);
  return base;
}

/** Bytes a panel takes in the memory, alignment shift included, rounded up to 16. */
const panelBytes = (p: Panel, rows: number, K: number) => align(4 * ((rows === 0 ? 0 : (rows - 1) * p.ld + K) + 3));

const span = (base: number, p: Panel, rows: number, K: number): Span => ({ base, count: rows === 0 ? 0 : (rows - 1) * p.ld + K });

/** A_lib (M×K) and B_lib (N×K) in the memory, with room for M×N block sums. */
export function arenaOperands(pa: Panel, pb: Panel, M: number, N: number, K: number): ArenaOperands {
  const own = adopted !== undefined && adopted.panel === pa;
  const aBytes = own ? adopted!.bytes : panelBytes(pa, M, K);
  const bAt = aBytes, vAt = bAt + panelBytes(pb, N, K);
  reserveArena(vAt + 8 * M * N);
  const f32 = arenaF32();
  const aBase = own ? pa.offset : copyPanel(f32, 0, pa, M, K);
  const bBase = copyPanel(f32, bAt, pb, N, K);
  current = { a: own ? adopted!.span : span(aBase, pa, M, K), b: span(bBase, pb, N, K) };
  return { a: f32, aBase, lda: pa.ld, b: f32, bBase, ldb: pb.ld, v: new Float64Array(arenaMemory().buffer, vAt, M * N) };
}

/**
 * Copies a packed A_lib (M×K) into the memory once, with room for calls of up to `n` columns after it,
 * and returns it as a panel of the memory; arenaOperands then uses it in place until releasePanel.
 */
export function adoptPanel(p: Panel, M: number, K: number, n: number): Panel {
  const bytes = panelBytes(p, M, K);
  reserveArena(bytes + align(4 * (n * K + 3)) + 8 * M * n);
  const f32 = arenaF32();
  const panel: Panel = { data: f32, offset: copyPanel(f32, 0, p, M, K), ld: p.ld };
  adopted = { panel, bytes, span: span(panel.offset, p, M, K) };
  return panel;
}

/** Ends an adoption (the memory at byte 0 is free again). */
export function releasePanel(): void { adopted = undefined; current = undefined; }
