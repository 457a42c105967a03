import type { Tensor } from "../tensor.js";

/** Base of the optimizers: holds the parameters, clears their gradients, applies one step. */
export abstract class Optimizer {
  constructor(readonly params: Tensor[]) {
    if (params.length === 0) throw new Error(`${new.target.name}: got an empty parameter list`);
  }

  /** Drops every parameter's gradient (PyTorch's zero_grad(set_to_none=True), the 2.x default). */
  zeroGrad(): void {
    for (const p of this.params) p.grad = null;
  }

  /** Updates the parameters in place from their gradients; parameters without a gradient are skipped. */
  abstract step(): void;

  /**
   * The optimizer's per-parameter state as tensors, keyed like torch's optimizer state_dict
   * ("state.<param index>.<name>"), for checkpoints that resume bit-identically.
   */
  abstract stateDict(): Map<string, Tensor>;

  /** Restores what stateDict() returned (for the same parameter list); unknown keys are an error. */
  abstract loadStateDict(state: Map<string, Tensor>): void;

  /** The index of a "state.<i>.<name>" key, checked against the parameter list. */
  protected stateIndex(key: string, names: readonly string[]): { index: number; name: string } {
    const m = /^state\.(\d+)\.(\w+)$/.exec(key);
    const index = m ? Number(m[1]) : -1;
    if (!m || index >= this.params.length || !names.includes(m[2]!)) {
      throw new Error(`${this.constructor.name}.loadStateDict: unexpected key "${key}" (expected state.<0..${this.params.length - 1}>.<${names.join("|")}>)`);
    }
    return { index, name: m[2]! };
  }
}
