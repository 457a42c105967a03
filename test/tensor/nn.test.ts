import { expect } from "chai";
import { referenceKernel } from "@chimera/kernels";
import { models, nn, tensor, zeros, Rng, noGrad } from "@chimera/tensor";
import { rand } from "./grad-check.js";

const ctx = { kernel: referenceKernel };

describe("nn modules and models", () => {
  it("fmnistMlp has torch Sequential keys and 101,770 parameters", () => {
    const m = models.fmnistMlp();
    expect([...m.stateDict()].map(([k, t]) => `${k}:${t.shape.join("x")}`)).to.deep.equal(["1.weight:128x784", "1.bias:128", "3.weight:10x128", "3.bias:10"]);
    expect(m.parameterCount()).to.equal(101_770);
    expect(m.forward(rand([2, 1, 28, 28]), ctx).shape).to.deep.equal([2, 10]);
  });

  it("cifarVgg has the paper's 1,076,874 trainable parameters and outputs [b, 10]", () => {
    const m = models.cifarVgg();
    expect(m.parameterCount()).to.equal(1_076_874);
    const keys = [...m.stateDict().keys()];
    expect(keys.slice(0, 7)).to.deep.equal([
      "features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias",
      "features.1.running_mean", "features.1.running_var", "features.1.num_batches_tracked",
    ]);
    expect(keys).to.include.members(["features.17.weight", "classifier.0.weight", "classifier.3.bias", "classifier.6.weight"]);
    const y = noGrad(() => m.eval().forward(rand([1, 3, 32, 32]), ctx));
    expect(y.shape).to.deep.equal([1, 10]);
  });

  it("efficientNetV2S has torchvision's 21,458,488 parameters and key names", () => {
    const m = models.efficientNetV2S();
    expect(m.parameterCount()).to.equal(21_458_488);
    const keys = [...m.stateDict().keys()];
    expect(keys).to.include.members([
      "features.0.0.weight", "features.0.1.running_var", "features.1.0.block.0.0.weight",
      "features.2.0.block.1.0.weight", "features.4.0.block.1.0.weight", "features.4.0.block.2.fc1.weight",
      "features.4.0.block.3.1.bias", "features.7.0.weight", "classifier.1.weight", "classifier.1.bias",
    ]);
    expect(m.features.layers[4]!.stateDict().get("0.block.1.0.weight")!.shape).to.deep.equal([256, 1, 3, 3]); // depthwise
    const y = noGrad(() => m.eval().forward(rand([1, 3, 32, 32]), ctx));
    expect(y.shape).to.deep.equal([1, 1000]);
  });

  it("default init is PyTorch's: weights and biases within ±1/sqrt(fan_in), seeded", () => {
    const a = new nn.Linear(50, 20, { rng: new Rng(3) }), b = new nn.Linear(50, 20, { rng: new Rng(3) });
    const bound = 1 / Math.sqrt(50);
    expect(Math.max(...a.weight.toArray().map(Math.abs))).to.be.below(bound).and.above(0.9 * bound);
    expect(Math.max(...a.bias!.toArray().map(Math.abs))).to.be.below(bound);
    expect(a.weight.toArray()).to.deep.equal(b.weight.toArray());
  });

  it("loadStateDict copies in place and names missing, unexpected and mis-shaped keys", () => {
    const m = models.fmnistMlp({ seed: 1 }), src = models.fmnistMlp({ seed: 2 });
    const w = m.parameters()[0]!;
    m.loadStateDict(src.stateDict());
    expect(m.parameters()[0]).to.equal(w);
    expect(w.toArray()).to.deep.equal(src.parameters()[0]!.toArray());
    const bad = new Map(src.stateDict());
    bad.delete("3.bias");
    bad.set("4.weight", zeros([1]));
    bad.set("1.bias", zeros([127]));
    expect(() => m.loadStateDict(bad)).to.throw(/missing key "3\.bias".*unexpected key "4\.weight".*"1\.bias": expected shape \[128\], got \[127\]/);
  });

  it("train()/eval() propagate; ctx.training overrides; dropout needs an rng when training", () => {
    const m = new nn.Sequential(new nn.Dropout(0.5));
    m.eval();
    expect((m.layers[0] as nn.Dropout).training).to.equal(false);
    const x = tensor([1, 2, 3, 4], [1, 4]);
    expect(m.forward(x, ctx)).to.equal(x);
    expect(() => m.forward(x, { ...ctx, training: true })).to.throw(/dropout: training with p > 0 needs an rng/);
    const y = m.forward(x, { ...ctx, training: true, rng: new Rng(1) }).toArray();
    y.forEach((v, i) => expect([0, 2 * (i + 1)]).to.include(v));
  });

  it("BatchNorm2d counts batches and keeps running stats in its state dict", () => {
    const bn = new nn.BatchNorm2d(3);
    bn.forward(rand([2, 3, 2, 2]), ctx);
    expect(bn.numBatchesTracked.item()).to.equal(1);
    expect([...bn.stateDict().keys()]).to.deep.equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]);
    expect(bn.runningMean.toArray().some((v) => v !== 0)).to.equal(true);
  });
});
