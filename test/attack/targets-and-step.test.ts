import { expect } from "chai";
import { AdaptiveStepSize, chooseTargets } from "@chimera/attack";
import { Rng } from "@chimera/tensor";

describe("attack: targets", () => {
  it("gives backend 1 the true class and every backend a different class", () => {
    const rng = new Rng(1);
    const seen = new Set<number>();
    for (let t = 0; t < 300; t++) {
      const n = 2 + (t % 4);
      const y = chooseTargets(t % 10, n, 10, rng);
      expect(y).to.have.length(n);
      expect(y[0]).to.equal(t % 10);
      expect(new Set(y).size).to.equal(n);
      for (const c of y) expect(c).to.be.within(0, 9);
      if (t % 10 === 3) seen.add(y[1]!);
    }
    expect(seen.size, "the other targets are drawn at random").to.be.greaterThan(5);
    expect(() => chooseTargets(0, 11, 10, rng)).to.throw(/11 backends need 11 distinct targets/);
    expect(() => chooseTargets(0, 1, 10, rng)).to.throw(/backends must be an integer >= 2/);
  });
});

describe("attack: adaptive step size", () => {
  it("grows while the quantized input is stuck, halves on a label flip, and stays in range", () => {
    const s = new AdaptiveStepSize({ initial: 0.1, min: 0.01, max: 0.3, grow: 2, shrink: 0.5 });
    expect(s.update(false, false)).to.equal(0.2);
    expect(s.update(true, false)).to.equal(0.2);
    expect(s.update(false, false)).to.equal(0.3);
    expect(s.update(true, true)).to.equal(0.15);
    for (let i = 0; i < 10; i++) s.update(true, true);
    expect(s.alpha).to.equal(0.01);
    expect(() => new AdaptiveStepSize({ initial: 2, max: 1 })).to.throw(/0 < min <= initial <= max/);
  });
});
