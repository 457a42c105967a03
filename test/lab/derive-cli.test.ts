import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./run-cli.js";

describe("chimera derive", () => {
  const dir = mkdtempSync(join(tmpdir(), "chimera-derive-"));

  it("derives an order from a backend's trees, and fidelity measures it against that backend", async function () {
    this.timeout(300_000);
    const out = join(dir, "eigen.json");
    // The Eigen -O3 emulation's batch-1 order is one rule of the vocabulary: 4 lanes, (L0+L2)+(L1+L3), scalar rest.
    const d = await runCli("derive", "--backend", "eigen-3.4-sse2", "--classes", "NT/1", "--out", out, "--json");
    expect(d.code, d.err).to.equal(0);
    const { order, unexplained } = JSON.parse(d.out) as { order: { rules: Array<{ accumulation: { kind: string; lanes?: number } }> }; unexplained: unknown[] };
    expect(unexplained).to.deep.equal([]);
    expect(order.rules[0]!.accumulation).to.include({ kind: "lanes", lanes: 4 });
    expect(JSON.parse(readFileSync(out, "utf8"))).to.deep.equal(order);
    const f = await runCli("fidelity", "--backends", `derived:${out}`, "--json");
    expect(f.code, f.err).to.equal(0);
    const [report] = JSON.parse(f.out) as Array<{ id: string; real: string; bitIdentical: number; calls: number; failingShapes: unknown[] }>;
    expect(report).to.include({ id: "derived-eigen-3.4-sse2", real: "eigen-3.4-sse2", bitIdentical: 1 });
    expect(report!.calls).to.be.greaterThan(50); // the batch-1 calls of the suite: k up to 4096, never probed
  });

  it("says what is wrong with bad classes and files", async () => {
    const bad = await runCli("derive", "--backend", "netlib-3.11", "--classes", "NX/1");
    expect(bad.code).to.not.equal(0);
    expect(bad.err).to.match(/--classes takes LAYOUT\/BATCH items such as NT\/1/);
    const junk = join(dir, "junk.json");
    writeFileSync(junk, "{}");
    const f = await runCli("fidelity", "--backends", `derived:${junk}`);
    expect(f.code).to.not.equal(0);
    expect(f.err).to.match(/not a derived order.*chimera derive --out/);
    const missing = await runCli("fidelity", "--backends", `derived:${join(dir, "none.json")}`);
    expect(missing.err).to.match(/derived order .*none\.json does not exist; expected a JSON file from chimera derive --out/);
  });
});
