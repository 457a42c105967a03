import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commands } from "@chimera/lab/cli";
import { hasFmnist, runCli, skipOrFail } from "./run-cli.js";

describe("chimera CLI", () => {
  it("prints top-level help and --help for every command", async () => {
    const top = await runCli("--help");
    expect(top.code).to.equal(0);
    for (const c of commands) {
      expect(top.out).to.contain(c.name);
      const r = await runCli(c.name, "--help");
      expect(r.code, c.name).to.equal(0);
      expect(r.out, c.name).to.match(/^Usage: chimera /);
    }
  });

  it("fails with a one-line reason and a non-zero code on bad input", async () => {
    const unknown = await runCli("frobnicate");
    expect(unknown.code).to.equal(2);
    expect(unknown.err).to.match(/unknown command "frobnicate"/);
    const flag = await runCli("eval", "fmnist-mlp", "--bogus", "1");
    expect(flag.code).to.equal(2);
    expect(flag.err.trim().split("\n")).to.have.length(1);
    expect(flag.err).to.contain("unknown flag --bogus");
    const model = await runCli("eval", "no-such-model", "--fixture");
    expect(model.code).to.equal(2);
    expect(model.err).to.contain('unknown model "no-such-model"; known models: fmnist-mlp');
    const backend = await runCli("eval", "fmnist-mlp", "--fixture", "--backend", "nope");
    expect(backend.code).to.equal(2);
    expect(backend.err).to.contain('--backend "nope": unknown backend "nope"; nearest: ');
    const batch = await runCli("eval", "fmnist-mlp", "--fixture", "--batch-size", "0");
    expect(batch.code).to.equal(2);
    expect(batch.err).to.contain('--batch-size "0" is out of range; expected an integer in [1, 10000]');
    const data = await runCli("eval", "fmnist-mlp", "--data-dir", tmpdir());
    expect(data.code).to.equal(1);
    expect(data.err).to.contain("apt-get install dataset-fashion-mnist");
  });

  it("eval --json on the committed fixture reports accuracy as a fraction, and batch size does not change it much", async () => {
    const r1 = await runCli("eval", "fmnist-mlp", "--fixture", "--json");
    expect(r1.code, r1.err).to.equal(0);
    const j1 = JSON.parse(r1.out);
    expect(j1).to.include({ model: "fmnist-mlp", backend: "reference", n: 200, batchSize: 1 });
    expect(j1.accuracy).to.equal(j1.correct / 200);
    expect(j1.accuracy).to.be.greaterThan(0.75);
    const r64 = JSON.parse((await runCli("eval", "fmnist-mlp", "--fixture", "--json", "--batch-size", "64")).out);
    expect(Math.abs(r64.correct - j1.correct)).to.be.lessThan(3);
  });

  it("train resumes after a finished epoch with bit-identical weights", async function () {
    if (!(await hasFmnist())) return skipOrFail(this, "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
    const dir = mkdtempSync(join(tmpdir(), "chimera-train-"));
    try {
      const common = ["train", "fmnist-mlp", "--limit", "600", "--batch-size", "32"];
      common.push("--seed", "3");
      const straight = await runCli(...common, "--epochs", "2", "--run-dir", join(dir, "a"), "--json");
      expect(straight.code, straight.err).to.equal(0);
      const first = await runCli(...common, "--epochs", "1", "--run-dir", join(dir, "b"));
      expect(first.code, first.err).to.equal(0);
      const resumed = await runCli(...common, "--epochs", "2", "--run-dir", join(dir, "b"), "--json");
      expect(resumed.code, resumed.err).to.equal(0);
      expect(resumed.err).to.contain("resuming fmnist-mlp after epoch 1");
      const a = readFileSync(JSON.parse(straight.out).out), b = readFileSync(JSON.parse(resumed.out).out);
      expect(Buffer.compare(a, b)).to.equal(0);
      const log = readFileSync(join(dir, "b", "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
      expect(log.map((l) => l.epoch)).to.deep.equal([1, 2]);
      // a different seed gives different weights (the comparison above can fail)
      const other = await runCli(...common.slice(0, -1), "4", "--epochs", "1", "--run-dir", join(dir, "c"), "--json");
      expect(Buffer.compare(a, readFileSync(JSON.parse(other.out).out))).to.not.equal(0);
      const mismatch = await runCli(...common, "--epochs", "2", "--lr", "0.01", "--run-dir", join(dir, "b"));
      expect(mismatch.code).to.equal(1);
      expect(mismatch.err).to.contain("--fresh");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("committed fmnist-mlp weights", () => {
  it("reach >= 82.3% on the official 10,000 test images at batch 1, as recorded when trained", async function () {
    if (!(await hasFmnist())) return skipOrFail(this, "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
    const r = await runCli("eval", "fmnist-mlp", "--json");
    expect(r.code, r.err).to.equal(0);
    const j = JSON.parse(r.out);
    expect(j.n).to.equal(10000);
    expect(j.accuracy).to.be.at.least(0.823);
    const { readSafetensorsFile } = await import("@chimera/tensor");
    const { metadata } = readSafetensorsFile(j.weights);
    expect(Number(metadata!.testAccuracy)).to.equal(j.accuracy);
    expect(JSON.parse(metadata!.config!)).to.include({ seed: 0, batchSize: 64, backend: "reference" });
  });
});

describe("chimera probe", () => {
  it("writes a profile and an SVG; the profiles run the MLP as a backend with the probed backend's bits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "chimera-probe-"));
    try {
      const backend = "openblas-0.3.21-haswell";
      const files: string[] = [];
      for (const shape of ["1x128x784", "1x10x128"]) {
        const out = join(dir, `${shape}.json`);
        const r = await runCli("probe", "--backend", backend, "--shape", shape, "--trans-b", "--beta", "1", "--out", out, "--svg", join(dir, `${shape}.svg`));
        expect(r.code, r.err).to.equal(0);
        expect(r.out).to.match(/1 distinct order\(s\)/);
        files.push(out);
      }
      expect(readFileSync(join(dir, "1x128x784.svg"), "utf8")).to.match(/^<svg[^>]*>.*fma-chain/s);
      const viaProfile = await runCli("eval", "fmnist-mlp", "--fixture", "--json", "--backend", `profile:${files.join(",")}`);
      expect(viaProfile.code, viaProfile.err).to.equal(0);
      const direct = await runCli("eval", "fmnist-mlp", "--fixture", "--json", "--backend", backend);
      expect(JSON.parse(viaProfile.out).correct).to.equal(JSON.parse(direct.out).correct);
      const wrong = await runCli("eval", "fmnist-mlp", "--fixture", "--batch-size", "2", "--backend", `profile:${files.join(",")}`);
      expect(wrong.code).to.equal(1);
      expect(wrong.err).to.contain("no profile for gemm 2x128x784");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
