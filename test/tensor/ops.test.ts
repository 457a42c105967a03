import { expect } from "chai";
import { referenceKernel } from "@chimera/kernels";
import { ops, tensor, Tensor, argmax, softmax, crossEntropy } from "@chimera/tensor";
import { rand } from "./grad-check.js";

const f = Math.fround;

describe("tensor and ops", () => {
  it("elementwise ops round once to binary32", () => {
    const a = tensor([1, 0.1, 3], [3]), b = tensor([2 ** -24, 0.2, 7], [3]);
    expect(ops.add(a, b).toArray()).to.deep.equal([1, f(f(0.1) + f(0.2)), 10]); // 1 + 2^-24 ties to even → 1
    expect(ops.div(a, b).toArray()).to.deep.equal([2 ** 24, f(f(0.1) / f(0.2)), f(3 / 7)]);
    expect(ops.mul(a, b).toArray()).to.deep.equal([2 ** -24, f(f(0.1) * f(0.2)), 21]);
  });

  it("broadcasts like PyTorch and names both shapes when it cannot", () => {
    const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(ops.add(a, tensor([10, 20], [2, 1])).toArray()).to.deep.equal([11, 12, 13, 24, 25, 26]);
    expect(ops.sub(a, tensor([1, 1, 1], [3])).toArray()).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(() => ops.add(a, tensor([1, 2], [2]))).to.throw(/add: shapes \[2, 3\] and \[2\] do not broadcast/);
  });

  it("sum adds sequentially in binary32 and is documented as such", () => {
    const x = tensor([2 ** 24, 1, 1, -(2 ** 24)], [4]);
    expect(ops.sum(x).item()).to.equal(0); // (2^24 + 1) rounds to 2^24 each time
    const y = rand([2, 3, 4]);
    const s = ops.sum(y, [0, 2]);
    for (let j = 0; j < 3; j++) {
      let acc = 0;
      for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) acc = f(acc + y.get(i, j, k));
      expect(s.get(j)).to.equal(acc);
    }
  });

  it("max, argmax and mean", () => {
    const x = tensor([1, 5, 2, 7, 0, 3], [2, 3]);
    expect(ops.max(x, 1).toArray()).to.deep.equal([5, 7]);
    expect(Array.from(argmax(x))).to.deep.equal([1, 0]);
    expect(Array.from(argmax(x, 0))).to.deep.equal([1, 0, 1]);
    expect(ops.mean(x).item()).to.equal(f(18 / 6));
  });

  it("reshape is a view; transpose is a strided view; contiguous copies", () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const r = ops.reshape(x, [3, 2]);
    expect(r.data).to.equal(x.data);
    const t = ops.transpose(x);
    expect(t.shape).to.deep.equal([3, 2]);
    expect(t.isContiguous()).to.equal(false);
    expect(ops.contiguous(t).toArray()).to.deep.equal([1, 4, 2, 5, 3, 6]);
    expect(() => ops.reshape(x, [4, 2])).to.throw(/reshape: cannot reshape \[2, 3\]/);
  });

  it("slice and indexSelect pick the right elements", () => {
    const x = tensor([0, 1, 2, 3, 4, 5, 6, 7], [4, 2]);
    expect(ops.indexSelect(x, [3, 1]).toArray()).to.deep.equal([6, 7, 2, 3]);
    expect(ops.slice(x, 0, 1, 3).toArray()).to.deep.equal([2, 3, 4, 5]);
    expect(() => ops.indexSelect(x, [4])).to.throw(/indexSelect: index 4 out of range/);
  });

  it("matmul accepts transposed views and matches a textbook product", () => {
    const a = rand([3, 2]), b = rand([3, 4], -1, 1, 2);
    const c = ops.matmul(ops.transpose(a), b, referenceKernel);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let p = 0; p < 3; p++) s = f(s + f(a.get(p, i) * b.get(p, j)));
      expect(c.get(i, j)).to.equal(s);
    }
    expect(() => ops.matmul(a, b, referenceKernel)).to.throw(/matmul: expected A \[m, k\] and B \[k, n\], got \[3, 2\] and \[3, 4\]/);
  });
});

describe("activations, losses, pooling, batch norm", () => {
  it("softmax rows sum to one; cross-entropy of equal logits is log(C)", () => {
    const s = softmax(rand([3, 5], -3, 3), 1);
    for (let i = 0; i < 3; i++) expect(ops.sum(ops.slice(s, 0, i, i + 1)).item()).to.be.closeTo(1, 1e-6);
    expect(crossEntropy(new Tensor(new Float32Array(8), [2, 4]), [1, 3]).item()).to.be.closeTo(Math.log(4), 1e-6);
    expect(() => crossEntropy(new Tensor(new Float32Array(8), [2, 4]), [1, 4])).to.throw(/target 4 at row 1/);
  });

  it("maxPool2d(3) maps 32 → 10 → 3 → 1 and adaptive 1×1 equals the mean", () => {
    let x = rand([1, 1, 32, 32]);
    const sizes: number[] = [];
    for (let i = 0; i < 3; i++) {
      x = ops.maxPool2d(x, 3);
      sizes.push(x.shape[2]!);
    }
    expect(sizes).to.deep.equal([10, 3, 1]);
    const y = rand([2, 3, 4, 4]);
    const a = ops.adaptiveAvgPool2d(y, 1);
    expect(a.shape).to.deep.equal([2, 3, 1, 1]);
    expect(a.get(1, 2, 0, 0)).to.be.closeTo(ops.mean(ops.slice(ops.slice(y, 0, 1, 2), 1, 2, 3)).item(), 1e-6);
  });

  it("batchNorm2d training normalises per channel and updates running stats (unbiased var)", () => {
    const x = rand([4, 2, 3, 3], -2, 5);
    const rm = tensor([0, 0], [2]), rv = tensor([1, 1], [2]);
    const y = ops.batchNorm2d(x, { weight: null, bias: null, runningMean: rm, runningVar: rv, momentum: 0.1, eps: 1e-5 }, true);
    for (let c = 0; c < 2; c++) {
      const vals: number[] = [];
      for (let n = 0; n < 4; n++) for (let i = 0; i < 9; i++) vals.push(y.get(n, c, Math.floor(i / 3), i % 3));
      const m = vals.reduce((s, v) => s + v, 0) / vals.length;
      const v = vals.reduce((s, q) => s + (q - m) ** 2, 0) / vals.length;
      expect(m).to.be.closeTo(0, 1e-5);
      expect(v).to.be.closeTo(1, 1e-3);
      const xs: number[] = [];
      for (let n = 0; n < 4; n++) for (let i = 0; i < 9; i++) xs.push(x.get(n, c, Math.floor(i / 3), i % 3));
      const xm = xs.reduce((s, q) => s + q, 0) / 36, xv = xs.reduce((s, q) => s + (q - xm) ** 2, 0) / 35;
      expect(rm.get(c)).to.be.closeTo(0.1 * xm, 1e-5);
      expect(rv.get(c)).to.be.closeTo(0.9 + 0.1 * xv, 1e-5);
    }
  });
});
