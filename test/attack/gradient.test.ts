import { expect } from "chai";
import { referenceKernel } from "@chimera/kernels";
import { float64GradientKernel, moduleAttackModel } from "@chimera/attack";
import { crossEntropy, models, ops, Rng, Tensor } from "@chimera/tensor";

describe("attack: gradients", () => {
  it("the float64 gradient kernel agrees with the reference kernel to binary32 accuracy in every transpose case", () => {
    const rng = new Rng(3);
    for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
      const m = 3, n = 5, k = 70;
      const a = Float32Array.from({ length: m * k }, () => rng.uniform(-1, 1));
      const b = Float32Array.from({ length: k * n }, () => rng.uniform(-1, 1));
      const c0 = Float32Array.from({ length: m * n }, () => rng.uniform(-1, 1));
      const call = (c: Float32Array) => ({ transA, transB, m, n, k, alpha: 0.5, a, lda: transA ? m : k, b, ldb: transB ? k : n, beta: 2, c, ldc: n });
      const want = Float32Array.from(c0), got = Float32Array.from(c0);
      referenceKernel.gemm(call(want));
      float64GradientKernel.gemm(call(got));
      for (let i = 0; i < want.length; i++) expect(got[i]).to.be.closeTo(want[i]!, 1e-4);
    }
    const c = Float32Array.from([NaN, NaN]);
    float64GradientKernel.gemm({ transA: false, transB: false, m: 1, n: 2, k: 1, alpha: 1, a: Float32Array.of(2), lda: 1, b: Float32Array.of(3, 4), ldb: 2, beta: 0, c, ldc: 2 });
    expect(Array.from(c)).to.deep.equal([6, 8]);
  });

  it("lossGradient is the input gradient of the mean cross-entropy over the targets (autograd oracle)", () => {
    const net = models.fmnistMlp({ seed: 2 }).eval();
    const model = moduleAttackModel(net, [784], 10);
    const rng = new Rng(9);
    const x = Float32Array.from({ length: 784 }, () => rng.uniform(0, 1));
    const { grad, logits } = model.lossGradient(x, [3, 7], referenceKernel);
    const input = new Tensor(Float32Array.from(x), [1, 784], { requiresGrad: true });
    const out = net.forward(input, { kernel: referenceKernel, training: false });
    ops.mul(ops.add(crossEntropy(out, [3]), crossEntropy(out, [7])), 0.5).backward();
    expect(Array.from(logits)).to.deep.equal(Array.from(out.values()));
    const want = input.grad!.values();
    let maxAbs = 0;
    for (const v of want) maxAbs = Math.max(maxAbs, Math.abs(v));
    expect(maxAbs).to.be.greaterThan(0);
    for (let i = 0; i < 784; i++) expect(grad[i]).to.be.closeTo(want[i]!, 1e-5 * maxAbs + 1e-7);
    for (const p of net.parameters()) expect(p.requiresGrad, "parameters are restored").to.equal(true);
  });
});
