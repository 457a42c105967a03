import { expect } from "chai";
import { referenceKernel } from "@chimera/kernels";
import { ops, gradientRules, type PrimitiveName, Tensor, tensor } from "@chimera/tensor";
import { awayFromZero, distinct, gradCheck, rand } from "./grad-check.js";

const k = referenceKernel;

/** One finite-difference case per primitive: typed by PrimitiveName, so a new primitive without a case fails to compile. */
const cases: Record<PrimitiveName, { f: (x: Tensor[]) => Tensor; inputs: () => Tensor[] }[]> = {
  add: [{ f: ([a, b]) => ops.add(a!, b!), inputs: () => [rand([2, 3]), rand([3], -1, 1, 2)] }],
  sub: [{ f: ([a, b]) => ops.sub(a!, b!), inputs: () => [rand([2, 3]), rand([2, 1], -1, 1, 2)] }],
  mul: [{ f: ([a, b]) => ops.mul(a!, b!), inputs: () => [rand([2, 3]), rand([1, 3], -1, 1, 2)] }],
  div: [{ f: ([a, b]) => ops.div(a!, b!), inputs: () => [rand([2, 3]), rand([2, 3], 0.5, 1.5, 2)] }],
  fma: [{ f: ([a, b, c]) => ops.fusedMulAdd(a!, b!, c!), inputs: () => [rand([2, 3]), rand([1, 3], -1, 1, 2), rand([2, 1], -1, 1, 3)] }],
  maximum: [{ f: ([a, b]) => ops.maximum(a!, b!), inputs: () => { const d = distinct([2, 6]); return [ops.slice(d, 1, 0, 3).detach(), ops.slice(d, 1, 3, 6).detach()]; } }],
  neg: [{ f: ([a]) => ops.neg(a!), inputs: () => [rand([5])] }],
  exp: [{ f: ([a]) => ops.exp(a!), inputs: () => [rand([5])] }],
  log: [{ f: ([a]) => ops.log(a!), inputs: () => [rand([5], 0.5, 2)] }],
  sqrt: [{ f: ([a]) => ops.sqrt(a!), inputs: () => [rand([5], 0.5, 2)] }],
  tanh: [{ f: ([a]) => ops.tanh(a!), inputs: () => [rand([5])] }],
  sigmoid: [{ f: ([a]) => ops.sigmoid(a!), inputs: () => [rand([5], -3, 3)] }],
  relu: [{ f: ([a]) => ops.relu(a!), inputs: () => [awayFromZero([8])] }],
  powScalar: [
    { f: ([a]) => ops.powScalar(a!, 3), inputs: () => [rand([5], 0.5, 1.5)] },
    { f: ([a]) => ops.powScalar(a!, 2), inputs: () => [rand([5])] },
  ],
  sum: [
    { f: ([a]) => ops.sum(a!, [0, 2]), inputs: () => [rand([2, 3, 4])] },
    { f: ([a]) => ops.sum(a!, 1, true), inputs: () => [rand([2, 3])] },
    { f: ([a]) => ops.sum(a!), inputs: () => [rand([2, 3])] },
  ],
  max: [{ f: ([a]) => ops.max(a!, 1), inputs: () => [distinct([3, 4])] }],
  reshape: [{ f: ([a]) => ops.reshape(a!, [3, -1]), inputs: () => [rand([2, 6])] }],
  permute: [{ f: ([a]) => ops.permute(a!, [2, 0, 1]), inputs: () => [rand([2, 3, 4])] }],
  contiguous: [{ f: ([a]) => ops.contiguous(ops.transpose(a!)), inputs: () => [rand([2, 3])] }],
  slice: [{ f: ([a]) => ops.slice(a!, 1, 1, 3), inputs: () => [rand([3, 4])] }],
  indexSelect: [{ f: ([a]) => ops.indexSelect(a!, [2, 0, 2]), inputs: () => [rand([4, 3])] }],
  matmul: [
    { f: ([a, b]) => ops.matmul(a!, b!, k), inputs: () => [rand([3, 4]), rand([4, 2], -1, 1, 2)] },
    { f: ([a, b]) => ops.matmul(ops.transpose(a!), b!, k), inputs: () => [rand([4, 3]), rand([4, 2], -1, 1, 2)] },
  ],
  linear: [
    { f: ([x, w, b]) => ops.linear(x!, w!, b!, k), inputs: () => [rand([3, 4]), rand([5, 4], -1, 1, 2), rand([5], -1, 1, 3)] },
    { f: ([x, w]) => ops.linear(x!, w!, null, { kernel: k }), inputs: () => [rand([2, 4]), rand([3, 4], -1, 1, 2)] },
  ],
  conv2d: [
    { f: ([x, w, b]) => ops.conv2d(x!, w!, b!, k, { padding: 1 }), inputs: () => [rand([2, 2, 4, 4]), rand([3, 2, 3, 3], -1, 1, 2), rand([3], -1, 1, 3)] },
    { f: ([x, w]) => ops.conv2d(x!, w!, null, k, { stride: 2, padding: 1, groups: 2 }), inputs: () => [rand([1, 4, 5, 5]), rand([6, 2, 3, 3], -1, 1, 2)] },
  ],
  maxPool2d: [
    { f: ([a]) => ops.maxPool2d(a!, 3), inputs: () => [distinct([1, 2, 6, 7])] },
    { f: ([a]) => ops.maxPool2d(a!, 3, 2, 1), inputs: () => [distinct([1, 1, 5, 5])] },
  ],
  avgPool2d: [
    { f: ([a]) => ops.adaptiveAvgPool2d(a!, [2, 3]), inputs: () => [rand([1, 2, 5, 5])] },
    { f: ([a]) => ops.avgPool2d(a!, 2), inputs: () => [rand([1, 2, 4, 5])] },
  ],
};

