import { expect } from "chai";
import { emulatedKernels, probe, profileSetKernel, type Kernel, type ProbeShape } from "@chimera/kernels";
import { discoverNativeBackends } from "@chimera/native";
import { fidelityPairs } from "@chimera/lab";
import { requireOrSkip } from "./require-native.js";

/**
 * The order probe on the real libraries: what it reveals, replayed in TypeScript, must give the
 * library's own bits on inputs the probe never used; and where an emulation models the library, the
 * probe must find the very same tree in both.
 */
const shapes: Array<Required<Pick<ProbeShape, "m" | "n" | "k">> & ProbeShape> = [
  { m: 1, n: 8, k: 784, transB: true, beta: 1 }, // nn.Linear at batch 1, bias in C
  { m: 3, n: 5, k: 100, transB: true },
];

function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0), Math.fround(s / 2 ** 31 - 1)));
}

function gemmOn(kernel: Kernel, shape: (typeof shapes)[number], seed: number): Float32Array {
  const { m, n, k } = shape, transB = shape.transB ?? false;
  const c = seeded(m * n, seed + 2);
  kernel.gemm({ transA: false, transB, m, n, k, alpha: 1, a: seeded(m * k, seed), lda: k, b: seeded(k * n, seed + 1), ldb: transB ? k : n, beta: shape.beta ?? 0, c, ldc: n });
  return c;
}

describe("order probe on the native libraries", () => {
  const backends = discoverNativeBackends().filter((b) => b.threads === 1 && !["cublas", "accelerate"].includes(b.library));
  for (const backend of backends) {
    it(`${backend.id}: the probed trees replay the library bit for bit on fresh inputs`, function () {
      requireOrSkip(this, backend);
      const real = backend.create();
      try {
        const profiles = shapes.map((s) => probe(real, "gemm", s));
        const replay = profileSetKernel(profiles);
        for (const [i, s] of shapes.entries()) {
          for (const seed of [11, 12]) expect([...gemmOn(replay, s, seed * 7 + i)]).to.deep.equal([...gemmOn(real, s, seed * 7 + i)]);
        }
        const emulatedId = Object.entries(fidelityPairs).find(([, r]) => r === backend.id)?.[0];
        const emulated = emulatedKernels.find((k) => k.info.id === emulatedId);
        if (emulated) {
          // batch 1 is where every emulation is verified
          expect(probe(emulated, "gemm", shapes[0]!).groups.map((g) => g.tree)).to.deep.equal(profiles[0]!.groups.map((g) => g.tree));
        }
      } finally {
        real.dispose();
      }
    });
  }
});
