import { expect } from "chai";
import { createHash } from "node:crypto";
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zooEntry } from "@chimera/lab";
import { runCli } from "./run-cli.js";

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const pgdWeights = zooEntry("fmnist-mlp").weightsPath.replace("fmnist-mlp.safetensors", "fmnist-mlp-pgd.safetensors");

/** Issue 16, items 1 and 6: a results folder pins what made its records, and resuming leaves only whole lines. */
describe("results folders: pinned settings and whole lines", () => {
  const dir = mkdtempSync(join(tmpdir(), "chimera-pins-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const attack = (out: string, ...more: string[]) => runCli("attack", "--backends", "openblas-0.3.21-haswell,blis-0.9.0-generic",
    ...(more.includes("--warmup") ? [] : ["--warmup", "30"]), "--iterations", "20", "--workers", "1", "--out", out, ...more);

  it("item 1: resuming with other --weights (or another setting) is an error naming it and both values; records carry the weights digest", async () => {
    const out = join(dir, "weights");
    const first = await attack(out, "--images", "0-2");
    expect(first.code, first.err).to.equal(0);
    const lines = readFileSync(join(out, "results.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { weightsSha256: string });
    expect(lines).to.have.length(3);
    const committed = sha256(zooEntry("fmnist-mlp").weightsPath), other = sha256(pgdWeights);
    expect(committed).to.not.equal(other);
    for (const r of lines) expect(r.weightsSha256).to.equal(committed);
    const config = JSON.parse(readFileSync(join(out, "config.json"), "utf8"));
    expect(config).to.include({ weightsSha256: committed, model: "fmnist-mlp" });
    expect(config.dataSha256).to.match(/^[0-9a-f]{64}$/);
    expect(config.backends.map((b: { id: string }) => b.id)).to.deep.equal(["openblas-0.3.21-haswell", "blis-0.9.0-generic"]);

    const mixed = await attack(out, "--images", "0-7", "--weights", pgdWeights);
    expect(mixed.code).to.equal(1);
    expect(mixed.err.trim().split("\n")).to.have.length(1);
    expect(mixed.err).to.contain(`weightsSha256 = "${committed}", but this run has weightsSha256 = "${other}"`);
    expect(readFileSync(join(out, "results.jsonl"), "utf8").trim().split("\n")).to.have.length(3);

    const warm = await attack(out, "--images", "0-2", "--warmup", "31");
    expect(warm.code).to.equal(1);
    expect(warm.err).to.contain("settings.warmup = 30, but this run has settings.warmup = 31");
    const same = await attack(out, "--images", "0-3");
    expect(same.code, same.err).to.equal(0);
    expect(same.err).to.contain("resuming: 3 of 4 images");
  });

  it("item 6: a torn last line is cut off before the run resumes, so every line of the file is JSON", async () => {
    const out = join(dir, "torn");
    expect((await attack(out, "--images", "0-1")).code).to.equal(0);
    const log = join(out, "results.jsonl");
    const whole = readFileSync(log, "utf8");
    appendFileSync(log, whole.slice(0, 200)); // what a kill in the middle of a write leaves
    const resumed = await attack(out, "--images", "0-1");
    expect(resumed.code, resumed.err).to.equal(0);
    expect(resumed.err).to.contain("cut off a torn last line (200 bytes)");
    expect(readFileSync(log, "utf8")).to.equal(whole);
    for (const line of readFileSync(log, "utf8").split("\n").filter(Boolean)) expect(() => JSON.parse(line)).to.not.throw();
  });
});
