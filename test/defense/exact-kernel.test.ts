import { expect } from "chai";
import { addExact, mulExact, roundToF32, toDyadic, referenceKernel, type Dyadic, type Kernel } from "@chimera/kernels";
import { exactKernel } from "@chimera/defense";

/** The oracle: RN32(α·Σ a·b + β·c) by BigInt, IEEE specials by rule. */
function oracle(a: ArrayLike<number>, b: ArrayLike<number>, alpha = 1, beta = 0, c = 0): number {
  const terms = Array.from({ length: a.length }, (_, i) => a[i]! * b[i]!);
  const inf = terms.reduce((s, t) => (Number.isFinite(t) ? s : s + t), 0);
  const special = alpha * inf + (beta === 0 ? 0 : Number.isFinite(beta * c) ? 0 : beta * c);
  if (!Number.isFinite(special)) return Math.fround(special);
  let s: Dyadic = { sig: 0n, exp: 0, negZero: true };
  for (let i = 0; i < a.length; i++) s = addExact(s, mulExact(toDyadic(a[i]!), toDyadic(b[i]!)));
  if (a.length === 0) s = { sig: 0n, exp: 0 };
  let t = mulExact(toDyadic(alpha), s);
  if (beta !== 0) t = addExact(t, mulExact(toDyadic(beta), toDyadic(c)));
  return roundToF32(t);
}

function bits(v: number): number {
  return new Uint32Array(Float32Array.of(v).buffer)[0]!;
}

function same(got: number, want: number, what: string): void {
  if (Number.isNaN(want)) expect(got, what).to.be.NaN;
  else expect(bits(got), `${what}: got ${got}, want ${want}`).to.equal(bits(want));
}

let seed = 12345;
function rand(): number {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
}
/** A random binary32 with a random exponent in [lo, hi]. */
function randF32(lo: number, hi: number): number {
  const e = lo + Math.floor(rand() * (hi - lo + 1));
  return Math.fround((rand() < 0.5 ? -1 : 1) * (1 + rand()) * 2 ** e);
}

function viaDot(kernel: Kernel, x: Float32Array, y: Float32Array): number {
  return kernel.dot({ n: x.length, x, incx: 1, y, incy: 1 });
}
function viaGemm(kernel: Kernel, x: Float32Array, y: Float32Array, alpha: number, beta: number, c: number): number {
  const out = Float32Array.of(c);
  kernel.gemm({ transA: false, transB: false, m: 1, n: 1, k: x.length, alpha, a: x, lda: Math.max(1, x.length), b: y, ldb: 1, beta, c: out, ldc: 1 });
  return out[0]!;
}

const adversarial: Array<[string, number[], number[]]> = [
  ["2^100 − 2^100 + tiny", [2 ** 50, -(2 ** 50), 2 ** -140], [2 ** 50, 2 ** 50, 2 ** -9]],
  ["cancellation leaves a midpoint tie", [1, 2 ** -24, -(2 ** -60)], [1, 1, 2 ** -60]],
  ["exact midpoint, ties to even", [1, 2 ** -24], [1, 1]],
  ["midpoint pushed up by a tiny term", [1, 2 ** -24, 2 ** -75], [1, 1, 2 ** -74]],
  ["subnormal products", [2 ** -149, 3 * 2 ** -140, -(2 ** -126)], [2 ** -10, 2 ** -20, 2 ** -30]],
  ["underflow to a subnormal result", [2 ** -100, 2 ** -100], [2 ** -40, 2 ** -49]],
  ["overflow to +Inf", [2 ** 127, 2 ** 127], [1.5, 1]],
  ["just below overflow", [3.4028234663852886e38, 2 ** 103], [1, -0.5]],
  ["overflow midpoint rounds down with a tiny negative term", [3.4028234663852886e38, 2 ** 103, -(2 ** -100)], [1, 1, 2 ** -100]],
  ["signed zeros: all −0", [-0, 0, -0], [1, -1, 3]],
  ["signed zeros: mixed", [-0, 0], [1, 1]],
  ["exact cancellation is +0", [-1, 1], [1, 1]],
  ["huge and tiny mixed", [2 ** 127, -(2 ** 127), 2 ** -149, 2 ** -149], [2 ** 127, 2 ** 127, 2 ** -149, 1]],
  ["NaN", [1, NaN], [1, 1]],
  ["+Inf and −Inf", [Infinity, -Infinity], [1, 1]],
  ["Inf · 0", [Infinity], [0]],
  ["Inf", [Infinity, 2 ** 127], [1, -(2 ** 127)]],
];

