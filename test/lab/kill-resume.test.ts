import { expect } from "chai";
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Rng } from "@chimera/tensor";
import { runCli } from "./run-cli.js";

const cli = fileURLToPath(new URL("../../../packages/lab/bin/chimera.js", import.meta.url));

/** The records of a results file by sample, without the timing; every line must be whole JSON and each sample once. */
function records(path: string): Map<number, unknown> {
  const out = new Map<number, unknown>();
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  for (const line of text.split("\n").filter(Boolean)) {
    const { seconds: _s, ...r } = JSON.parse(line) as { sample: number; seconds: number };
    expect(out.has(r.sample), `sample ${r.sample} once`).to.equal(false);
    out.set(r.sample, r);
  }
  return out;
}

/** Starts the CLI and SIGKILLs it after `ms` (or lets it finish first). */
function killedAfter(args: readonly string[], ms: number): Promise<void> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args], { stdio: "ignore" });
    const timer = setTimeout(() => p.kill("SIGKILL"), ms);
    p.on("exit", () => { clearTimeout(timer); resolve(); });
  });
}

/** Fault injection: runs killed at random points (and once mid-write), each resumed, end as an uninterrupted run. */
describe("results folders: kill -9 at random points", () => {
  const dir = mkdtempSync(join(tmpdir(), "chimera-kill-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const args = (out: string) => ["attack", "--backends", "openblas-0.3.21-haswell,blis-0.9.0-generic", "--warmup", "60", "--iterations", "40",
    "--images", "0-7", "--workers", "1", "--out", out];

  it("five killed runs, a torn write, then a resume: the records equal one uninterrupted run's", async function () {
    this.timeout(180_000);
    const out = join(dir, "killed"), log = join(out, "results.jsonl");
    const rng = new Rng(16);
    let tornAt = -1;
    for (let run = 0; run < 5; run++) {
      await killedAfter(args(out), 600 + (rng.nextUint32() % 2400)); // start-up is about 0.6 s; a sample about 0.3 s
      // Each record is one write of a whole line, so a SIGKILL practically never lands inside one: force it once.
      if (run === 2) {
        mkdirSync(out, { recursive: true });
        const line = existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).at(-1) : undefined;
        appendFileSync(log, (line ?? JSON.stringify({ sample: 0, padding: "x".repeat(64) })).slice(0, 40)); // the half line a kill mid-write leaves
        tornAt = run;
      }
    }
    expect(tornAt, "the torn write was injected").to.be.at.least(0);
    const resumed = await runCli(...args(out), "--json");
    expect(resumed.code, resumed.err).to.equal(0);
    const got = records(log);
    const clean = join(dir, "clean");
    const once = await runCli(...args(clean), "--json");
    expect(once.code, once.err).to.equal(0);
    const want = records(join(clean, "results.jsonl"));
    expect([...got.keys()].sort()).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const [i, r] of want) expect(got.get(i), `image ${i}`).to.deep.equal(r);
    const strip = (s: Record<string, unknown>) => ({ ...s, meanSeconds: 0, iterationsPerSecond: 0, out: "" });
    expect(strip(JSON.parse(resumed.out))).to.deep.equal(strip(JSON.parse(once.out)));
  });
});
