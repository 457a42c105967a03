import { expect } from "chai";
import { referenceKernel } from "@chimera/kernels";
import { findChimera, isChimera, moduleAttackModel, uint8ImageDomain, verdicts, type ChimeraResult } from "@chimera/attack";
import { loadFmnist, loadModule, zooEntry } from "@chimera/lab";
import { perturbedKernel, renamedReference } from "./toy-kernels.js";
import { expectRechecks } from "./recheck.js";

// The committed trained fmnist-mlp and the committed fixture images.
const entry = zooEntry("fmnist-mlp");
const net = entry.create().eval();
loadModule(entry.weightsPath, net);
const model = moduleAttackModel(net, entry.sampleShape, 10);
const fixture = loadFmnist("test", { fixture: true, limit: 10 });

function sourceImage(i: number): Float32Array {
  return fixture.x.slice(i * 784, (i + 1) * 784);
}

/** The n classes with the largest logits (reachable targets: the tug of war between them can settle on the boundary). */
function runnerUps(z: Float32Array, n: number): number[] {
  return [...z.keys()].sort((a, b) => z[b]! - z[a]!).slice(0, n);
}

const recheck = (r: ChimeraResult, backends: Parameters<typeof verdicts>[2]) => expectRechecks(model, r, backends);

describe("attack: findChimera (Algorithm 1)", () => {
  it("finds a Chimera between two kernels that differ a lot, within a few hundred iterations, and it re-checks", () => {
    const backends = [referenceKernel, perturbedKernel(1e-4)];
    const source = sourceImage(1);
    const targets = runnerUps(model.logits(source, referenceKernel), 2);
    const r = findChimera(model, source, { backends, targets, warmup: 200, iterations: 400 });
    expect(r.found, JSON.stringify({ labels: r.labels, iterations: r.iterations })).to.equal(true);
    expect(r.iterations).to.be.at.most(400);
    expect(new Set(r.labels).size).to.equal(2);
    expect(r.backends).to.deep.equal(["reference", "perturbed-0.0001"]);
    expect(r.image).to.be.instanceOf(Uint8Array).with.length(784);
    expect(r.linf).to.be.greaterThan(0).and.at.most(1);
    expect(r.l2).to.be.at.least(r.linf);
    recheck(r, backends);
  });

  it("finds a three-way Chimera when three backends disagree enough", () => {
    const backends = [referenceKernel, perturbedKernel(1e-3), perturbedKernel(-1e-3)];
    const source = sourceImage(2);
    const r = findChimera(model, source, { backends, targets: runnerUps(model.logits(source, referenceKernel), 3), warmup: 200, iterations: 1000 });
    recheck(r, backends);
    expect(r.found, JSON.stringify(r.labels)).to.equal(true);
    expect(new Set(r.labels).size).to.equal(3);
  });

  it("reports failure (and still re-checks) when the backends never disagree", () => {
    const backends = [referenceKernel, renamedReference("reference-twin")];
    const r = findChimera(model, sourceImage(3), { backends, targets: [0, 1], warmup: 50, iterations: 100 });
    expect(r.found).to.equal(false);
    expect(r.iterations).to.equal(100);
    expect(r.labels[0]).to.equal(r.labels[1]);
    recheck(r, backends);
  });

  it("rejects targets that are not all different and a source of the wrong size", () => {
    const backends = [referenceKernel, perturbedKernel(1e-4)];
    expect(() => findChimera(model, sourceImage(1), { backends, targets: [2, 2] })).to.throw(/targets must all differ/);
    expect(() => findChimera(model, new Float32Array(10), { backends, targets: [1, 2] })).to.throw(/source has 10 values/);
  });
});
