import { expect } from "chai";
import { referenceKernel } from "@chimera/kernels";
import { argmaxOf, isChimera, moduleAttackModel, topTwoMargin, verdicts } from "@chimera/attack";
import { nn, Tensor } from "@chimera/tensor";
import { perturbedKernel, renamedReference } from "./toy-kernels.js";

/** y = W·x + b with W [3, 2] and b [3] given. */
function linearModel(w: number[], b: number[]) {
  const m = new nn.Sequential(new nn.Linear(2, 3));
  m.loadStateDict(new Map([["0.weight", new Tensor(Float32Array.from(w), [3, 2])], ["0.bias", new Tensor(Float32Array.from(b), [3])]]));
  return moduleAttackModel(m, [2], 3);
}

describe("attack: the Chimera test", () => {
  it("calls a tie-broken input a Chimera exactly when the backends' labels differ", () => {
    // All logits 0 on the reference (label 0, the first maximum); the perturbed kernel adds
    // 1e-3·(j+1) to column j, so it sees [1e-3, 2e-3, 3e-3] (label 2).
    const model = linearModel([0, 0, 0, 0, 0, 0], [0, 0, 0]);
    const x = Float32Array.from([0.5, 0.25]);
    const v = verdicts(model, x, [referenceKernel, perturbedKernel(1e-3)]);
    expect(v.labels).to.deep.equal([0, 2]);
    expect(Array.from(v.logits[1]!)).to.deep.equal([1e-3, 2e-3, 3e-3].map(Math.fround));
    expect(isChimera(v.labels)).to.equal(true);
    expect(isChimera(verdicts(model, x, [referenceKernel, renamedReference("twin")]).labels)).to.equal(false);
    // A clear winner (logit 0 leads by 1) is not moved by a 1e-3 perturbation.
    const clear = linearModel([2, 0, 0, 0, 0, 0], [0, 0, 0]);
    expect(verdicts(clear, x, [referenceKernel, perturbedKernel(1e-3)]).labels).to.deep.equal([0, 0]);
  });

  it("needs every pair to differ, and measures the top-two gap", () => {
    expect(isChimera([1, 2, 3])).to.equal(true);
    expect(isChimera([1, 2, 1])).to.equal(false);
    expect(isChimera([4])).to.equal(false);
    expect(argmaxOf([1, 3, 3, 2])).to.equal(1);
    expect(topTwoMargin([1, 3.5, 3, 2])).to.equal(0.5);
    expect(topTwoMargin([3, 3])).to.equal(0);
  });
});
