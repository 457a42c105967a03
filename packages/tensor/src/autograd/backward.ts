import { Tensor } from "../tensor.js";
import { formatShape, sameShape } from "../shape.js";
import type { AnyNode, PrimitiveName, Rule } from "./primitives.js";
import { noGrad } from "./grad-mode.js";
import { rules } from "./rules.js";

/**
 * The micrograd algorithm: order the graph topologically from `root`, seed d(root)/d(root) with
 * ones (or `seed`), walk in reverse, apply each node's rule and accumulate into its inputs with +=
 * (binary32 additions, in the order the walk reaches them). Intermediate gradients live only for
 * this walk; leaves (requiresGrad and no node) accumulate into `grad`, PyTorch-style. Rules run under
 * noGrad, so the backward pass is first-order and records nothing.
 */
export function backward(root: Tensor, seed?: Tensor): void {
  if (!root.requiresGrad) throw new Error(`backward: ${root} does not require grad (no input on its path requires grad)`);
  if (seed && !sameShape(seed.shape, root.shape)) {
    throw new Error(`backward: seed shape ${formatShape(seed.shape)} does not match output ${formatShape(root.shape)}`);
  }
  const order = topoOrder(root);
  const grads = new Map<Tensor, Float32Array>();
  grads.set(root, seed ? Float32Array.from(seed.values()) : new Float32Array(root.size).fill(1));
  noGrad(() => {
    for (let i = order.length - 1; i >= 0; i--) {
      const t = order[i]!;
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      const gt = new Tensor(g, t.shape);
      if (!t.node) {
        accumulateLeaf(t, gt);
        continue;
      }
      const node = t.node;
      const rule = rules[node.op] as unknown as Rule<PrimitiveName>;
      const inGrads = rule(gt, node as unknown as AnyNode, t);
      node.inputs.forEach((inp, k) => {
        const gi = inGrads[k];
        if (!gi || !inp.requiresGrad) return;
        if (!sameShape(gi.shape, inp.shape)) {
          throw new Error(`backward: rule ${node.op} returned grad ${formatShape(gi.shape)} for input ${k} of shape ${formatShape(inp.shape)}`);
        }
        const prev = grads.get(inp);
        if (!prev) {
          grads.set(inp, Float32Array.from(gi.values()));
        } else {
          const v = gi.values();
          for (let j = 0; j < prev.length; j++) prev[j] += v[j]!;
        }
      });
    }
  });
}

function accumulateLeaf(t: Tensor, g: Tensor): void {
  if (!t.grad) {
    t.grad = g;
    return;
  }
  const acc = t.grad.data, v = g.data;
  for (let j = 0; j < acc.length; j++) acc[j] += v[j]!;
}

/** Iterative depth-first post-order over nodes that require grad. */
function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const [t, k] = top;
    const inputs = t.node ? t.node.inputs : [];
    if (k < inputs.length) {
      top[1] = k + 1;
      const c = inputs[k]!;
      if (c.requiresGrad && !seen.has(c)) {
        seen.add(c);
        stack.push([c, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order;
}
