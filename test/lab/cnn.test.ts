import { expect } from "chai";
import { moduleAttackModel } from "@chimera/attack";
import { referenceKernel } from "@chimera/kernels";
import { nn, noGrad, Tensor } from "@chimera/tensor";
import {
  allBackends, compareWithTorch, convOptions, isTorchLibrary, loadFmnist, sharedConvKernel, loadModule, torchLibraries, torchStatus, zooEntry,
} from "@chimera/lab";

import { spyKernel } from "../tensor/kernel-spy.js";
import { runCli, skipOrFail } from "./run-cli.js";
import { labRuns } from "./torch-runs.js";

/**
 * The CNN end to end: fmnist-vgg's two convolution modes. --conv blas must be PyTorch's im2col + sgemm_
 * (oneDNN off) bit for bit on each real library PyTorch can load; --conv shared must send no
 * convolution to the backend and compute each convolution once for all backends.
 */
const entry = zooEntry("fmnist-vgg");

function trained(): nn.Module {
  const net = entry.create().eval();
  loadModule(entry.weightsPath, net);
  return net;
}

describe("fmnist-vgg: convolutions shared or on the backend's BLAS", () => {
  it("--conv blas: the logits on each serial real library, and on its emulation, equal PyTorch's (oneDNN off) on it, bit for bit", async function () {
    this.timeout(300_000);
    const s = torchStatus();
    if (!s.python) skipOrFail(this, `real PyTorch: ${s.reason}`);
    const available = new Set(allBackends().filter((b) => b.available && b.kind === "native").map((b) => b.id));
    const wanted = ["openblas-0.3.21-haswell-serial", "blis-0.9.0-generic-serial", "netlib-3.11.0-generic", "atlas-3.10.3-base"];
    const libs = torchLibraries().filter(isTorchLibrary).filter((l) => wanted.includes(l.backendId) && available.has(l.backendId));
    if (libs.length === 0) skipOrFail(this, "no real library PyTorch can load is installed (scripts/install-debian-deps.sh)");
    const model = moduleAttackModel(trained(), entry.sampleShape, 10, convOptions("blas"));
    const data = loadFmnist("test", { fixture: true, limit: 3 });
    const runs = labRuns(model, libs, data), backends = [...new Set(runs.map((r) => r.backend))];
    const cmp = await compareWithTorch(runs, { name: entry.name, weights: entry.weightsPath, shape: entry.sampleShape, conv: "blas" });
    const misses = cmp.perBackend.filter((b) => b.torchLibrary === null || b.logitsEqual !== b.images)
      .map((b) => `${b.backend} vs PyTorch on ${b.torchLibrary}: ${b.logitsEqual}/${b.images} bit-equal${b.reason ? ` (${b.reason})` : ""}`);
    expect(misses, misses.join("\n")).to.deep.equal([]);
    expect(cmp.perBackend.length).to.equal(backends.length);
    expect(backends.length, "emulations are among them").to.be.greaterThan(libs.length);
  });

  it("the committed weights of every zoo model are the files their sha256 pins", async () => {
    const { createHash } = await import("node:crypto");
    const { readFileSync } = await import("node:fs");
    const { zoo } = await import("@chimera/lab");
    const pinned = zoo.filter((z) => z.weightsSha256 !== undefined);
    expect(pinned.map((z) => z.name)).to.include.members(["fmnist-mlp", "fmnist-vgg"]);
    for (const z of pinned) expect(createHash("sha256").update(readFileSync(z.weightsPath)).digest("hex"), z.name).to.equal(z.weightsSha256);
  });

  it("--conv blas sends each convolution to the backend as PyTorch's sgemm_('N','N', oh·ow, Cout, Cin·9)", () => {
    const spy = spyKernel(referenceKernel);
    const model = moduleAttackModel(trained(), entry.sampleShape, 10, convOptions("blas"));
    model.logits(new Float32Array(784).fill(0.5), spy.kernel);
    // row-major C[Cout, P] = W[Cout, K] · cols[K, P] is column-major sgemm_('N','N', P, Cout, K, cols, P, W, K, 1, C, P)
    const convs = spy.calls.filter((c) => !c.transB).map((c) => [c.m, c.n, c.k, c.lda, c.ldb, c.beta, c.ldc]);
    expect(convs).to.deep.equal([
      [32, 784, 9, 9, 784, 1, 784], [32, 784, 288, 288, 784, 1, 784],
      [32, 81, 288, 288, 81, 1, 81], [32, 81, 288, 288, 81, 1, 81],
      [32, 9, 288, 288, 9, 1, 9], [32, 9, 288, 288, 9, 1, 9],
    ]);
    expect(spy.calls.filter((c) => c.transB).map((c) => [c.m, c.n, c.k])).to.deep.equal([[1, 128, 32], [1, 128, 128], [1, 10, 128]]);
  });

  it("--conv shared: the backend sees the Linear layers only, and each convolution runs once for all backends", () => {
    const a = spyKernel(referenceKernel), b = spyKernel(referenceKernel), conv = spyKernel(sharedConvKernel);
    const model = moduleAttackModel(trained(), entry.sampleShape, 10, { convKernel: conv.kernel });
    const x = loadFmnist("test", { fixture: true, limit: 1 }).x;
    const za = model.logits(x, a.kernel), zb = model.logits(x, b.kernel);
    expect(a.calls.map((c) => [c.m, c.n, c.k])).to.deep.equal([[1, 128, 32], [1, 128, 128], [1, 10, 128]]);
    expect(b.calls.length).to.equal(3);
    expect(conv.calls.length, "six convolutions, computed for the first backend only").to.equal(6);
    // the cached convolutions give the logits a fresh pass gives
    const fresh = noGrad(() => trained().forward(new Tensor(x, [1, 1, 28, 28]), { kernel: referenceKernel, convKernel: sharedConvKernel }).values());
    expect(Array.from(zb)).to.deep.equal(Array.from(fresh));
    expect(Array.from(za)).to.deep.equal(Array.from(fresh));
    // another input is computed anew
    const y = Float32Array.from(x, (v) => Math.fround(1 - v));
    model.logits(y, a.kernel);
    expect(conv.calls.length).to.equal(12);
  });

  it("chimera eval and attack take --model fmnist-vgg and --conv; cifar-vgg without weights says how to get them", async function () {
    this.timeout(120_000);
    const e = await runCli("eval", "fmnist-vgg", "--fixture", "--limit", "20", "--conv", "blas", "--json");
    expect(e.code, e.err).to.equal(0);
    const r = JSON.parse(e.out) as { accuracy: number; conv: string; n: number };
    expect(r.conv).to.equal("blas");
    expect(r.n).to.equal(20);
    expect(r.accuracy).to.be.greaterThan(0.8);
    const t = await runCli("eval", "fmnist-vgg", "--fixture", "--limit", "20", "--conv", "torch", "--json");
    expect(t.code, t.err).to.equal(0);
    const rt = JSON.parse(t.out) as { accuracy: number; conv: string };
    expect(rt.conv).to.equal("torch");
    expect(rt.accuracy).to.be.greaterThan(0.8);
    const bad = await runCli("eval", "fmnist-vgg", "--fixture", "--limit", "2", "--conv", "onednn");
    expect(bad.code).to.not.equal(0);
    expect(bad.err).to.match(/shared.*blas.*torch/);
    const c = await runCli("eval", "cifar-vgg", "--fixture");
    expect(c.code).to.not.equal(0);
    expect(c.err).to.match(/cifar-vgg has no committed weights.*chimera train cifar-vgg --data-dir/);
    const m = await runCli("attack", "--model", "vgg", "--backends", "reference,netlib-3.11");
    expect(m.code).to.not.equal(0);
    expect(m.err).to.match(/fmnist-vgg/);
  });
});

