import { Optimizer } from "./optimizer.js";
import { Tensor } from "../tensor.js";

/** Hyper-parameters of Adam (PyTorch names and defaults). */
export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

/**
 * torch.optim.Adam (single-tensor, non-capturable path), elementwise in binary32:
 *   g = g + wd·p;  m = m + (1 − β1)·(g − m)  (lerp);  v = β2·v + (1 − β2)·g·g
 *   bc1 = 1 − β1^t, bc2 = 1 − β2^t (binary64);  step = lr / bc1;  denom = √v / √bc2 + eps
 *   p = p + (−step · m) / denom
 * with torch's association (addcmul: self + (value·t1)·t2; addcdiv: self + (value·t1)/t2, from
 * aten/src/ATen/native/cpu/PointwiseOpsKernel.cpp). Scalars are rounded to binary32 where torch casts
 * them for a float tensor. Not bit-equal to torch everywhere: torch's vectorised `add(alpha)` and
 * `lerp` kernels may fuse multiply-adds on AVX2 builds; we round each operation separately.
 */
export class Adam extends Optimizer {
  private readonly state = new Map<Tensor, { m: Float32Array; v: Float32Array; t: number }>();
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;

  constructor(params: Tensor[], opts: AdamOptions = {}) {
    super(params);
    this.lr = opts.lr ?? 1e-3;
    [this.beta1, this.beta2] = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
  }

  override step(): void {
    const f = Math.fround;
    for (const p of this.params) {
      if (!p.grad) continue;
      const n = p.size, o = p.offset, w = p.data, g = p.grad.values();
      let s = this.state.get(p);
      if (!s) {
        s = { m: new Float32Array(n), v: new Float32Array(n), t: 0 };
        this.state.set(p, s);
      }
      s.t++;
      const bc1 = 1 - Math.pow(this.beta1, s.t), bc2 = 1 - Math.pow(this.beta2, s.t);
      const negStep = f(-(this.lr / bc1)), bc2Sqrt = f(Math.sqrt(bc2));
      const w1 = f(1 - this.beta1), b2 = f(this.beta2), w2 = f(1 - this.beta2), eps = f(this.eps), wd = f(this.weightDecay);
      const m = s.m, v = s.v; // locals: the loop below runs once per parameter element
      for (let i = 0; i < n; i++) {
        const gi = wd !== 0 ? f(g[i]! + f(wd * w[o + i]!)) : g[i]!;
        const mi = f(m[i]! + f(w1 * f(gi - m[i]!)));
        const vi = f(f(b2 * v[i]!) + f(f(w2 * gi) * gi)); // mul_(β2).addcmul_(g, g, 1 − β2): self + (value·t1)·t2
        m[i] = mi;
        v[i] = vi;
        const denom = f(f(Math.sqrt(vi) / bc2Sqrt) + eps);
        w[o + i] = f(w[o + i]! + f(f(negStep * mi) / denom)); // addcdiv_: self + (value·t1)/t2
      }
    }
  }

  override stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    this.params.forEach((p, i) => {
      const s = this.state.get(p);
      if (!s) return;
      out.set(`state.${i}.step`, new Tensor(Float32Array.of(s.t), [1]));
      out.set(`state.${i}.exp_avg`, new Tensor(Float32Array.from(s.m), [...p.shape]));
      out.set(`state.${i}.exp_avg_sq`, new Tensor(Float32Array.from(s.v), [...p.shape]));
    });
    return out;
  }

  override loadStateDict(state: Map<string, Tensor>): void {
    this.state.clear();
    for (const [key, t] of state) {
      const { index, name } = this.stateIndex(key, ["step", "exp_avg", "exp_avg_sq"]);
      const p = this.params[index]!;
      let s = this.state.get(p);
      if (!s) this.state.set(p, (s = { m: new Float32Array(p.size), v: new Float32Array(p.size), t: 0 }));
      if (name === "step") s.t = t.item();
      else if (t.size !== p.size) throw new Error(`Adam.loadStateDict: "${key}" has ${t.size} elements, parameter ${index} has ${p.size}`);
      else (name === "exp_avg" ? s.m : s.v).set(t.values());
    }
  }
}
