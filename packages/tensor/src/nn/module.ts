import type { Tensor } from "../tensor.js";
import type { ForwardContext } from "../context.js";
import { formatShape, sameShape } from "../shape.js";

/**
 * Base class of layers and containers, with PyTorch's naming: parameters and buffers registered on a
 * module appear in stateDict() as "<child path>.<name>" in torch's order (a module's own parameters,
 * then its buffers, then its children recursively, each in registration order).
 *
 * Mode: `training` (train()/eval()) decides batch-norm statistics and dropout, unless the forward
 * context sets `training` explicitly, which then wins for the whole call.
 */
export abstract class Module {
  training = true;
  private readonly ownParams = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  /** Runs the layer on x with the given kernel / mode / rng. */
  abstract forward(x: Tensor, ctx: ForwardContext): Tensor;

  /** Registers a trainable parameter (requiresGrad is set). */
  protected registerParameter(name: string, t: Tensor): Tensor {
    t.requiresGrad = true;
    this.ownParams.set(name, t);
    return t;
  }

  /** Registers non-trainable state saved in the state dict (running statistics, counters). */
  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.ownBuffers.set(name, t);
    return t;
  }

  /** Registers a child module under `name` (its keys are prefixed "name."). */
  protected registerModule<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Whether this call trains: ctx.training when given, else the module's own mode. */
  protected isTraining(ctx: ForwardContext): boolean {
    return ctx.training ?? this.training;
  }

  /** Child modules with their names, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.children];
  }

  /** (key, parameter) pairs, torch order. */
  namedParameters(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, t] of this.ownParams) out.push([prefix + n, t]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  /** The trainable parameters, torch order. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, t]) => t);
  }

  /** Number of trainable scalars. */
  parameterCount(): number {
    return this.parameters().reduce((s, t) => s + t.size, 0);
  }

  /** Parameters and buffers by key, torch state_dict order. The tensors are live (not copies). */
  stateDict(prefix = ""): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [n, t] of this.ownParams) out.set(prefix + n, t);
    for (const [n, t] of this.ownBuffers) out.set(prefix + n, t);
    for (const [n, c] of this.children) for (const [k, t] of c.stateDict(`${prefix}${n}.`)) out.set(k, t);
    return out;
  }

  /**
   * Copies values from `state` into this module's parameters and buffers (in place, so optimizers
   * keep their references). Throws, listing every problem, on missing keys, unexpected keys or shape
   * mismatches; nothing is copied unless all keys match.
   */
  loadStateDict(state: Map<string, Tensor>): void {
    const own = this.stateDict();
    const problems: string[] = [];
    for (const k of own.keys()) if (!state.has(k)) problems.push(`missing key "${k}"`);
    for (const k of state.keys()) if (!own.has(k)) problems.push(`unexpected key "${k}"`);
    for (const [k, t] of own) {
      const s = state.get(k);
      if (s && !sameShape(s.shape, t.shape)) problems.push(`"${k}": expected shape ${formatShape(t.shape)}, got ${formatShape(s.shape)}`);
    }
    if (problems.length) throw new Error(`loadStateDict(${this.constructor.name}): ${problems.join("; ")}`);
    for (const [k, t] of own) t.data.set(state.get(k)!.values(), t.offset);
  }

  /** Sets training mode on this module and all children; returns this. */
  train(mode = true): this {
    this.training = mode;
    for (const c of this.children.values()) c.train(mode);
    return this;
  }

  /** Sets evaluation mode (train(false)). */
  eval(): this {
    return this.train(false);
  }
}
