import { Optimizer } from "./optimizer.js";
import { Tensor } from "../tensor.js";

/** Hyper-parameters of SGD (PyTorch names and defaults). */
export interface SgdOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

/**
 * torch.optim.SGD (single-tensor path), every operation rounded to binary32:
 *   d = g + wd·p;  buf = d (first step) else buf = μ·buf + (1 − τ)·d;
 *   d = nesterov ? d + μ·buf : buf;  p = p − lr·d
 * Scalars (lr, μ, wd, 1 − τ) are rounded to binary32 first, as torch casts them for a float tensor.
 * Not bit-equal to torch everywhere: torch's vectorised `add_(x, alpha)` is `vec::fmadd(x, alpha, self)`
 * (aten/src/ATen/native/ufunc/add.h), a fused multiply-add on AVX2 builds; we round the product and
 * the sum separately.
 */
export class SGD extends Optimizer {
  private readonly buffers = new Map<Tensor, Float32Array>();
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;

  constructor(params: Tensor[], opts: SgdOptions) {
    super(params);
    this.lr = opts.lr;
    this.momentum = opts.momentum ?? 0;
    this.dampening = opts.dampening ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    this.nesterov = opts.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) throw new Error("SGD: nesterov needs momentum > 0 and dampening 0");
  }

  override step(): void {
    const f = Math.fround, lr = f(this.lr), mu = f(this.momentum), wd = f(this.weightDecay), damp = f(1 - this.dampening);
    for (const p of this.params) {
      if (!p.grad) continue;
      const w = p.data, g = p.grad.values(), n = p.size, o = p.offset;
      let buf = this.buffers.get(p);
      const first = !buf;
      if (mu !== 0 && !buf) {
        buf = new Float32Array(n);
        this.buffers.set(p, buf);
      }
      for (let i = 0; i < n; i++) {
        let d = wd !== 0 ? f(g[i]! + f(wd * w[o + i]!)) : g[i]!;
        if (buf) {
          buf[i] = first ? d : f(f(mu * buf[i]!) + (damp === 1 ? d : f(damp * d)));
          d = this.nesterov ? f(d + f(mu * buf[i]!)) : buf[i]!;
        }
        w[o + i] = f(w[o + i]! - f(lr * d));
      }
    }
  }

  override stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    this.params.forEach((p, i) => {
      const b = this.buffers.get(p);
      if (b) out.set(`state.${i}.momentum_buffer`, new Tensor(Float32Array.from(b), [...p.shape]));
    });
    return out;
  }

  override loadStateDict(state: Map<string, Tensor>): void {
    this.buffers.clear();
    for (const [key, t] of state) {
      const { index } = this.stateIndex(key, ["momentum_buffer"]);
      const p = this.params[index]!;
      if (t.size !== p.size) throw new Error(`SGD.loadStateDict: "${key}" has ${t.size} elements, parameter ${index} has ${p.size}`);
      this.buffers.set(p, Float32Array.from(t.values()));
    }
  }
}
