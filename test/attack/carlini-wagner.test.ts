import { expect } from "chai";
import { referenceKernel } from "@chimera/kernels";
import { argmaxOf, carliniWagnerChimera, carliniWagnerL2, carliniWagnerObjective, moduleAttackModel, toW, uint8ImageDomain, verdicts } from "@chimera/attack";
import { loadFmnist, loadModule, zooEntry } from "@chimera/lab";
import { nn, Rng, Tensor } from "@chimera/tensor";
import { perturbedKernel, renamedReference } from "./toy-kernels.js";

/**
 * A linear classifier z = Wx + b with 3 classes on 16 inputs, where class 0 leads class 1 by 0.5 at
 * x₀ and class 2 is out of reach: the least L2 change that makes class 1 win by κ is known in closed
 * form, (z₀ − z₁ + κ)/‖w₁ − w₀‖ (the box [0, 1] does not bind: x₀ is mid-range and the step small).
 */
function linearToy() {
  const d = 16, rng = new Rng(5);
  const W = Float32Array.from({ length: 3 * d }, () => rng.uniform(-1, 1));
  const x0 = Float32Array.from({ length: d }, () => rng.uniform(0.35, 0.65));
  const dot = (r: number) => { let s = 0; for (let i = 0; i < d; i++) s += W[r * d + i]! * x0[i]!; return s; };
  const b = Float32Array.of(0.5 - dot(0), -dot(1), -100);
  const layer = new nn.Linear(d, 3);
  layer.loadStateDict(new Map([["weight", new Tensor(W, [3, d])], ["bias", new Tensor(b, [3])]]));
  const model = moduleAttackModel(layer, [d], 3);
  let dw = 0;
  for (let i = 0; i < d; i++) dw += (W[d + i]! - W[i]!) ** 2;
  return { d, W, x0, model, optimum: (kappa: number) => (0.5 + kappa) / Math.sqrt(dw) };
}

