import { expect } from "chai";
import { inspect } from "node:util";
import { referenceKernel, type Kernel } from "@chimera/kernels";
import { defendedModel, fromOrdinal, KeyedNoise, MAX_ORDINAL, ordinal, ulpStep, ulpDistance } from "@chimera/defense";

const key = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
const otherKey = Uint8Array.from(key, (b, i) => (i === 0 ? b ^ 1 : b));
const x = Float32Array.from({ length: 784 }, (_, i) => Math.fround(((i * 7919) % 256) / 255));
const F32_MAX = 3.4028234663852886e38;
const MIN_SUB = 2 ** -149;

/** Share of positions where two step vectors agree (unrelated uniform noise on 2d+1 values: ~1/(2d+1)). */
function agreement(a: Int32Array, b: Int32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

describe("ulp walk", () => {
  it("steps exactly through subnormals, zero and the sign change", () => {
    expect(ulpStep(0, 1)).to.equal(MIN_SUB);
    expect(ulpStep(-0, 1)).to.equal(MIN_SUB);
    expect(ulpStep(0, -1)).to.equal(-MIN_SUB);
    expect(ulpStep(MIN_SUB, -2)).to.equal(-MIN_SUB);
    expect(Object.is(ulpStep(MIN_SUB, -1), 0)).to.equal(true);
    expect(Object.is(ulpStep(-0, 0), -0)).to.equal(true);
    expect(ulpStep(2 ** -126, -1)).to.equal(2 ** -126 - MIN_SUB); // largest subnormal
    expect(ulpStep(1, -1)).to.equal(1 - 2 ** -24);
    expect(ulpStep(1, 1)).to.equal(1 + 2 ** -23);
    expect(ulpStep(1, 1000)).to.equal(Math.fround(1 + 1000 * 2 ** -23));
    expect(ulpDistance(-1, 1)).to.equal(2 * ordinal(1));
  });

  it("clamps at the largest finite value and never makes Inf or NaN", () => {
    expect(ulpStep(F32_MAX, 1)).to.equal(F32_MAX);
    expect(ulpStep(F32_MAX, 2 ** 31)).to.equal(F32_MAX);
    expect(ulpStep(-F32_MAX, -5)).to.equal(-F32_MAX);
    expect(ulpStep(F32_MAX, -1)).to.equal(fromOrdinal(MAX_ORDINAL - 1));
    expect(ulpStep(ulpStep(F32_MAX, -3), 10)).to.equal(F32_MAX);
    expect(() => ulpStep(Infinity, 1)).to.throw(/not a finite binary32/);
    expect(() => ulpStep(NaN, 0)).to.throw(/not a finite binary32/);
  });
});

describe("keyed noise", () => {
  it("is deterministic for (x, s) and stays within [−d, d], using the whole range", () => {
    const noise = new KeyedNoise(key, 1000);
    const s1 = noise.steps(x), s2 = new KeyedNoise(Uint8Array.from(key), 1000).steps(Float32Array.from(x));
    expect(Array.from(s1)).to.deep.equal(Array.from(s2));
    expect(Math.max(...s1)).to.be.at.most(1000).and.above(900);
    expect(Math.min(...s1)).to.be.at.least(-1000).and.below(-900);
    const moved = noise.apply(x);
    for (let i = 0; i < x.length; i++) expect(ulpDistance(x[i]!, moved[i]!)).to.equal(s1[i]);
  });

  it("gives unrelated noise for a different key or a one-ULP change of x", () => {
    const d = 1000, base = new KeyedNoise(key, d).steps(x);
    expect(agreement(base, new KeyedNoise(otherKey, d).steps(x))).to.be.below(0.02);
    const x2 = Float32Array.from(x);
    x2[400] = ulpStep(x2[400]!, 1);
    expect(agreement(base, new KeyedNoise(key, d).steps(x2))).to.be.below(0.02);
  });

  it("d = 0 is no noise", () => {
    expect(Array.from(new KeyedNoise(key, 0).apply(x))).to.deep.equal(Array.from(x));
  });

  it("never shows the key in errors, inspect or JSON", () => {
    const secret = Buffer.from("0123456789abcdef-very-secret");
    const noise = new KeyedNoise(secret, 3);
    for (const text of [inspect(noise), JSON.stringify(noise), String(noise)]) {
      expect(text).to.not.include("very-secret");
      expect(text).to.not.include(secret.toString("hex"));
    }
    const short = Buffer.from("short-secret");
    let message = "";
    try { new KeyedNoise(short, 3); } catch (e) { message = (e as Error).message; }
    expect(message).to.match(/at least 16 bytes, got 12/);
    expect(message).to.not.include("short-secret");
    expect(() => new KeyedNoise(key, -1)).to.throw(/d must be an integer/);
  });
});

describe("defended model", () => {
  // A 4-class linear model on 784 inputs, on whatever kernel it is given.
  const w = Float32Array.from({ length: 4 * 784 }, (_, i) => Math.fround(Math.sin(i) / 10));
  const model = {
    inputSize: 784,
    classes: 4,
    logits(input: Float32Array, kernel: Kernel): Float32Array {
      const out = new Float32Array(4);
      kernel.gemv({ transA: false, m: 4, n: 784, alpha: 1, a: w, lda: 784, x: input, incx: 1, beta: 0, y: out, incy: 1 });
      return out;
    },
  };

  it("computes f(x + ζ_d(x, s)) deterministically, and is f(x) for d = 0", () => {
    const noise = new KeyedNoise(key, 1000);
    const h = defendedModel(model, noise);
    const l1 = h.logits(x, referenceKernel), l2 = h.logits(x, referenceKernel);
    expect(Array.from(l1)).to.deep.equal(Array.from(l2));
    expect(Array.from(l1)).to.deep.equal(Array.from(model.logits(noise.apply(x), referenceKernel)));
    expect(Array.from(l1)).to.not.deep.equal(Array.from(model.logits(x, referenceKernel)));
    const plain = defendedModel(model, new KeyedNoise(key, 0));
    expect(Array.from(plain.logits(x, referenceKernel))).to.deep.equal(Array.from(model.logits(x, referenceKernel)));
    expect(h.classify(x, referenceKernel)).to.be.within(0, 3);
    expect(() => h.logits(new Float32Array(3), referenceKernel)).to.throw(/expected an input of 784 values, got 3/);
  });
});
