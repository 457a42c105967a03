import type { GemmCall, Kernel } from "../kernel.js";

/** One gemm call of a fidelity suite; inputs come from `seed` (see seededInputs). */
export interface FidelityCase {
  readonly name: string;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly alpha: number;
  readonly beta: number;
  /** Extra leading-dimension padding on every operand (tests strided layouts). */
  readonly pad: number;
  readonly seed: number;
}

/** What measureFidelity found. */
export interface FidelityReport {
  /** Fraction of all C elements over the suite whose bits are identical. */
  readonly bitIdentical: number;
  /** Fraction of cases whose whole C is identical. */
  readonly casesIdentical: number;
  readonly elements: number;
  /** Every case with at least one differing element, with its identical fraction. */
  readonly failingShapes: ReadonlyArray<{ readonly case: FidelityCase; readonly bitIdentical: number }>;
}

/** The k values of the sweep: every block edge the declared libraries use (8, 16, 32 unrolls; 256, 320,
 * 384, 448, 512 blocks and the halving thresholds at 2·Q), each with its neighbours, up to 4096. */
export const FIDELITY_K_EDGES: readonly number[] = [
  1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257, 319, 320, 321,
  383, 384, 385, 447, 448, 449, 511, 512, 513, 639, 640, 641, 767, 768, 769, 784, 895, 896, 897, 1000,
  1023, 1024, 1025, 1279, 1280, 1281, 2047, 2048, 2049, 4095, 4096,
];

/**
 * The default suite: the paper's MLP layer shapes (nn.Linear layout, β = 0 and β = 1 with a bias
 * in C) at batch 1 and 64, the backward products, a k sweep across FIDELITY_K_EDGES, every transpose
 * combination with padded strides, `randomCount` seeded random shapes with sides up to 512, and the
 * k sweep again at batch 1 (m = 1, the attack's call; appended last so earlier cases keep their seeds).
 */
export function fidelitySuite(randomCount = 24, seed = 2024): FidelityCase[] {
  const out: FidelityCase[] = [];
  let id = 0;
  const add = (name: string, transA: boolean, transB: boolean, m: number, n: number, k: number, beta = 0, alpha = 1, pad = 0) =>
    out.push({ name, transA, transB, m, n, k, alpha: Math.fround(alpha), beta: Math.fround(beta), pad, seed: seed + id++ });
  for (const batch of [1, 64]) {
    for (const beta of [0, 1]) {
      add(`layer 1 forward, batch ${batch}, beta ${beta}`, false, true, batch, 128, 784, beta);
      add(`layer 2 forward, batch ${batch}, beta ${beta}`, false, true, batch, 10, 128, beta);
    }
    add(`layer 1 dX, batch ${batch}`, false, false, batch, 784, 128);
    add(`layer 1 dW, batch ${batch}`, true, false, 128, 784, batch);
    add(`layer 2 dX, batch ${batch}`, false, false, batch, 128, 10);
    add(`layer 2 dW, batch ${batch}`, true, false, 10, 128, batch);
  }
  for (const k of FIDELITY_K_EDGES) add(`k sweep k=${k}`, false, true, 3, 37, k, 1);
  for (const transA of [false, true]) for (const transB of [false, true]) add(`transposes, padded`, transA, transB, 19, 41, 530, 1, 0.5, 3);
  let s = seed >>> 0;
  const next = (limit: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return 1 + (s % limit);
  };
  for (let i = 0; i < randomCount; i++) {
    const transA = next(2) === 1, transB = next(2) === 1, beta = [0, 1, -1.5][next(3) - 1]!;
    add(`random ${i}`, transA, transB, next(512), next(512), next(512), beta, next(4) === 1 ? 0.5 : 1, next(3) - 1);
  }
  // One sample alone (the attack's call): libraries often take a gemv path there, with its own tails.
  for (const k of FIDELITY_K_EDGES) add(`k sweep batch 1 k=${k}`, false, true, 1, 37, k, 1);
  return out;
}

/** The call of a case, with seeded binary32 inputs in [-1, 1) (A, then B, then C in storage order). */
export function fidelityCall(c: FidelityCase): GemmCall {
  let s = c.seed >>> 0;
  const fill = (len: number) => {
    const x = new Float32Array(len);
    for (let i = 0; i < len; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      x[i] = Math.fround(s / 2 ** 31 - 1);
    }
    return x;
  };
  const lda = (c.transA ? c.m : c.k) + c.pad, ldb = (c.transB ? c.k : c.n) + c.pad, ldc = c.n + c.pad;
  const a = fill((c.transA ? c.k : c.m) * lda), b = fill((c.transB ? c.n : c.k) * ldb), cc = fill(c.m * ldc);
  return { transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: c.alpha, a, lda, b, ldb, beta: c.beta, c: cc, ldc };
}

/**
 * Compares an emulated kernel with the kernel it models (normally the native one) call by call:
 * the same seeded inputs go to both, and the fraction of bit-identical C elements is counted
 * (NaNs compare by bits too, via Object.is on the values). Threads and alignment are the real
 * kernel's business: pin them before measuring.
 */
export function measureFidelity(emulated: Kernel, real: Kernel, suite: readonly FidelityCase[] = fidelitySuite()): FidelityReport {
  let same = 0, total = 0, casesSame = 0;
  const failing: Array<{ case: FidelityCase; bitIdentical: number }> = [];
  for (const c of suite) {
    const x = fidelityCall(c), y = fidelityCall(c);
    emulated.gemm(x);
    real.gemm(y);
    let eq = 0, cnt = 0;
    for (let i = 0; i < c.m; i++) {
      for (let j = 0; j < c.n; j++) {
        cnt++;
        if (Object.is(x.c[i * x.ldc + j], y.c[i * y.ldc + j])) eq++;
      }
    }
    same += eq;
    total += cnt;
    if (eq === cnt) casesSame++;
    else failing.push({ case: c, bitIdentical: eq / cnt });
  }
  return { bitIdentical: total === 0 ? 1 : same / total, casesIdentical: suite.length === 0 ? 1 : casesSame / suite.length, elements: total, failingShapes: failing };
}
