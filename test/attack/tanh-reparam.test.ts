import { expect } from "chai";
import { fromW, gradientToW, toW } from "@chimera/attack";

describe("attack: tanh reparameterisation", () => {
  it("keeps x in [0, 1] for any w, and maps black and white pixels to finite w", () => {
    const w = Float64Array.from([-1e9, -50, -1, 0, 1, 50, 1e9]);
    for (const x of fromW(w)) expect(x).to.be.within(0, 1);
    const back = toW([0, 1, 0.25]);
    for (const v of back) expect(Number.isFinite(v)).to.equal(true);
    const x = fromW(back);
    expect(x[0]).to.be.below(1e-6);
    expect(x[1]).to.be.above(1 - 1e-6);
    expect(x[2]).to.be.closeTo(0.25, 1e-12);
  });

  it("chains the gradient through x = ½(tanh w + 1) (checked by finite differences)", () => {
    const w = Float64Array.from([-2, -0.3, 0, 0.7, 3]);
    const g = gradientToW([1, 1, 1, 1, 1], w);
    for (let i = 0; i < w.length; i++) {
      const h = 1e-6, up = Float64Array.from(w), dn = Float64Array.from(w);
      up[i]! += h; dn[i]! -= h;
      expect(g[i]).to.be.closeTo((fromW(up)[i]! - fromW(dn)[i]!) / (2 * h), 1e-8);
    }
  });
});
