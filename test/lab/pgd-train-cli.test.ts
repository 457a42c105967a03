import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasFmnist, runCli, skipOrFail } from "./run-cli.js";

describe("chimera train --adversarial pgd", () => {
  it("a tiny adversarial run completes, writes weights, records its settings and refuses other ones on resume", async function () {
    if (!(await hasFmnist())) return skipOrFail(this, "Fashion-MNIST not installed (apt-get install dataset-fashion-mnist)");
    const dir = mkdtempSync(join(tmpdir(), "chimera-pgd-train-"));
    try {
      const common = ["train", "fmnist-mlp", "--limit", "300", "--run-dir", dir, "--adversarial", "pgd"];
      const r = await runCli(...common, "--epochs", "1", "--json");
      expect(r.code, r.err).to.equal(0);
      const out = JSON.parse(r.out).out as string;
      expect(existsSync(out)).to.equal(true);
      const log = JSON.parse(readFileSync(join(dir, "log.jsonl"), "utf8").trim());
      expect(log.adversarial).to.deep.include({ method: "pgd", steps: 3 });
      expect(log.adversarial.eps).to.equal(Math.fround(0.1));
      const mismatch = await runCli(...common, "--epochs", "2", "--eps", "0.2");
      expect(mismatch.code).to.equal(1);
      expect(mismatch.err).to.contain("other settings").and.to.contain("--fresh");
      const standard = await runCli("train", "fmnist-mlp", "--limit", "300", "--run-dir", dir, "--epochs", "2");
      expect(standard.code).to.equal(1);
      expect(standard.err).to.contain("--fresh");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses PGD flags without --adversarial pgd and unknown methods", async () => {
    const noMethod = await runCli("train", "fmnist-mlp", "--eps", "0.1");
    expect(noMethod.code).to.not.equal(0);
    expect(noMethod.code).to.equal(2);
    expect(noMethod.err).to.contain("--eps needs --adversarial");
    const unknown = await runCli("train", "fmnist-mlp", "--adversarial", "fgsm");
    expect(unknown.code).to.equal(2);
    expect(unknown.err).to.contain('--adversarial "fgsm" is not allowed; expected one of pgd');
  });
});
