import { expect } from "chai";
import { referenceKernel } from "@chimera/kernels";
import { attackImages, float64GradientKernel, isChimera, levelDistances, localChimeraSearch, moduleAttackModel, uint8ImageDomain, verdicts, type ChimeraResult } from "@chimera/attack";
import { getKernel, loadFmnist, loadModule, zooEntry } from "@chimera/lab";
import { renamedReference } from "./toy-kernels.js";
import { expectRechecks } from "./recheck.js";

// The committed trained fmnist-mlp, the committed fixture images, and two emulations that differ
// from each other by a few ULP at batch 1 (each bit-identical to its real library).
const entry = zooEntry("fmnist-mlp");
const net = entry.create().eval();
loadModule(entry.weightsPath, net);
const model = moduleAttackModel(net, entry.sampleShape, 10);
const fixture = loadFmnist("test", { fixture: true, limit: 12 });
const haswell = getKernel("openblas-0.3.21-haswell"), skylakex = getKernel("openblas-0.3.21-skylakex");

const source = (i: number) => fixture.x.slice(i * 784, (i + 1) * 784);
const bytes = (i: number) => uint8ImageDomain.encode(source(i));
/** Targets as the paper draws them would need an Rng; these are fixed, distinct and include the true class. */
const targetsFor = (i: number, n: number) => [fixture.labels[i]!, ...[3, 5, 7, 1].filter((c) => c !== fixture.labels[i]).slice(0, n - 1)];

const recheck = (r: ChimeraResult, backends: Parameters<typeof verdicts>[2]) => expectRechecks(model, r, backends);

describe("attack: localChimeraSearch (boundary-then-local)", () => {
  it("finds Chimeras between OpenBLAS Haswell and SkylakeX on most fixture images, each re-checked", () => {
    const results = [0, 1, 2, 3, 4, 5].map((i) => localChimeraSearch(model, source(i), { backends: [haswell, skylakex], targets: targetsFor(i, 2) }));
    for (const r of results) recheck(r, [getKernel("openblas-0.3.21-haswell"), getKernel("openblas-0.3.21-skylakex")]);
    expect(results.filter((r) => r.found).length).to.be.at.least(4);
    for (const r of results) expect(r.checks).to.be.at.most(200);
  });

  it("keeps every pixel within --max-linf of the source, and reports L0 as the pixels changed", () => {
    for (const i of [0, 1, 2, 3]) {
      const r = localChimeraSearch(model, source(i), { backends: [haswell, skylakex], targets: targetsFor(i, 2), maxLinf: 8 });
      recheck(r, [haswell, skylakex]);
      const d = levelDistances(bytes(i), r.image);
      expect(d.linf).to.be.at.most(8);
      expect(r.l0).to.equal(d.l0);
      expect(r.linf * 255).to.be.closeTo(d.linf, 1e-3);
    }
  });

  it("never reports a Chimera between two identical kernels, and stops at maxQueries", () => {
    const twins = [referenceKernel, renamedReference("reference-twin")];
    const r = localChimeraSearch(model, source(0), { backends: twins, targets: targetsFor(0, 2), maxQueries: 25 });
    expect(r.found).to.equal(false);
    expect(r.checks).to.be.at.most(25);
    recheck(r, twins);
  });

  it("finds three labels on three backends (n = 3) on some fixture images", () => {
    const three = [haswell, skylakex, getKernel("blis-0.9.0-generic")];
    const found = [0, 1, 5].map((i) => localChimeraSearch(model, source(i), { backends: three, targets: targetsFor(i, 3) }))
      .filter((r) => r.found);
    expect(found.length).to.be.at.least(1);
    for (const r of found) {
      expect(new Set(r.labels).size).to.equal(3);
      recheck(r, three);
    }
  });

  it("refuses inputs that are not 8-bit images and inconsistent targets, naming them", () => {
    const bad = source(0);
    bad[3] = 0.1234;
    expect(() => localChimeraSearch(model, bad, { backends: [haswell, skylakex], targets: [0, 1] })).to.throw(/source value 3/);
    expect(() => localChimeraSearch(model, source(0), { backends: [haswell, skylakex], targets: [1, 1] })).to.throw(/must all differ/);
    expect(() => localChimeraSearch(model, source(0), { backends: [haswell, skylakex], targets: [1, 2], maxLinf: 0 })).to.throw(/maxLinf/);
  });
});

describe("attack: attackImages (one call over a batch)", () => {
  it("returns one record per image with labels, distances and queries that re-check", () => {
    const images = [0, 1, 2].map(bytes);
    const seen: number[] = [];
    const records = attackImages(model, images, { backends: [haswell, skylakex], targets: (i) => targetsFor(i, 2), onRecord: (r) => seen.push(r.index) });
    expect(records.map((r) => r.index)).to.deep.equal([0, 1, 2]);
    expect(seen).to.deep.equal([0, 1, 2]);
    for (const r of records) {
      expect(r.backends).to.deep.equal(["openblas-0.3.21-haswell", "openblas-0.3.21-skylakex"]);
      expect(r.distances).to.deep.equal(levelDistances(images[r.index]!, r.image));
      expect(r.queries).to.be.greaterThan(0);
      const v = verdicts(model, uint8ImageDomain.decode(r.image), [haswell, skylakex]);
      expect(v.labels).to.deep.equal(r.labels);
      expect(r.found).to.equal(isChimera(v.labels));
    }
    const a1 = attackImages(model, [images[0]!], { method: "algorithm1", backends: [haswell, skylakex], targets: [targetsFor(0, 2)], algorithm1: { warmup: 10, iterations: 5, gradientKernel: float64GradientKernel } });
    expect(a1).to.have.length(1);
    expect(() => attackImages(model, images, { backends: [haswell, skylakex], targets: [[0, 1]] })).to.throw(/3 images need 3 target lists/);
  });
});