describe("exact kernel", () => {
  it("equals the BigInt oracle on adversarial sums (dot and gemm)", () => {
    for (const [name, xs, ys] of adversarial) {
      const x = Float32Array.from(xs), y = Float32Array.from(ys);
      same(viaDot(exactKernel, x, y), oracle(x, y), `dot ${name}`);
      same(viaGemm(exactKernel, x, y, 1, 0, 0), oracle(x, y), `gemm ${name}`);
      for (const [alpha, beta, c] of [[0.75, 1, -0.5], [-3, 2, 2 ** -30], [2 ** -60, -1, 1e-20], [1, 1, -0]] as const) {
        const a32 = Math.fround(alpha), b32 = Math.fround(beta), c32 = Math.fround(c);
        same(viaGemm(exactKernel, x, y, a32, b32, c32), oracle(x, y, a32, b32, c32), `gemm ${name} α=${alpha} β=${beta} c=${c}`);
      }
    }
  });

  it("equals the BigInt oracle on random sums of mixed magnitudes", () => {
    for (let t = 0; t < 300; t++) {
      const k = 1 + Math.floor(rand() * 40);
      const spread = t % 3 === 0 ? [-149, 127] : t % 3 === 1 ? [-30, 10] : [-5, 5];
      const x = Float32Array.from({ length: k }, () => randF32(spread[0]!, spread[1]!));
      const y = Float32Array.from({ length: k }, () => randF32(-10, 0));
      const alpha = randF32(-4, 4), beta = t % 2 ? 0 : randF32(-4, 4), c = randF32(-6, 6);
      same(viaGemm(exactKernel, x, y, alpha, beta, c), oracle(x, y, alpha, beta, c), `case ${t}`);
    }
  });

  it("can fail: a float64-accumulating kernel misses the oracle on 2^100 − 2^100 + tiny", () => {
    const x = Float32Array.of(2 ** 50, 2 ** -140, -(2 ** 50)), y = Float32Array.of(2 ** 50, 2 ** -9, 2 ** 50);
    let f64 = 0;
    for (let i = 0; i < 3; i++) f64 += x[i]! * y[i]!;
    expect(Math.fround(f64)).to.not.equal(oracle(x, y));
    same(viaDot(exactKernel, x, y), oracle(x, y), "exact");
  });

  it("does not depend on the order of k, the batch or the layout", () => {
    const m = 5, n = 7, k = 300;
    const a = Float32Array.from({ length: m * k }, () => randF32(-20, 20));
    const b = Float32Array.from({ length: k * n }, () => randF32(-20, 20));
    const c0 = Float32Array.from({ length: m * n }, () => randF32(-3, 3));
    const c = Float32Array.from(c0);
    exactKernel.gemm({ transA: false, transB: false, m, n, k, alpha: 1, a, lda: k, b, ldb: n, beta: 1, c, ldc: n });
    // oracle on every element
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      const col = Array.from({ length: k }, (_, p) => b[p * n + j]!);
      same(c[i * n + j]!, oracle(a.subarray(i * k, (i + 1) * k), col, 1, 1, c0[i * n + j]!), `C[${i},${j}]`);
    }
    // permuted k
    const perm = Array.from({ length: k }, (_, p) => p).sort(() => rand() - 0.5);
    const ap = Float32Array.from({ length: m * k }, (_, q) => a[Math.floor(q / k) * k + perm[q % k]!]!);
    const bp = Float32Array.from({ length: k * n }, (_, q) => b[perm[Math.floor(q / n)]! * n + (q % n)]!);
    const c2 = Float32Array.from(c0);
    exactKernel.gemm({ transA: false, transB: false, m, n, k, alpha: 1, a: ap, lda: k, b: bp, ldb: n, beta: 1, c: c2, ldc: n });
    expect(Array.from(c2)).to.deep.equal(Array.from(c));
    // transposed storage of both operands
    const at = Float32Array.from({ length: k * m }, (_, q) => a[(q % m) * k + Math.floor(q / m)]!);
    const bt = Float32Array.from({ length: n * k }, (_, q) => b[(q % k) * n + Math.floor(q / k)]!);
    const c3 = Float32Array.from(c0);
    exactKernel.gemm({ transA: true, transB: true, m, n, k, alpha: 1, a: at, lda: m, b: bt, ldb: k, beta: 1, c: c3, ldc: n });
    expect(Array.from(c3)).to.deep.equal(Array.from(c));
    // each row alone (batch 1) and through gemv
    for (let i = 0; i < m; i++) {
      const row = Float32Array.from(c0.subarray(i * n, (i + 1) * n));
      exactKernel.gemm({ transA: false, transB: false, m: 1, n, k, alpha: 1, a: a.subarray(i * k), lda: k, b, ldb: n, beta: 1, c: row, ldc: n });
      expect(Array.from(row), `row ${i}`).to.deep.equal(Array.from(c.subarray(i * n, (i + 1) * n)));
      const yv = Float32Array.from(c0.subarray(i * n, (i + 1) * n));
      exactKernel.gemv({ transA: true, m: k, n, alpha: 1, a: b, lda: n, x: a.subarray(i * k, (i + 1) * k), incx: 1, beta: 1, y: yv, incy: 1 });
      expect(Array.from(yv), `gemv row ${i}`).to.deep.equal(Array.from(row));
    }
    // the reference kernel (sequential fp32) does differ somewhere on this input: the check has teeth
    const cr = Float32Array.from(c0);
    referenceKernel.gemm({ transA: false, transB: false, m, n, k, alpha: 1, a, lda: k, b, ldb: n, beta: 1, c: cr, ldc: n });
    expect(Array.from(cr)).to.not.deep.equal(Array.from(c));
  });

  it("never reads C when beta = 0, and follows the contract's empty rules", () => {
    const a = Float32Array.of(1, 2), b = Float32Array.of(3, 4), c = Float32Array.of(NaN);
    exactKernel.gemm({ transA: false, transB: false, m: 1, n: 1, k: 2, alpha: 1, a, lda: 2, b, ldb: 1, beta: 0, c, ldc: 1 });
    expect(c[0]).to.equal(11);
    const c2 = Float32Array.of(NaN);
    exactKernel.gemm({ transA: false, transB: false, m: 1, n: 1, k: 0, alpha: 1, a, lda: 1, b, ldb: 1, beta: 0, c: c2, ldc: 1 });
    expect(Object.is(c2[0], 0)).to.equal(true);
    expect(exactKernel.dot({ n: 0, x: a, incx: 1, y: b, incy: 1 })).to.equal(0);
  });

  it("validates its arguments and names itself", () => {
    expect(() => exactKernel.dot({ n: 5, x: new Float32Array(2), incx: 1, y: new Float32Array(5), incy: 1 })).to.throw(/exact: dot: x needs/);
  });
});
