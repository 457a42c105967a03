import { expect } from "chai";
import { referenceKernel } from "@chimera/kernels";
import { nn, ops, crossEntropy } from "@chimera/tensor";
import { spyKernel } from "./kernel-spy.js";
import { rand } from "./grad-check.js";

const f = Math.fround;

describe("the BLAS call per layer (PyTorch 2.5 CPU)", () => {
  it("Linear forward is addmm: bias-filled C, one gemm(N, T) with beta = 1", () => {
    const { kernel, calls } = spyKernel(referenceKernel);
    const layer = new nn.Linear(4, 3);
    const x = rand([2, 4]);
    const y = layer.forward(x, { kernel });
    expect(calls).to.deep.equal([{ transA: false, transB: true, m: 2, n: 3, k: 4, alpha: 1, lda: 4, ldb: 4, beta: 1, ldc: 3 }]);
    // Bit-exact against the reference order: s = Σ_p fl(x·w) sequentially, then fl(s + bias).
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let p = 0; p < 4; p++) s = f(s + f(x.get(i, p) * layer.weight.get(j, p)));
        expect(y.get(i, j)).to.equal(f(s + layer.bias!.get(j)));
      }
    }
  });

  it("Linear without bias uses beta = 0", () => {
    const { kernel, calls } = spyKernel(referenceKernel);
    new nn.Linear(4, 3, { bias: false }).forward(rand([2, 4]), { kernel });
    expect(calls[0]!.beta).to.equal(0);
  });

  it("Linear backward: dx = dY·W (N, N), dW = dYᵀ·x (T, N), both beta = 0", () => {
    const { kernel, calls } = spyKernel(referenceKernel);
    const layer = new nn.Linear(4, 3);
    const x = rand([2, 4]);
    x.requiresGrad = true;
    const y = layer.forward(x, { kernel });
    calls.length = 0;
    ops.sum(y).backward();
    expect(calls).to.deep.include({ transA: false, transB: false, m: 2, n: 4, k: 3, alpha: 1, lda: 3, ldb: 4, beta: 0, ldc: 4 });
    expect(calls).to.deep.include({ transA: true, transB: false, m: 3, n: 4, k: 2, alpha: 1, lda: 3, ldb: 4, beta: 0, ldc: 4 });
    expect(calls).to.have.length(2);
  });

  it("Conv2d forward is slow_conv2d: per image, bias-filled C, gemm(N, N) W·cols with beta = 1", () => {
    const { kernel, calls } = spyKernel(referenceKernel);
    const conv = new nn.Conv2d(2, 3, 3, { padding: 1 });
    const x = rand([2, 2, 4, 5]);
    const y = conv.forward(x, { kernel });
    const call = { transA: false, transB: false, m: 3, n: 20, k: 18, alpha: 1, lda: 18, ldb: 20, beta: 1, ldc: 20 };
    expect(calls).to.deep.equal([call, call]);
    // Bit-exact against a direct convolution summed in the same (c, i, j) order, bias added last.
    for (let n = 0; n < 2; n++) for (let o = 0; o < 3; o++) for (let yy = 0; yy < 4; yy++) for (let xx = 0; xx < 5; xx++) {
      let s = 0;
      for (let c = 0; c < 2; c++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
        const iy = yy - 1 + i, ix = xx - 1 + j;
        const v = iy >= 0 && iy < 4 && ix >= 0 && ix < 5 ? x.get(n, c, iy, ix) : 0;
        s = f(s + f(v * conv.weight.get(o, c, i, j)));
      }
      expect(y.get(n, o, yy, xx)).to.equal(f(s + conv.bias!.get(o)));
    }
  });

  it("Conv2d backward: dcols = Wᵀ·dY (T, N, beta 0) per image; dW += dY·colsᵀ (N, T, beta 1) per image", () => {
    const { kernel, calls } = spyKernel(referenceKernel);
    const conv = new nn.Conv2d(2, 3, 3, { padding: 1 });
    const x = rand([2, 2, 4, 5]);
    x.requiresGrad = true;
    const y = conv.forward(x, { kernel });
    calls.length = 0;
    ops.sum(y).backward();
    const gin = { transA: true, transB: false, m: 18, n: 20, k: 3, alpha: 1, lda: 18, ldb: 20, beta: 0, ldc: 20 };
    const gw = { transA: false, transB: true, m: 3, n: 18, k: 20, alpha: 1, lda: 20, ldb: 20, beta: 1, ldc: 18 };
    expect(calls).to.deep.equal([gin, gin, gw, gw]);
  });

  it("depthwise conv (groups = channels) runs one gemm per image and group", () => {
    const { kernel, calls } = spyKernel(referenceKernel);
    new nn.Conv2d(4, 4, 3, { padding: 1, groups: 4 }).forward(rand([1, 4, 3, 3]), { kernel });
    expect(calls).to.have.length(4);
    expect(calls[0]).to.include({ m: 1, n: 9, k: 9, beta: 1 });
  });

  it("the input gradient is skipped (no gemm) when the input does not require grad", () => {
    const { kernel, calls } = spyKernel(referenceKernel);
    const layer = new nn.Linear(4, 3);
    const loss = crossEntropy(layer.forward(rand([2, 4]), { kernel }), [0, 2]);
    calls.length = 0;
    loss.backward();
    expect(calls).to.have.length(1);
  });
});
