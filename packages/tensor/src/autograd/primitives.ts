import type { Kernel } from "@chimera/kernels";
import type { Tensor } from "../tensor.js";
import { isGradEnabled } from "./grad-mode.js";

/**
 * The primitives: the only ops with a gradient rule. Everything else (softmax, log-softmax,
 * cross-entropy, batch norm, SiLU, mean, dropout, …) is composed from these. Each entry gives the
 * parameters the forward saves for its backward rule.
 */
export interface PrimitiveParams {
  add: Record<string, never>;
  sub: Record<string, never>;
  mul: Record<string, never>;
  div: Record<string, never>;
  fma: Record<string, never>;
  maximum: Record<string, never>;
  neg: Record<string, never>;
  exp: Record<string, never>;
  log: Record<string, never>;
  sqrt: Record<string, never>;
  tanh: Record<string, never>;
  sigmoid: Record<string, never>;
  relu: Record<string, never>;
  powScalar: { p: number };
  sum: { axes: number[]; keepDim: boolean };
  max: { axis: number; keepDim: boolean; argmax: Int32Array };
  reshape: Record<string, never>;
  permute: { perm: number[] };
  contiguous: Record<string, never>;
  slice: { axis: number; start: number; end: number };
  indexSelect: { indices: Int32Array };
  matmul: { kernel: Kernel };
  linear: { kernel: Kernel };
  conv2d: { kernel: Kernel; stride: [number, number]; padding: [number, number]; groups: number };
  maxPool2d: { argmax: Int32Array };
  avgPool2d: { windows: PoolWindows };
}

/** Pooling windows per output row/column: [start, end) in input coordinates, shared by avg pools. */
export interface PoolWindows {
  hStart: Int32Array;
  hEnd: Int32Array;
  wStart: Int32Array;
  wEnd: Int32Array;
  /** Divisor per output position (oh*ow), as PyTorch computes it for the pool kind. */
  divisor: Int32Array;
}

/** Name of a primitive op. */
export type PrimitiveName = keyof PrimitiveParams;

/** The record of one primitive application: what produced a non-leaf tensor. */
export interface Node<K extends PrimitiveName = PrimitiveName> {
  op: K;
  inputs: Tensor[];
  params: PrimitiveParams[K];
}

/** A node of any primitive (a discriminated union on `op`). */
export type AnyNode = { [K in PrimitiveName]: Node<K> }[PrimitiveName];

/**
 * A gradient rule: given d(loss)/d(out) (contiguous, shape of out), the node and the output, returns
 * d(loss)/d(input) for each input (same shapes as the inputs), or null where no gradient is needed.
 */
export type Rule<K extends PrimitiveName> = (g: Tensor, node: Node<K>, out: Tensor) => (Tensor | null)[];

/**
 * Attaches a node to `out` when recording is on and any input requires a gradient; marks `out` as
 * requiring one. Returns out.
 */
export function record<K extends PrimitiveName>(op: K, inputs: Tensor[], params: PrimitiveParams[K], out: Tensor): Tensor {
  if (!isGradEnabled()) return out;
  let any = false;
  for (const t of inputs) if (t.requiresGrad) any = true;
  if (!any) return out;
  out.requiresGrad = true;
  out.node = { op, inputs, params } as AnyNode;
  return out;
}

/** Empty params for primitives that need none. */
export const NO_PARAMS: Record<string, never> = Object.freeze({}) as Record<string, never>;
