import { expect } from "chai";
import { emulatedKernels, measureRegions, type RegionCase } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { pairedBackend } from "@chimera/lab";
import { requireOrSkip } from "../native/require-native.js";

/**
 * ATLAS 3.10.3's general α and β, one call per route its drivers take (libraries/atlas.ts), against the real
 * libatlas3-base through the bridge. Row-major call shapes; the library sees M = n, N = m.
 */
type Gemm = { name: string; transA: boolean; transB: boolean; m: number; n: number; k: number; alpha: number; beta: number; pad?: number };
const gemms: Gemm[] = [
  // copy driver, ATL_mmJIK (N >= M): α copied into A_lib; and ATL_mmIJK (M > N): α copied into B_lib
  { name: "copy JIK", transA: false, transB: true, m: 128, n: 64, k: 700, alpha: -0.7, beta: 1 },
  { name: "copy JIK, beta 0.25", transA: false, transB: false, m: 96, n: 96, k: 700, alpha: 0.1, beta: 0.25 },
  { name: "copy IJK", transA: true, transB: false, m: 10, n: 53, k: 660, alpha: 0.1, beta: 0, pad: 2 },
  { name: "copy IJK, beta 1", transA: true, transB: true, m: 30, n: 100, k: 800, alpha: 3, beta: 1, pad: 1 },
  // K < 576 with DOCOPY true: the copy driver's kernels write C directly (α still in the copy)
  { name: "copy on C", transA: false, transB: true, m: 60, n: 60, k: 100, alpha: 1.3, beta: 0 },
  { name: "copy on C, NN", transA: false, transB: false, m: 90, n: 83, k: 300, alpha: -2.5, beta: 1, pad: 3 },
  // CacheEdge cut: 2688 in a work block, the 212-long last chunk on C
  { name: "CacheEdge chunks", transA: true, transB: false, m: 100, n: 100, k: 2900, alpha: 1.3, beta: 1 },
  // ATL_mmJITcp (K >= 2320 with M or N <= 48): kernels on C from beta*C, alpha into B_lib (nn.Linear at batch 1)
  { name: "JITcp, batch 1 with bias", transA: false, transB: true, m: 1, n: 128, k: 3000, alpha: 1, beta: 1 },
  { name: "JITcp, M > N", transA: false, transB: false, m: 100, n: 30, k: 2500, alpha: 1.3, beta: 1.5 },
  { name: "JITcp, N > M", transA: true, transB: false, m: 30, n: 290, k: 2726, alpha: -0.7, beta: 1, pad: 1 },
  // ATL_mmBPP (K >= 2320, M and N <= 48 not both 48): padded tiles into a work block, then geadd
  { name: "BPP", transA: true, transB: false, m: 20, n: 20, k: 3000, alpha: 1.3, beta: 1.5 },
  { name: "BPP, rows padded to 48", transA: false, transB: false, m: 20, n: 44, k: 2400, alpha: -0.7, beta: 1 },
  // no-copy driver, α ≠ 1, K cut by the CacheEdge (nn.Linear 4000 -> 10 at batch 1)
  { name: "no-copy _c, CacheEdge chunks", transA: false, transB: true, m: 1, n: 10, k: 4000, alpha: 1.3, beta: 0 },
  // no-copy driver, α ≠ 1: ATL_NCmm*_c (K >= 144, or |α| < max(|β|, 1)) and the aX_bX kernels
  { name: "no-copy _c, K >= 144", transA: false, transB: false, m: 4, n: 5, k: 300, alpha: 1.3, beta: 0.7 },
  { name: "no-copy _c, |alpha| < |beta|", transA: false, transB: true, m: 44, n: 43, k: 14, alpha: 1.3, beta: 2, pad: 2 },
  { name: "no-copy aX kernels", transA: false, transB: true, m: 44, n: 43, k: 14, alpha: 1.3, beta: 0.7, pad: 2 },
  { name: "no-copy aX kernels, two k-blocks", transA: false, transB: false, m: 50, n: 7, k: 100, alpha: 1.3, beta: -1, pad: 1 },
  // DOCOPY true at K < 576 (M·N = 3500): the copy driver's kernels on C, α copied into A_lib
  { name: "copy on C, two k-blocks", transA: false, transB: false, m: 50, n: 70, k: 100, alpha: 1.3, beta: -1, pad: 1 },
];
type Gemv = { transA: boolean; m: number; n: number; alpha: number; beta: number; incx: number; incy: number };
const gemvs: Gemv[] = [];
// gemvT (no transA) and gemvN (transA): x or y copied or not, x shorter or longer, small (Mlt16, smallN) sizes
for (const transA of [false, true]) {
  for (const [m, n] of [[320, 300], [300, 320], [5, 10], [300, 3], [3, 300], [15, 40], [700, 700]] as const) {
    for (const [incx, incy] of [[1, 1], [2, 1], [1, 3]] as const) gemvs.push({ transA, m, n, alpha: 1.3, beta: 0.7, incx, incy });
  }
}

function cases(): RegionCase[] {
  let seed = 7100;
  const out: RegionCase[] = gemms.map((g) => ({
    region: "alpha-beta", name: g.name, seed: seed++, values: "uniform", op: "gemm", transA: g.transA, transB: g.transB, m: g.m, n: g.n, k: g.k,
    alpha: Math.fround(g.alpha), beta: Math.fround(g.beta), pad: g.pad ?? 0, offset: 0,
  }));
  for (const g of gemvs) out.push({ region: "gemv", name: "gemv", seed: seed++, values: "uniform", op: "gemv", ...g, alpha: Math.fround(g.alpha), beta: Math.fround(g.beta), pad: 1 });
  for (const n of [3, 37, 1000]) for (const inc of [1, 2]) out.push({ region: "dot", name: "dot", seed: seed++, values: "cancel", op: "dot", n, incx: inc, incy: 1 });
  return out;
}

describe("atlas-3.10.3: general alpha and beta on every ATLAS driver, its sgemv and sdot, against libatlas3-base", function () {
  this.timeout(120_000);
  it("matches bit for bit on each route", function () {
    const backend = pairedBackend(discoverNativeBackends(), "atlas-3.10.3-base")!;
    requireOrSkip(this, backend);
    const real = backend.create();
    try {
      const regions = measureRegions(emulatedKernels.find((k) => k.info.id === "atlas-3.10.3")!, real, cases());
      const misses = regions.flatMap((r) => r.misses.map((m) => `[${r.region}] ${m.shape}: ${(100 * m.bitIdentical).toFixed(2)}%`));
      expect(regions.reduce((n, r) => n + r.calls, 0)).to.equal(gemms.length + gemvs.length + 6);
      expect(misses).to.deep.equal([]);
    } finally {
      real.dispose();
    }
  });
});
