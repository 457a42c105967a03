import { mklHalveOnce, type MklHalveOnceSplit } from "./mkl-accumulation.js";

/**
 * How a library cuts a length (k for the pc loop, m for the ic loop) into blocks.
 *
 * - `whole`: one block (no blocking).
 * - `fixed`: blocks of `size`, the last one shorter (BLIS's kc/mc loops).
 * - `halve-rest`: OpenBLAS driver/level3/level3.c (0.3.21): while rest >= 2·size take size; if
 *   size < rest < 2·size take ⌈⌊rest/2⌋ / align⌉·align; else take the rest.
 * - `fixed-max`: BLIS's bli_determine_blocksize_f_sub with a maximum blocksize: blocks of `size`,
 *   except that a rest of at most `max` is taken whole.
 */
export type Split =
  | { readonly kind: "whole" }
  | { readonly kind: "fixed"; readonly size: number }
  | { readonly kind: "halve-rest"; readonly size: number; readonly align: number }
  | { readonly kind: "fixed-max"; readonly size: number; readonly max: number }
  | MklHalveOnceSplit;

/** The block lengths `split` cuts `length` into, in loop order. */
export function splitLength(length: number, split: Split): number[] {
  if (length === 0) return [];
  if (split.kind === "whole") return [length];
  if (split.kind === "mkl-halve-once" || split.kind === "mkl-halve-ceil" || split.kind === "mkl-whole-halve-fixed") return mklHalveOnce(length, split);
  const out: number[] = [];
  let rest = length;
  while (rest > 0) {
    let len: number;
    if (split.kind === "fixed") len = Math.min(split.size, rest);
    else if (split.kind === "fixed-max") len = rest <= split.max ? rest : split.size;
    else if (rest >= 2 * split.size) len = split.size;
    else if (rest > split.size) len = Math.ceil(Math.floor(rest / 2) / split.align) * split.align;
    else len = rest;
    out.push(len);
    rest -= len;
  }
  return out;
}
