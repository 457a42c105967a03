import { expect } from "chai";
import { canonicalTree, decodeTree, emulatedKernels, formatTree, probe, referenceKernel, treeKernel, type Kernel, type ProbeShape } from "@chimera/kernels";
import { blocked, fourLanes, pairwise, rowDependent, wide } from "./probe-kernels.js";

function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return Math.fround(s / 2 ** 31 - 1); };
}

/** The replayed profile gives the kernel's bits on random inputs (a call the probe never made). */
function expectReplayMatches(kernel: Kernel, shape: Required<Pick<ProbeShape, "m" | "n" | "k">> & { beta?: 0 | 1; transB?: boolean }) {
  const prof = probe(kernel, "gemm", shape);
  const replay = treeKernel(prof);
  const r = rand(shape.k * 31 + shape.m);
  for (let trial = 0; trial < 3; trial++) {
    const a = Float32Array.from({ length: shape.m * shape.k }, r), b = Float32Array.from({ length: shape.k * shape.n }, r);
    const transB = shape.transB ?? false;
    const c0 = Float32Array.from({ length: shape.m * shape.n }, r);
    const want = Float32Array.from(c0), got = Float32Array.from(c0);
    const call = { transA: false, transB, m: shape.m, n: shape.n, k: shape.k, alpha: 1, a, lda: shape.k, b, ldb: transB ? shape.k : shape.n, beta: shape.beta ?? 0, ldc: shape.n };
    kernel.gemm({ ...call, c: want });
    replay.gemm({ ...call, c: got });
    expect([...got]).to.deep.equal([...want]);
  }
  return prof;
}

describe("order probe", () => {
  it("reveals the reference kernel's sequential chain, unfused, binary32, for dot", () => {
    const p = probe(referenceKernel, "dot", { m: 1, n: 1, k: 10 });
    expect(p.groups).to.have.length(1);
    expect(formatTree(decodeTree(p.groups[0]!.tree))).to.equal("chain[0..9]");
    expect(p.groups[0]!.accumulatorBits).to.equal(24);
  });

  it("puts C last for the reference gemm with beta = 1, the same tree for every element", () => {
    const p = expectReplayMatches(referenceKernel, { m: 3, n: 4, k: 37, beta: 1 });
    expect(p.groups).to.have.length(1);
    expect(p.groups[0]!.elements).to.have.length(12);
    // leaf 37 is C: the chain over the 37 products simply continues into it
    expect(formatTree(decodeTree(p.groups[0]!.tree))).to.equal("chain[0..37]");
  });

  it("recovers four interleaved FMA lanes and their reduction tree", () => {
    const p = expectReplayMatches(fourLanes, { m: 2, n: 3, k: 13 });
    expect(p.groups).to.have.length(1);
    const t = formatTree(canonicalTree(decodeTree(p.groups[0]!.tree)));
    // lane l = (((l l+4) l+8) l+12): the first product rounded alone, the rest fused
    expect(t).to.equal("((fma-chain[0..12:4] ((1 *5) *9)) (((2 *6) *10) ((3 *7) *11)))");
  });

  it("recovers a pairwise tree and a blocked FMA chain", () => {
    const pw = expectReplayMatches(pairwise, { m: 1, n: 2, k: 8 });
    expect(formatTree(decodeTree(pw.groups[0]!.tree))).to.equal("(((0 1) (2 3)) ((4 5) (6 7)))");
    const bl = expectReplayMatches(blocked, { m: 1, n: 1, k: 20 });
    expect(formatTree(canonicalTree(decodeTree(bl.groups[0]!.tree)))).to.equal("((fma-chain[0..7] fma-chain[8..15]) fma-chain[16..19])");
  });

  it("tells which elements share a tree", () => {
    const p = expectReplayMatches(rowDependent, { m: 4, n: 2, k: 6 });
    expect(p.groups.map((g) => g.elements)).to.deep.equal([[0, 1, 4, 5], [2, 3, 6, 7]]);
  });

  it("measures the accumulator's precision: 53 bits for a binary64 accumulator", () => {
    const p = probe(wide, "dot", { m: 1, n: 1, k: 6 });
    expect(p.groups[0]!.accumulatorBits).to.equal(53);
    expect(() => treeKernel(p)).to.throw(/53/);
  });

  it("handles a 4096-deep chain (no recursion limits) and stores trees as post-order tokens", () => {
    const p = probe(referenceKernel, "dot", { m: 1, n: 1, k: 4096 });
    expect(formatTree(decodeTree(p.groups[0]!.tree))).to.equal("chain[0..4095]");
    expect(p.groups[0]!.tree.startsWith("0 1 +2 2 +2")).to.equal(true);
    const x = Float32Array.from({ length: 4096 }, (_, i) => Math.fround(Math.sin(i) * 1e3)), y = Float32Array.from({ length: 4096 }, (_, i) => Math.fround(Math.cos(i)));
    expect(treeKernel(p).dot({ n: 4096, x, incx: 1, y, incy: 1 })).to.equal(referenceKernel.dot({ n: 4096, x, incx: 1, y, incy: 1 }));
    expect(() => decodeTree("0 +2")).to.throw(/bad node token/);
  });

  it("a replayed profile refuses calls it was not probed for", () => {
    const replay = treeKernel(probe(referenceKernel, "gemm", { m: 2, n: 2, k: 5 }));
    const a = new Float32Array(12), b = new Float32Array(12), c = new Float32Array(4);
    expect(() => replay.gemm({ transA: false, transB: false, m: 2, n: 2, k: 6, alpha: 1, a, lda: 6, b, ldb: 2, beta: 0, c, ldc: 2 }))
      .to.throw(/replays gemm 2x2x5/);
  });

  // The probe knows nothing of the emulations' declarations: what it recovers, replayed, must give
  // every emulation's bits on inputs it never saw (the nn.Linear layout, with and without C).
  for (const kernel of emulatedKernels) {
    for (const shape of [{ m: 1, n: 3, k: 784, transB: true, beta: 1 as const }, { m: 3, n: 2, k: 45, transB: true }]) {
      it(`recovers ${kernel.info.id}'s order at ${shape.m}x${shape.n}x${shape.k} (beta ${shape.beta ?? 0})`, () => {
        const p = expectReplayMatches(kernel, shape);
        expect(p.groups.every((g) => g.accumulatorBits === 24)).to.equal(true);
      });
    }
  }
});
