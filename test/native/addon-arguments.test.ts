import { expect } from "chai";
import { addonStatus, loadAddon } from "@chimera/native";
import { requireNative } from "./require-native.js";

/** Garbage straight into the C functions, past the TypeScript validation: the second line of defence. */
describe("native addon argument checks (C side)", () => {
  before(function () {
    const s = addonStatus();
    if (s.addon) return;
    if (requireNative) throw new Error(`CHIMERA_REQUIRE_NATIVE=1 but ${s.reason}`);
    console.log(`      skipped: ${s.reason}`);
    this.skip();
  });

  it("gemm, gemv and dot throw a named Error for each bad argument and never touch the library", () => {
    const addon = loadAddon();
    const h = addon.open("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0");
    const f = (n: number) => new Float32Array(n);
    const good: unknown[] = [h, false, false, 3, 4, 5, 1, f(15), 0, 5, f(20), 0, 4, 0, f(12), 0, 4];
    const names = ["library", "transA", "transB", "m", "n", "k", "alpha", "a", "aOffset", "lda", "b", "bOffset", "ldb", "beta", "c", "cOffset", "ldc"];
    const garbage: unknown[] = [undefined, null, -1, 1.5, NaN, "3", {}, 2 ** 40, f(1), new Float64Array(64)];
    let thrown = 0;
    (addon.gemm as (...a: unknown[]) => void)(...good);
    names.forEach((name, i) => {
      for (const g of garbage) {
        const args = good.slice();
        args[i] = g;
        try {
          (addon.gemm as (...a: unknown[]) => void)(...args);
        } catch (e) {
          thrown++;
          expect((e as Error).message).to.match(new RegExp(`^gemm: .*(${name}|${name.replace(/Offset$|^ld/, "").toUpperCase()}|library)`, "i"));
        }
      }
    });
    expect(thrown).to.be.at.least(names.length * 6);
    expect(() => (addon.gemm as (...a: unknown[]) => void)(h, false)).to.throw(/expected 17 arguments/);
    expect(() => addon.gemv(h, false, 3, 4, 1, f(11), 0, 4, f(4), 0, 1, 0, f(3), 0, 1)).to.throw(/gemv: A needs 12 elements but has 11/);
    expect(() => addon.dot(h, 4, f(4), 1, 1, f(4), 0, 1)).to.throw(/dot: x needs 5 elements but has 4/);
    expect(() => addon.dot(99, 4, f(4), 0, 1, f(4), 0, 1)).to.throw(/library handle 99 is not open/);
    expect(() => addon.open("/nonexistent.so")).to.throw(/dlopen/);
  });
});
