import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./run-cli.js";

describe("chimera defend", () => {
  const dir = mkdtempSync(join(tmpdir(), "chimera-defend-"));
  const secret = "TOP-SECRET-KEY-MATERIAL-0123456789";
  const keyFile = join(dir, "secret.key"), shortFile = join(dir, "short.key");
  writeFileSync(keyFile, secret);
  writeFileSync(shortFile, "SHORT-SECRET");
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reports accuracy with and without the defense, never the key", async () => {
    const r = await runCli("defend", "--d", "1000", "--key-file", keyFile, "--fixture", "--limit", "30", "--json");
    expect(r.code, r.err).to.equal(0);
    const j = JSON.parse(r.out) as Record<string, number | string>;
    expect(j.n).to.equal(30);
    expect(j.d).to.equal(1000);
    expect(j.accuracy).to.be.within(0.7, 1);
    expect(j.defendedAccuracy).to.be.within(0.7, 1);
    expect(r.out + r.err).to.not.include(secret);
    const plain = await runCli("eval", "fmnist-mlp", "--fixture", "--limit", "30", "--json");
    expect(j.accuracy).to.equal((JSON.parse(plain.out) as { accuracy: number }).accuracy);
  });

  it("d = 0 changes nothing; runs on the exact kernel", async () => {
    const r = await runCli("defend", "--d", "0", "--key-file", keyFile, "--fixture", "--limit", "10", "--backend", "exact", "--json");
    expect(r.code, r.err).to.equal(0);
    const j = JSON.parse(r.out) as Record<string, number | string>;
    expect(j.backend).to.equal("exact");
    expect(j.changed).to.equal(0);
    expect(j.defendedAccuracy).to.equal(j.accuracy);
  });

  it("rejects a short or missing key file without showing its contents", async () => {
    const short = await runCli("defend", "--d", "10", "--key-file", shortFile, "--fixture");
    expect(short.code).to.equal(1);
    expect(short.err).to.match(/holds 12 bytes; the defense needs at least 16/);
    expect(short.err).to.not.include("SHORT-SECRET");
    const missing = await runCli("defend", "--d", "10", "--key-file", join(dir, "nope.key"), "--fixture");
    expect(missing.code).to.equal(1);
    expect(missing.err).to.match(/key file .*nope\.key does not exist; expected 16 to 4096 secret bytes/);
    const noD = await runCli("defend", "--key-file", keyFile, "--fixture");
    expect(noD.code).to.equal(2);
    expect(noD.err).to.contain("--d is required");
  });
});
