import { expect } from "chai";
import { referenceKernel } from "@chimera/kernels";
import { pgdPerturb } from "@chimera/defense";
import { crossEntropy, noGrad, Rng, Tensor } from "@chimera/tensor";
import { loadFmnist, loadModule, zooEntry } from "@chimera/lab";

/** The committed fmnist-mlp weights and the first `n` committed test images, as a [n, 784] batch. */
function setup(n: number) {
  const entry = zooEntry("fmnist-mlp");
  const model = entry.create(0);
  loadModule(entry.weightsPath, model);
  const data = loadFmnist("test", { fixture: true, limit: n });
  return { model, x: new Tensor(data.x.slice(0, n * 784), [n, 784]), labels: Int32Array.from(data.labels.subarray(0, n)) };
}

const kernel = referenceKernel;
const lossOf = (m: ReturnType<typeof setup>["model"], x: Tensor, y: Int32Array) =>
  noGrad(() => crossEntropy(m.forward(x, { kernel, training: false }), y).item());

describe("pgdPerturb (Madry et al. L∞ PGD)", () => {
  const { model, x, labels } = setup(16);
  const eps = 0.1, opts = { eps, steps: 3, stepSize: (2.5 * eps) / 3 };

  it("stays within the ε-ball and [0, 1], every value binary32", () => {
    const adv = pgdPerturb(model, x, labels, kernel, { ...opts, rng: new Rng(1) }).values(), clean = x.values();
    expect(adv.length).to.equal(clean.length);
    let moved = 0;
    for (let i = 0; i < adv.length; i++) {
      expect(Math.abs(adv[i]! - clean[i]!), `value ${i}`).to.be.at.most(eps);
      expect(adv[i]).to.be.within(0, 1);
      expect(Math.fround(adv[i]!)).to.equal(adv[i]);
      if (adv[i] !== clean[i]) moved++;
    }
    expect(moved).to.be.greaterThan(adv.length / 4);
  });

  it("raises the cross-entropy of a trained model above the clean input's and random noise's", () => {
    const clean = lossOf(model, x, labels);
    const adv = lossOf(model, pgdPerturb(model, x, labels, kernel, { ...opts, rng: new Rng(2) }), labels);
    const random = lossOf(model, pgdPerturb(model, x, labels, kernel, { ...opts, steps: 0, rng: new Rng(2) }), labels);
    expect(adv).to.be.greaterThan(2 * clean);
    expect(adv).to.be.greaterThan(random);
  });

  it("is deterministic for a seed and differs across seeds", () => {
    const a = pgdPerturb(model, x, labels, kernel, { ...opts, rng: new Rng(7) }).values();
    const b = pgdPerturb(model, x, labels, kernel, { ...opts, rng: new Rng(7) }).values();
    const c = pgdPerturb(model, x, labels, kernel, { ...opts, rng: new Rng(8) }).values();
    expect(Buffer.compare(Buffer.from(a.buffer), Buffer.from(b.buffer))).to.equal(0);
    expect(Buffer.compare(Buffer.from(a.buffer), Buffer.from(c.buffer))).to.not.equal(0);
  });

  it("returns x for ε = 0, leaves x and the parameters' requiresGrad as they were", () => {
    const before = Float32Array.from(x.values());
    const adv = pgdPerturb(model, x, labels, kernel, { eps: 0, steps: 3, stepSize: 0.1, rng: new Rng(3) });
    expect([...adv.values()]).to.deep.equal([...before]);
    pgdPerturb(model, x, labels, kernel, { ...opts, rng: new Rng(3) });
    expect([...x.values()]).to.deep.equal([...before]);
    expect(model.parameters().every((p) => p.requiresGrad)).to.equal(true);
  });

  it("names its subject in errors", () => {
    expect(() => pgdPerturb(model, x, labels, kernel, { ...opts, eps: -1, rng: new Rng(0) })).to.throw(/pgdPerturb: eps/);
    expect(() => pgdPerturb(model, x, labels.subarray(0, 3), kernel, { ...opts, rng: new Rng(0) })).to.throw(/pgdPerturb: 3 labels/);
  });
});
