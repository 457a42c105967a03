import type { Tensor } from "../tensor.js";
import { formatShape } from "../shape.js";
import { div, mul, sub } from "./binary.js";
import { exp, log, neg, sigmoid } from "./unary.js";
import { max, mean, sum } from "./reduce.js";
import { tensor } from "../tensor.js";

/**
 * Composite activations and losses, built from primitives only (their gradients follow from the
 * primitives' rules). The max subtracted for stability is detached: it cancels exactly in the maths,
 * so no gradient needs to flow through it (PyTorch's kernels do the same subtraction).
 */

function shifted(x: Tensor, axis: number): Tensor {
  return sub(x, max(x, axis, true).detach());
}

/** softmax(x) along `axis` = exp(x − max) / Σ exp(x − max). */
export function softmax(x: Tensor, axis = -1): Tensor {
  const e = exp(shifted(x, axis));
  return div(e, sum(e, axis, true));
}

/** log-softmax along `axis` = (x − max) − log Σ exp(x − max). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const s = shifted(x, axis);
  return sub(s, log(sum(exp(s), axis, true)));
}

/** SiLU (swish): x · sigmoid(x). */
export function silu(x: Tensor): Tensor {
  return mul(x, sigmoid(x));
}

/**
 * Cross-entropy of logits [B, C] against integer class targets (length B), mean over the batch
 * (torch.nn.functional.cross_entropy, reduction "mean"): −(1/B) Σ_b log_softmax(logits)[b, t_b].
 * The pick is a multiply by a constant one-hot mask and a row sum (adding exact zeros).
 */
export function crossEntropy(logits: Tensor, targets: ArrayLike<number>): Tensor {
  if (logits.ndim !== 2) throw new Error(`crossEntropy: expected logits [batch, classes], got ${formatShape(logits.shape)}`);
  const [B, C] = logits.shape as [number, number];
  if (targets.length !== B) throw new Error(`crossEntropy: expected ${B} targets, got ${targets.length}`);
  const mask = new Float32Array(B * C);
  for (let b = 0; b < B; b++) {
    const t = targets[b]!;
    if (!Number.isInteger(t) || t < 0 || t >= C) throw new Error(`crossEntropy: target ${t} at row ${b} outside [0, ${C})`);
    mask[b * C + t] = 1;
  }
  const picked = sum(mul(logSoftmax(logits, 1), tensor(mask, [B, C])), 1);
  return neg(mean(picked));
}