describe("attack: Carlini–Wagner L2 baseline (§4.5)", () => {
  it("reaches the target with an L2 within 3% of the closed-form least perturbation of a linear model", () => {
    const { x0, model, optimum } = linearToy();
    const kappa = 0.05;
    const r = carliniWagnerL2(model, x0, { target: 1, confidence: kappa, iterations: 1000, binarySteps: 8, initialConst: 1 });
    expect(r.success).to.equal(true);
    expect(r.sourceLabel).to.equal(0);
    // checked on another kernel than the attack's own
    const z = model.logits(r.x, referenceKernel);
    expect(argmaxOf(z)).to.equal(1);
    expect(z[1]! - z[0]!).to.be.greaterThan(kappa * 0.9);
    let l2 = 0;
    for (let i = 0; i < x0.length; i++) l2 += (r.x[i]! - x0[i]!) ** 2;
    expect(Math.sqrt(l2)).to.be.closeTo(r.l2, 1e-6);
    expect(r.l2).to.be.at.least(optimum(kappa) * 0.999);
    expect(r.l2).to.be.at.most(optimum(kappa) * 1.03);
  });

  it("its gradient is the analytic one of the linear model and matches central differences", () => {
    const { d, W, x0, model } = linearToy();
    const rng = new Rng(8);
    const w = toW(Float32Array.from(x0, (v) => v + rng.uniform(-0.1, 0.1)));
    const c = 3, kappa = 0.2;
    const o = carliniWagnerObjective(model, w, x0, 1, true, c, kappa, referenceKernel);
    expect(o.margin).to.be.greaterThan(-kappa, "the hinge is active here");
    for (let i = 0; i < d; i++) {
      const t = Math.tanh(w[i]!);
      const analytic = (2 * (o.x[i]! - x0[i]!) + c * (W[i]! - W[d + i]!)) * 0.5 * (1 - t * t); // other class 0, target 1
      expect(o.grad[i]).to.be.closeTo(analytic, 1e-5);
      const h = 1e-2, wp = Float64Array.from(w), wm = Float64Array.from(w);
      wp[i]! += h;
      wm[i]! -= h;
      const fd = (carliniWagnerObjective(model, wp, x0, 1, true, c, kappa, referenceKernel).loss - carliniWagnerObjective(model, wm, x0, 1, true, c, kappa, referenceKernel).loss) / (2 * h);
      expect(o.grad[i]).to.be.closeTo(fd, 2e-3);
    }
  });

  it("misclassifies a Fashion-MNIST image with an L2 below the nearest image of the target class", () => {
    const entry = zooEntry("fmnist-mlp"), net = entry.create().eval();
    loadModule(entry.weightsPath, net);
    const model = moduleAttackModel(net, entry.sampleShape, 10);
    const fixture = loadFmnist("test", { fixture: true, limit: 60 });
    const source = fixture.x.slice(0, 784); // an ankle boot (class 9)
    const target = 7;
    const r = carliniWagnerL2(model, source, { target, confidence: 0.1, iterations: 150, binarySteps: 4 });
    expect(r.success).to.equal(true);
    expect(argmaxOf(model.logits(r.x, referenceKernel))).to.equal(target);
    let nearest = Infinity;
    for (let j = 0; j < fixture.n; j++) {
      if (fixture.labels[j] !== target) continue;
      let s = 0;
      for (let i = 0; i < 784; i++) s += (fixture.x[j * 784 + i]! - source[i]!) ** 2;
      nearest = Math.min(nearest, Math.sqrt(s));
    }
    expect(r.l2).to.be.greaterThan(0);
    expect(r.l2).to.be.lessThan(nearest / 2);
    const untargeted = carliniWagnerL2(model, source, { iterations: 100, binarySteps: 3 });
    expect(untargeted.success).to.equal(true);
    expect(argmaxOf(model.logits(untargeted.x, referenceKernel))).to.not.equal(9);

    // as a Chimera baseline: one bit-faithful test of q(x) on the backends, which re-checks
    const backends = [referenceKernel, renamedReference("twin")];
    const twin = carliniWagnerChimera(model, source, { backends, target, iterations: 100, binarySteps: 3 });
    expect(twin.found).to.equal(false);
    expect(twin.checks).to.equal(1);
    expect(twin.targets).to.deep.equal([9, 7]);
    expect(verdicts(model, uint8ImageDomain.decode(twin.image), backends).labels).to.deep.equal(twin.labels);
    const apart = [referenceKernel, perturbedKernel(0.5)];
    const far = carliniWagnerChimera(model, source, { backends: apart, target, iterations: 100, binarySteps: 3 });
    expect(verdicts(model, uint8ImageDomain.decode(far.image), apart).labels).to.deep.equal(far.labels);
  });

  it("bad input fails with a reason naming the argument", () => {
    const { x0, model } = linearToy();
    expect(() => carliniWagnerL2(model, x0.slice(1))).to.throw(/source has 15 values, the model takes 16/);
    expect(() => carliniWagnerL2(model, x0, { target: 0 })).to.throw(/target 0 is the source's own class/);
    expect(() => carliniWagnerL2(model, x0, { target: 3 })).to.throw(/target must be a class in \[0, 3\), got 3/);
    expect(() => carliniWagnerL2(model, x0, { confidence: -1 })).to.throw(/confidence κ must be a finite number >= 0, got -1/);
    expect(() => carliniWagnerL2(model, x0, { initialConst: 0 })).to.throw(/initialConst must be a finite number > 0/);
    expect(() => carliniWagnerL2(model, x0, { binarySteps: 0.5 })).to.throw(/binarySteps must be an integer >= 1/);
    expect(() => carliniWagnerL2(model, x0, { iterations: 0 })).to.throw(/iterations must be an integer >= 1/);
    expect(() => carliniWagnerL2(model, x0, { learningRate: NaN })).to.throw(/learningRate must be a finite number > 0/);
    expect(() => carliniWagnerL2(model, Float32Array.from(x0, (v, i) => (i === 3 ? 1.5 : v)))).to.throw(/source values must lie in \[0, 1\], got 1.5/);
    expect(() => carliniWagnerChimera(model, x0, { backends: [referenceKernel] })).to.throw(/need at least 2 backends, got 1/);
  });
});