describe("cifar-vgg end to end on generated CIFAR-10 binary batches", () => {
  it("chimera train cifar-vgg --data-dir trains, checkpoints and writes weights that chimera eval reads", async function () {
    this.timeout(120_000);
    const { mkdtempSync, writeFileSync, existsSync, rmSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "chimera-cifar-"));
    try {
      // records of 1 label byte + 3072 pixel bytes (R, G, B planes), the official binary layout
      let seed = 7;
      const batch = (n: number) => {
        const b = new Uint8Array(n * 3073);
        for (let r = 0; r < n; r++) {
          b[r * 3073] = r % 10;
          for (let i = 1; i < 3073; i++) b[r * 3073 + i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
        }
        return b;
      };
      for (let k = 1; k <= 5; k++) writeFileSync(join(dir, `data_batch_${k}.bin`), batch(2));
      writeFileSync(join(dir, "test_batch.bin"), batch(2));
      const out = join(dir, "cifar-vgg.safetensors");
      const t = await runCli("train", "cifar-vgg", "--data-dir", dir, "--epochs", "1", "--limit", "2", "--batch-size", "2",
        "--run-dir", join(dir, "run"), "--out", out, "--json");
      expect(t.code, t.err).to.equal(0);
      const r = JSON.parse(t.out) as { model: string; epochs: number; testAccuracy: number };
      expect(r.model).to.equal("cifar-vgg");
      expect(existsSync(join(dir, "run", "checkpoint.safetensors"))).to.equal(true);
      const e = await runCli("eval", "cifar-vgg", "--data-dir", dir, "--weights", out, "--json");
      expect(e.code, e.err).to.equal(0);
      const v = JSON.parse(e.out) as { n: number; accuracy: number; data: string };
      expect(v.n).to.equal(2);
      expect(v.data).to.match(/cifar10 test/);
      expect(v.accuracy).to.equal(r.testAccuracy);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
