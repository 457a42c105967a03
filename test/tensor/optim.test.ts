import { expect } from "chai";
import { referenceKernel } from "@chimera/kernels";
import { optim, tensor, Tensor, models, crossEntropy, Rng } from "@chimera/tensor";

const f = Math.fround;

function param(values: number[], grad: number[]): Tensor {
  const p = tensor(values, [values.length], { requiresGrad: true });
  p.grad = tensor(grad, [grad.length]);
  return p;
}

describe("optimizers", () => {
  it("SGD with momentum and weight decay follows torch.optim.SGD step by step", () => {
    const p = param([1, -2], [0.5, 0.25]);
    const opt = new optim.SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    opt.step();
    // step 1: d = g + wd·p; buf = d; p -= lr·buf
    const d1 = [f(0.5 + f(f(0.01) * 1)), f(0.25 + f(f(0.01) * -2))];
    const p1 = [f(1 - f(f(0.1) * d1[0]!)), f(-2 - f(f(0.1) * d1[1]!))];
    expect(p.toArray()).to.deep.equal(p1);
    opt.step();
    const d2 = [f(0.5 + f(f(0.01) * p1[0]!)), f(0.25 + f(f(0.01) * p1[1]!))];
    const b2 = [f(f(f(0.9) * d1[0]!) + d2[0]!), f(f(f(0.9) * d1[1]!) + d2[1]!)];
    expect(p.toArray()).to.deep.equal([f(p1[0]! - f(f(0.1) * b2[0]!)), f(p1[1]! - f(f(0.1) * b2[1]!))]);
    opt.zeroGrad();
    expect(p.grad).to.equal(null);
  });

  it("Adam's first step moves each parameter by about lr against its gradient's sign", () => {
    const p = param([1, -2, 3], [0.5, -0.001, 20]);
    new optim.Adam([p], { lr: 0.01 }).step();
    const got = p.toArray();
    expect(got[0]).to.be.closeTo(0.99, 1e-6);
    expect(got[1]).to.be.closeTo(-1.99, 1e-5);
    expect(got[2]).to.be.closeTo(2.99, 1e-6);
  });

  it("a few SGD steps on the MLP reduce the training loss", () => {
    const rng = new Rng(11);
    const m = models.fmnistMlp({ seed: 4 });
    const x = tensor(Array.from({ length: 32 * 784 }, () => rng.next()), [32, 784]);
    const y = Array.from({ length: 32 }, (_, i) => i % 10);
    const opt = new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
    const ctx = { kernel: referenceKernel };
    let first = 0, last = 0;
    for (let s = 0; s < 8; s++) {
      opt.zeroGrad();
      const loss = crossEntropy(m.forward(x, ctx), y);
      loss.backward();
      opt.step();
      if (s === 0) first = loss.item();
      last = loss.item();
    }
    expect(last).to.be.below(first * 0.7);
  });
});
