import type { Kernel } from "../kernel.js";

/** The BLAS operation a probe drives. */
export type ProbeOp = "dot" | "gemv" | "gemm";

/**
 * The call a probe makes. dot: k terms, one output. gemv: y := A·x with op(A) m×k (m outputs of
 * k terms each). gemm: C := A·B + β·C with op(A) m×k, op(B) k×n. With β = 1 the prior value of C
 * is one more leaf of every output's tree (index k). α is 1.
 */
export interface ProbeShape {
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  beta?: 0 | 1;
}

/**
 * Values for one probe query: term p contributes x[p]·y[p]; `c` is C's prior value (β = 1 only).
 * Every output element sees the same terms: A's rows all hold x, B's columns all hold y.
 */
export interface TermValues {
  x: Float32Array;
  y: Float32Array;
  c: number;
}

/** Runs queries against a kernel for one op and shape, counting calls. */
export class ProbeOracle {
  readonly leaves: number;
  readonly outputs: number;
  calls = 0;
  private readonly a: Float32Array;
  private readonly b: Float32Array;
  private readonly out: Float32Array;

  constructor(readonly kernel: Kernel, readonly op: ProbeOp, readonly shape: ProbeShape) {
    const { m, n, k } = shape;
    for (const [name, v] of [["m", m], ["n", n], ["k", k]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`probe(${kernel.info.id}, ${op}): ${name} must be an integer >= 1, got ${v}`);
    }
    if (op === "dot" && (m !== 1 || n !== 1)) throw new Error(`probe(${kernel.info.id}, dot): m and n must be 1`);
    if (op === "gemv" && n !== 1) throw new Error(`probe(${kernel.info.id}, gemv): n must be 1`);
    if (op !== "gemm" && shape.beta === 1) throw new Error(`probe(${kernel.info.id}, ${op}): beta = 1 is probed for gemm only`);
    this.leaves = k + (shape.beta === 1 ? 1 : 0);
    this.outputs = m * n;
    this.a = new Float32Array(m * k);
    this.b = new Float32Array(k * n);
    this.out = new Float32Array(m * n);
  }

  /** Output element values (row-major m×n) for the given term values. */
  evaluate(v: TermValues): Float32Array {
    const { m, n, k } = this.shape;
    const transA = this.shape.transA ?? false, transB = this.shape.transB ?? false;
    this.calls++;
    if (this.op === "dot") {
      return Float32Array.of(this.kernel.dot({ n: k, x: v.x, incx: 1, y: v.y, incy: 1 }));
    }
    // A: op(A)[i, p] = x[p]; stored m×k (lda k) or k×m (lda m).
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) this.a[transA ? p * m + i : i * k + p] = v.x[p]!;
    if (this.op === "gemv") {
      const y = this.out;
      this.kernel.gemv({ transA, m: transA ? k : m, n: transA ? m : k, alpha: 1, a: this.a, lda: transA ? m : k, x: v.y, incx: 1, beta: 0, y, incy: 1 });
      return Float32Array.from(y);
    }
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) this.b[transB ? j * k + p : p * n + j] = v.y[p]!;
    const beta = this.shape.beta ?? 0;
    this.out.fill(beta === 1 ? v.c : 0);
    this.kernel.gemm({
      transA, transB, m, n, k, alpha: 1, a: this.a, lda: transA ? m : k, b: this.b, ldb: transB ? k : n,
      beta, c: this.out, ldc: n,
    });
    return Float32Array.from(this.out);
  }

  /** Term values with every x = `fill`, y = 1, c = `fill`. */
  blank(fill: number): TermValues {
    return { x: new Float32Array(this.shape.k).fill(fill), y: new Float32Array(this.shape.k).fill(1), c: fill };
  }

  /** Sets leaf `leaf`'s product to value·1 (leaf k is C). */
  setLeaf(v: TermValues, leaf: number, value: number): void {
    if (leaf === this.shape.k) v.c = value;
    else v.x[leaf] = value;
  }
}
