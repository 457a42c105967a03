import { expect } from "chai";
import { setWasmEnabled, wasmAvailable, type GemmCall } from "@chimera/kernels";
import { float64GradientKernel, gradientWasmCounters } from "@chimera/attack";
import { Rng } from "@chimera/tensor";

/** The gradient kernel's definition, written out per element: fl32(α·Σ_p a(i,p)·b(p,j) + β·c), Σ in binary64 from +0, p ascending. */
function oracle(call: GemmCall): Float32Array {
  const { transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc } = call;
  const out = Float32Array.from(c);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[transA ? p * lda + i : i * lda + p]! * b[transB ? j * ldb + p : p * ldb + j]!;
    const t = alpha * s;
    out[i * ldc + j] = beta === 0 ? t : t + beta * c[i * ldc + j]!;
  }
  return out;
}

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

describe("attack: the gradient kernel's WebAssembly gemm", function () {
  before(function () {
    if (wasmAvailable) return;
    console.log("      skipped: this runtime has no WebAssembly SIMD, so the gradient kernel runs its JavaScript form only");
    this.skip();
  });
  afterEach(() => setWasmEnabled(true));

  /** A call with random values: `zeros` of A's values 0 (post-ReLU rows), padded strides, and B's exponents spread wide. */
  const draw = (rng: Rng, transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, beta: number): GemmCall => {
    const pad = rng.int(3);
    const lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
    const a = Float32Array.from({ length: (transA ? k : m) * lda }, () => (rng.uniform(0, 1) < 0.4 ? 0 : rng.uniform(-1, 1)));
    const b = Float32Array.from({ length: (transB ? n : k) * ldb }, () => rng.uniform(-1, 1) * 2 ** (rng.int(81) - 40));
    const c = Float32Array.from({ length: m * ldc }, () => rng.uniform(-1, 1));
    return { transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc };
  };

  it("gives the JavaScript form's bits and the per-element definition's, every layout, edge tiles, α and β", () => {
    const rng = new Rng(20261208);
    const shapes = [[32, 784, 288], [5, 7, 300], [1, 128, 784], [9, 81, 33], [4, 4, 256], [3, 1, 2000], [17, 6, 1]] as const;
    for (const [m, n, k] of shapes) for (const transA of [false, true]) for (const transB of [false, true]) {
      const [alpha, beta] = [[1, 0], [-0.5, 1], [Math.fround(1.3), -2]][rng.int(3)]!;
      const call = draw(rng, transA, transB, m, n, k, alpha!, beta!);
      const want = oracle(call);
      const js = Float32Array.from(call.c), wasm = Float32Array.from(call.c);
      setWasmEnabled(false);
      float64GradientKernel.gemm({ ...call, c: js });
      setWasmEnabled(true);
      const before = gradientWasmCounters.calls;
      float64GradientKernel.gemm({ ...call, c: wasm });
      expect(gradientWasmCounters.calls - before, `${m}x${n}x${k} ran in WebAssembly`).to.equal(m * n * k >= 4096 && m >= 4 && !transB ? 1 : 0);
      const what = `${transA ? "T" : "N"}${transB ? "T" : "N"} ${m}x${n}x${k} α ${alpha} β ${beta}`;
      expect(bits(wasm), `${what}: WebAssembly vs the definition`).to.deep.equal(bits(want));
      expect(bits(js), `${what}: JavaScript vs the definition`).to.deep.equal(bits(want));
    }
  });

  it("each element is its own sequential sum over p (a cancellation that any other grouping would not give)", () => {
    // Σ = 2^60 + 1 − 2^60 in the order p = 0, 1, 2 is 0 in binary64; summed in any other grouping it is 1.
    const m = 64, n = 64, k = 3;
    const a = new Float32Array(m * k).fill(1), b = new Float32Array(k * n), c = new Float32Array(m * n).fill(7);
    for (let j = 0; j < n; j++) { b[j] = 2 ** 60; b[n + j] = 1; b[2 * n + j] = -(2 ** 60); }
    const before = gradientWasmCounters.calls;
    float64GradientKernel.gemm({ transA: false, transB: false, m, n, k, alpha: 1, a, lda: k, b, ldb: n, beta: 0, c, ldc: n });
    expect(gradientWasmCounters.calls - before).to.equal(1);
    expect(c.every((x) => x === 0)).to.equal(true);
  });

  it("a non-finite value in op(B) keeps the call in JavaScript, whose row form skips zeros of A", () => {
    const m = 16, n = 16, k = 32;
    const a = new Float32Array(m * k).fill(1), b = new Float32Array(k * n).fill(1);
    a[0] = 0; // row 0 skips p = 0
    b[0] = Infinity; // (p = 0, j = 0): 0·Inf would be NaN if not skipped
    const c = new Float32Array(m * n);
    float64GradientKernel.gemm({ transA: false, transB: false, m, n, k, alpha: 1, a, lda: k, b, ldb: n, beta: 0, c, ldc: n });
    expect(c[0]).to.equal(31);
    expect(c[n]).to.equal(Infinity);
  });
});
