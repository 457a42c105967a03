import { expect } from "chai";
import { Rng } from "@chimera/tensor";
import { referenceKernel } from "@chimera/kernels";
import { floatAtOrdinal, floatOrdinal, moduleAttackModel, pocketDensity, pocketDistances, ulpPerturbation, ulpStep } from "@chimera/attack";
import { loadFmnist, loadModule, zooEntry } from "@chimera/lab";
import { renamedReference } from "./toy-kernels.js";

describe("pockets (§4.6): ULP steps and perturbations of exactly d ULP", () => {
  it("ulpStep walks the binary32 line across zero and exponent boundaries", () => {
    expect(ulpStep(1, 1)).to.equal(1 + 2 ** -23);
    expect(ulpStep(1, -1)).to.equal(1 - 2 ** -24);
    expect(ulpStep(0, 1)).to.equal(2 ** -149);
    expect(ulpStep(0, -1)).to.equal(-(2 ** -149));
    expect(ulpStep(2 ** -149, -2)).to.equal(-(2 ** -149));
    expect(ulpStep(Math.fround(0.1), 3)).to.equal(Math.fround(0.1) + 3 * 2 ** -27);
    for (const x of [-3.5, -0, 0.25, 1e-40, 7]) expect(floatAtOrdinal(floatOrdinal(x))).to.equal(x === 0 ? 0 : Math.fround(x));
  });

  it("a perturbation of d ULP has L∞ distance exactly d ULP", () => {
    const rng = new Rng(3), x = new Float32Array(50).map((_, i) => Math.fround(i / 49));
    for (const d of [1, 10, 1000]) {
      const y = ulpPerturbation(x, d, rng);
      const dist = y.map((v, i) => Math.abs(floatOrdinal(v) - floatOrdinal(x[i]!)));
      expect(Math.max(...dist)).to.equal(d);
    }
    expect(() => ulpPerturbation(x, 0, rng)).to.throw(/d must be an integer >= 1/);
  });

  it("the distance grid runs in half-decades from 1 to 100000 ULP", () => {
    expect(pocketDistances).to.deep.equal([1, 3, 10, 32, 100, 316, 1000, 3162, 10000, 31623, 100000]);
  });

  it("pocketDensity is 0 for two backends that compute alike (no pair can ever disagree)", () => {
    const entry = zooEntry("fmnist-mlp"), net = entry.create().eval();
    loadModule(entry.weightsPath, net);
    const model = moduleAttackModel(net, entry.sampleShape, 10);
    const x = loadFmnist("test", { fixture: true, limit: 1 }).x.slice(0, 784);
    expect(pocketDensity(model, x, [referenceKernel, renamedReference("twin")], 1000, 3, new Rng(1))).to.equal(0);
    expect(() => pocketDensity(model, x, [referenceKernel, referenceKernel], 1, 0, new Rng(1))).to.throw(/draws must be/);
  });
});
