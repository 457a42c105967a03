import { expect } from "chai";
import { Rng } from "@chimera/tensor";

describe("Rng (xoshiro128**)", () => {
  it("is deterministic per seed and differs across seeds", () => {
    const a = new Rng(42), b = new Rng(42), c = new Rng(43);
    const xa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(xa).to.deep.equal(Array.from({ length: 5 }, () => b.nextUint32()));
    expect(xa).to.not.deep.equal(Array.from({ length: 5 }, () => c.nextUint32()));
  });

  it("uniform stays in range; normal has mean ≈ 0 and variance ≈ 1", () => {
    const r = new Rng(1);
    let s = 0, s2 = 0;
    for (let i = 0; i < 20000; i++) {
      const u = r.uniform(-2, 3);
      expect(u).to.be.at.least(-2).and.below(3);
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(s / 20000).to.be.closeTo(0, 0.03);
    expect(s2 / 20000).to.be.closeTo(1, 0.05);
  });

  it("shuffle returns a permutation", () => {
    const arr = Array.from({ length: 50 }, (_, i) => i);
    const out = new Rng(3).shuffle([...arr]) as number[];
    expect(out).to.not.deep.equal(arr);
    expect([...out].sort((x, y) => x - y)).to.deep.equal(arr);
  });
});
