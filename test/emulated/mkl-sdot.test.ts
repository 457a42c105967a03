import { expect } from "chai";
import { regionValues } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { fidelityPairs } from "@chimera/lab";
import { withRealPair } from "./real-pair.js";

/**
 * MKL 2020.4's cblas_sdot (libraries/mkl-sdot.ts, orders/mkl-sdot.ts) against the real library on each code
 * path this kind of CPU runs (libmkl_def through MKL's auto path on a non-Intel CPU, libmkl_mc3, libmkl_avx,
 * libmkl_avx2): every n from 1 to 140 (each loop of each kernel entered and left, every rest) and longer
 * ones across the 64-trips, unit and strided x and y, on values with wide exponents and on cancelling pairs,
 * where any other grouping of the products shows in the rounding. Pending, with the reason, where the
 * library or the path cannot run here.
 */
const paths = ["mkl-2020.4-generic", "mkl-2020.4-sse42", "mkl-2020.4-avx", "mkl-2020.4-avx2"];
const lengths = [...Array.from({ length: 140 }, (_, i) => i + 1), 191, 192, 255, 256, 257, 511, 513, 1000, 1025, 4100];
const strides: ReadonlyArray<readonly [number, number]> = [[1, 1], [2, 1], [1, 3], [3, 3]];

describe("MKL 2020.4 cblas_sdot emulations vs the real library (unit and strided)", function () {
  this.timeout(120_000);
  const natives = discoverNativeBackends();
  for (const id of paths) {
    const realId = fidelityPairs[id]!;
    it(`${id} sdot equals ${realId} on ${lengths.length} lengths x ${strides.length} stride pairs x 2 value kinds`, function () {
      withRealPair(this, natives, id, (emulated, real) => {
        const failing: string[] = [];
        let seed = 91000;
        for (const [incx, incy] of strides) for (const n of lengths) for (const kind of ["wide", "cancel"] as const) {
          const x = regionValues(1 + (n - 1) * incx, kind, seed++), y = regionValues(1 + (n - 1) * incy, kind === "cancel" ? "near-one" : kind, seed++);
          const mine = emulated.dot({ n, x, incx, y, incy }), theirs = real.dot({ n, x, incx, y, incy });
          if (!Object.is(mine, theirs)) failing.push(`n=${n} incx=${incx} incy=${incy} ${kind}: ${mine} vs ${theirs}`);
        }
        expect(failing, failing.slice(0, 20).join("\n")).to.deep.equal([]);
      });
    });
  }
});
