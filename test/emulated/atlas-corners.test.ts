import { expect } from "chai";
import { emulatedKernels, measureRegions, type RegionCase } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { pairedBackend } from "@chimera/lab";
import { requireOrSkip } from "../native/require-native.js";

/**
 * ATLAS 3.10.3's corners that the emulation once missed (issue #12), each against the real libatlas3-base
 * through the bridge: the calls that showed the miss, and neighbours on the other side of each rule.
 * Row-major call shapes, "TT MxNxK": the library sees M = n, N = m and TRANSA = the call's transB.
 */
type Gemm = `${"N" | "T"}${"N" | "T"} ${number}x${number}x${number}${string}`;
const groups: Record<string, Gemm[]> = {
  // ATL_mmJITcp / ATL_mmBPP (K >= 2320, M or N <= 48): a K mod 48 rest of 44..47 is one more zero-padded
  // 48-long block through each tile's own kernel (ATL_mmK's KR = KB). nn.Linear at batch 1 among them.
  "zero-padded K cleanup (ATL_mmK)": [
    "NT 1x128x2445", "NT 1x128x2444", "NT 1x128x2443", "NT 1x128x2447 b1", "NN 100x30x2492 a1.3 b1.5",
    "TN 30x290x2732 a-0.7 b1 p1", "NT 48x48x2445", "NT 47x20x2446", "NT 20x47x2446", "NN 20x20x3020 a1.3 b1.5",
  ],
  // The no-copy driver with alpha != 1 and K > 2688: its choice of ATL_NCmm*_c or the aX_bX kernels is made
  // per CacheEdge chunk; a short last chunk goes to the aX kernels, 36 by 36.
  "no-copy, short last CacheEdge chunk": ["NT 3x1x2700 a1.3", "NN 3x1x2700 a-2 b0.5", "NN 3x1x2765 a1.3 b1", "NT 5x7x2800 a1.3 b1.5", "NT 1x10x4000 a1.3", "NT 4x9x2831 a0.7 b2"],
  // DOCOPY false: every tile one chain from beta*C; the aX_bX kernels run K in blocks of 36 (NCNB), and
  // through a temporary from K = 108 (ATL_MaxMMalpha = 3 blocks).
  "no-copy driver (DOCOPY false)": [
    "NN 48x48x40", "NN 48x48x48", "NN 80x80x20", "NN 30x1x40 a1.5", "NN 30x1x107 a1.5", "NN 30x1x108 a1.5", "NN 47x47x40 a1.5",
    "NN 59x18x37 a3.69", "NT 3x58x45 a-3.91 b-0.3 p3", "TT 47x47x40 a1.5 b0.3",
  ],
  // ATL_mmJKI: K <= 4 with M > 40 and DOCOPY false, axpys into beta*C (alpha on B_lib, or copied into A_lib).
  "axpy driver (K <= 4, M > 40)": ["NN 97x81x1 a-3.91 b-0.3 p1", "NN 41x57x1 a1.3 b1", "NN 30x120x3 a1.3 b1.5", "NT 30x120x3 a1.3 b1.5", "TT 60x90x4 a2 b-0.3", "TN 10x200x2 a-0.7 b1"],
  // The 14-row cleanup kernel (14, 28, 42 rows) with beta not 0 or 1: beta*C added after its first 48-block.
  "14-row cleanup kernel, beta not 0 or 1": [
    "NN 48x28x200 b0.25", "NN 48x28x101 b-1", "NN 200x28x52 b0.25", "NN 125x76x303 b0.25 p9", "NT 83x42x477 a-1.9799422 b-0.3 p3",
    "NN 100x14x2400 b-0.3", "NN 100x42x3001 b1.5",
  ],
  // ATL_gemmXX.c's DOCOPY crossover with N <= 144 < M and K > 144: library pairs NN, TN, TT copy from
  // M*N >= floor(106000 / K), NT from floor(23040 / K); past K = 576 the copy driver itself.
  "DOCOPY crossover, N <= 144 < M": ["TT 2x149x236 a0.5 p11", "NN 2x224x236", "NN 2x225x236", "NT 2x200x236 b1", "TN 2x200x236", "TT 1x175x600", "NN 1x176x600 a1.3 b0.5"],
};

function parse(g: Gemm, seed: number): RegionCase {
  const [pair, shape, ...rest] = g.split(" ");
  const [m, n, k] = shape!.split("x").map(Number);
  const o: Record<string, number> = { a: 1, b: 0, p: 0 };
  for (const r of rest) o[r[0]!] = Number(r.slice(1));
  return {
    region: "alpha-beta", name: g, seed, values: "uniform", op: "gemm", transA: pair![0] === "T", transB: pair![1] === "T",
    m: m!, n: n!, k: k!, alpha: Math.fround(o.a!), beta: Math.fround(o.b!), pad: o.p!, offset: 0,
  };
}

describe("atlas-3.10.3: the driver corners of issue #12, against libatlas3-base", function () {
  this.timeout(120_000);
  let seed = 7300;
  for (const [name, calls] of Object.entries(groups)) {
    const cases = calls.map((g) => parse(g, seed++));
    it(`matches bit for bit: ${name}`, function () {
      const backend = pairedBackend(discoverNativeBackends(), "atlas-3.10.3-base")!;
      requireOrSkip(this, backend);
      const real = backend.create();
      try {
        const regions = measureRegions(emulatedKernels.find((k) => k.info.id === "atlas-3.10.3")!, real, cases);
        expect(regions.reduce((n, r) => n + r.calls, 0)).to.equal(calls.length);
        expect(regions.flatMap((r) => r.misses.map((m) => `${m.shape}: ${(100 * m.bitIdentical).toFixed(2)}%`))).to.deep.equal([]);
      } finally {
        real.dispose();
      }
    });
  }
});