describe("gradient rules vs central finite differences", () => {
  it("has a case for every rule in the table", () => {
    expect(Object.keys(cases).sort()).to.deep.equal(Object.keys(gradientRules).sort());
  });

  for (const [name, list] of Object.entries(cases)) {
    list.forEach((c, i) => {
      it(`${name} #${i}`, () => {
        const r = gradCheck(c.f, c.inputs());
        expect(r.ok, r.where).to.equal(true);
      });
    });
  }

  it("fails for a deliberately wrong rule (the checker can fail)", () => {
    const saved = gradientRules.exp;
    try {
      gradientRules.exp = (g, _n, out) => [ops.mul(g, ops.mul(out, 1.1))];
      expect(gradCheck(([a]) => ops.exp(a!), [rand([5])]).ok).to.equal(false);
      gradientRules.exp = (g, _n, out) => [ops.neg(ops.mul(g, out))];
      expect(gradCheck(([a]) => ops.exp(a!), [rand([5])]).ok).to.equal(false);
    } finally {
      gradientRules.exp = saved;
    }
    expect(gradCheck(([a]) => ops.exp(a!), [rand([5])]).ok).to.equal(true);
  });
});

describe("composite ops vs central finite differences", () => {
  const comp: [string, (x: Tensor[]) => Tensor, () => Tensor[], { h?: number; atol?: number }?][] = [
    ["softmax", ([a]) => ops.softmax(a!, 1), () => [rand([2, 5], -2, 2)]],
    ["logSoftmax", ([a]) => ops.logSoftmax(a!, 1), () => [rand([2, 5], -2, 2)]],
    ["crossEntropy", ([a]) => ops.crossEntropy(a!, [3, 0]), () => [rand([2, 5], -2, 2)]],
    ["silu", ([a]) => ops.silu(a!), () => [rand([6], -3, 3)]],
    ["mean", ([a]) => ops.mean(a!, [0, 2], true), () => [rand([2, 3, 4])]],
    ["batchNorm2d train", ([x, w, b]) => ops.batchNorm2d(x!, { weight: w!, bias: b!, runningMean: null, runningVar: null, momentum: 0.1, eps: 1e-5 }, true),
      () => [rand([3, 2, 2, 2], -2, 2), rand([2], 0.5, 1.5, 2), rand([2], -1, 1, 3)]],
    ["batchNorm2d eval", ([x, w, b]) => ops.batchNorm2d(x!, { weight: w!, bias: b!, runningMean: tensor([0.1, -0.2], [2]), runningVar: tensor([0.5, 2], [2]), momentum: 0.1, eps: 1e-5 }, false),
      () => [rand([2, 2, 2, 2], -2, 2), rand([2], 0.5, 1.5, 2), rand([2], -1, 1, 3)]],
    ["small CNN (conv, BN train, ReLU, max pool, linear, cross-entropy) w.r.t. input and weights", ([x, w, lw]) => {
      const h = ops.conv2d(x!, w!, null, k, { padding: 1 });
      const bn = ops.batchNorm2d(h, { weight: null, bias: null, runningMean: null, runningVar: null, momentum: 0.1, eps: 1e-5 }, true);
      const p = ops.flatten(ops.maxPool2d(ops.relu(bn), 2));
      return ops.crossEntropy(ops.linear(p, lw!, null, k), [1, 0]);
    }, () => [rand([2, 2, 4, 4], -1, 1, 11), rand([3, 2, 3, 3], -1, 1, 12), rand([2, 12], -1, 1, 13)], { h: 1e-3, atol: 2e-3 }],
  ];
  for (const [name, f, inputs, opts] of comp) {
    it(name, () => {
      const r = gradCheck(f, inputs(), opts);
      expect(r.ok, r.where).to.equal(true);
    });
  }
});
