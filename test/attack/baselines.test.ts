import { expect } from "chai";
import { referenceKernel } from "@chimera/kernels";
import { binarySearchChimera, boundarySampleChimera, moduleAttackModel, uint8ImageDomain, verdicts } from "@chimera/attack";
import { loadFmnist, loadModule, zooEntry } from "@chimera/lab";
import { perturbedKernel, renamedReference } from "./toy-kernels.js";

const entry = zooEntry("fmnist-mlp");
const net = entry.create().eval();
loadModule(entry.weightsPath, net);
const model = moduleAttackModel(net, entry.sampleShape, 10);
const fixture = loadFmnist("test", { fixture: true, limit: 2 });
const [a, b] = [fixture.x.slice(0, 784), fixture.x.slice(784, 1568)];

describe("attack: binary-search baseline (§4.5)", () => {
  it("bisects between two classes to the boundary and finds a Chimera when the backends differ a lot", () => {
    const backends = [referenceKernel, perturbedKernel(1e-3)];
    const r = binarySearchChimera(model, a, b, { backends });
    expect(r.targets[0]).to.not.equal(r.targets[1]);
    expect(r.found, JSON.stringify(r.labels)).to.equal(true);
    expect(verdicts(model, uint8ImageDomain.decode(r.image), backends).labels).to.deep.equal(r.labels);
    expect(r.iterations).to.be.within(1, 64);
  });

  it("ends without a Chimera when the backends agree, after the quantized interval collapses", () => {
    const r = binarySearchChimera(model, a, b, { backends: [referenceKernel, renamedReference("twin")] });
    expect(r.found).to.equal(false);
    expect(r.iterations).to.be.within(5, 40);
  });
});

describe("attack: boundary-sample baseline (§4.5)", () => {
  it("closes in on the boundary by FGSM and finds a Chimera when the backends differ a lot; none when they agree", () => {
    const backends = [referenceKernel, perturbedKernel(3e-3)];
    const r = boundarySampleChimera(model, a, { backends, target: 7, iterations: 500 });
    expect(r.targets).to.deep.equal([9, 7]);
    expect(r.found, JSON.stringify(r.labels)).to.equal(true);
    expect(verdicts(model, uint8ImageDomain.decode(r.image), backends).labels).to.deep.equal(r.labels);
    const twin = boundarySampleChimera(model, a, { backends: [referenceKernel, renamedReference("twin")], target: 7, iterations: 300 });
    expect(twin.found).to.equal(false);
    expect(twin.iterations).to.equal(300);
    expect(() => boundarySampleChimera(model, a, { backends, target: 9 })).to.throw(/target 9 is the source's own class/);
  });
});
