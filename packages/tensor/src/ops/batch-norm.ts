import { Tensor } from "../tensor.js";
import { formatShape } from "../shape.js";
import { noGrad } from "../autograd/grad-mode.js";
import { add, div, fusedMulAdd, mul, sub } from "./binary.js";
import { neg, sqrt } from "./unary.js";
import { mean } from "./reduce.js";
import { reshape } from "./movement.js";

/** Parameters and running statistics of a 2-D batch norm over channels of x [N, C, H, W]. */
export interface BatchNormState {
  weight: Tensor | null;
  bias: Tensor | null;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  momentum: number;
  eps: number;
}

/**
 * Batch normalisation, PyTorch semantics (momentum 0.1 and eps 1e-5 by default in nn.BatchNorm2d).
 * Composite of primitives, in the form PyTorch's CPU kernel evaluates it:
 *   invstd = 1 / sqrt(var + eps);  α = weight · invstd;  β = fma(−mean, α, bias);  y = fma(x, α, β)
 * (both fused multiply-adds: GCC contracts torch's `bias - mean * alpha` and vectorised `x * alpha + beta`
 * into FMA instructions in its AVX2/AVX-512 kernels; checked bit for bit against torch 1.13.1 with oneDNN off)
 * Training uses the batch mean and the biased batch variance mean((x − mean)²) over (N, H, W), and
 * updates running_mean ← (1 − m)·running_mean + m·mean and running_var ← (1 − m)·running_var +
 * m·var·n/(n − 1) (unbiased), each element computed in binary64 and rounded once. Evaluation uses
 * the running statistics as constants.
 */
export function batchNorm2d(x: Tensor, s: BatchNormState, training: boolean): Tensor {
  if (x.ndim !== 4) throw new Error(`batchNorm2d: expected input [N, C, H, W], got ${formatShape(x.shape)}`);
  const C = x.shape[1]!, chan = [1, C, 1, 1];
  let m: Tensor, v: Tensor;
  if (training) {
    const n = x.size / C;
    if (n <= 1) throw new Error(`batchNorm2d: training needs more than one value per channel, got ${formatShape(x.shape)}`);
    m = mean(x, [0, 2, 3], true);
    const d = sub(x, m);
    v = mean(mul(d, d), [0, 2, 3], true);
    if (s.runningMean && s.runningVar) updateRunning(s, m, v, n);
  } else {
    if (!s.runningMean || !s.runningVar) throw new Error("batchNorm2d: evaluation needs running_mean and running_var");
    m = reshape(s.runningMean.detach(), chan);
    v = reshape(s.runningVar.detach(), chan);
  }
  const invstd = div(1, sqrt(add(v, s.eps)));
  const alpha = s.weight ? mul(reshape(s.weight, chan), invstd) : invstd;
  const beta = fusedMulAdd(neg(m), alpha, s.bias ? reshape(s.bias, chan) : 0);
  return fusedMulAdd(x, alpha, beta);
}

function updateRunning(s: BatchNormState, m: Tensor, v: Tensor, n: number): void {
  noGrad(() => {
    const rm = s.runningMean!.data, rv = s.runningVar!.data, mv = m.values(), vv = v.values();
    const k = s.momentum;
    for (let c = 0; c < rm.length; c++) {
      rm[c] = (1 - k) * rm[c]! + k * mv[c]!;
      rv[c] = (1 - k) * rv[c]! + k * ((vv[c]! * n) / (n - 1));
    }
  });
}
