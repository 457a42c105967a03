import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { allBackends } from "@chimera/lab";
import { runCli, skipOrFail } from "./run-cli.js";

type Line = { sample: number; seconds: number; [k: string]: unknown };

/** The whole lines of a JSONL file (a torn last line from a kill is left out), by sample, without the wall time. */
function bySample(path: string): Map<number, Omit<Line, "seconds">> {
  const out = new Map<number, Omit<Line, "seconds">>();
  for (const l of readFileSync(path, "utf8").split("\n")) {
    let r: Line;
    try {
      r = JSON.parse(l) as Line;
    } catch {
      continue;
    }
    const { seconds: _s, ...rest } = r;
    expect(out.has(r.sample), `sample ${r.sample} appears once`).to.equal(false);
    out.set(r.sample, rest);
  }
  return out;
}

const cli = fileURLToPath(new URL("../../../packages/lab/bin/chimera.js", import.meta.url));

describe("--workers: samples on worker threads", () => {
  const dir = mkdtempSync(join(tmpdir(), "chimera-workers-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const small = ["--fixture", "--warmup", "60", "--iterations", "40", "--backends", "openblas-0.3.21-haswell,blis-0.9.0-generic"];

  it("2 workers give the same per-sample results and summary as 1 worker", async () => {
    const run = async (workers: string) => {
      const out = join(dir, `fig5-w${workers}`);
      const r = await runCli("experiment", "fig5", "--samples", "4", ...small, "--workers", workers, "--out", out, "--json");
      expect(r.code, r.err).to.equal(0);
      return { out, summary: JSON.parse(r.out) };
    };
    const one = await run("1"), two = await run("2");
    const file = "openblas-0.3.21-haswell__blis-0.9.0-generic.jsonl";
    const a = bySample(join(one.out, file)), b = bySample(join(two.out, file));
    expect(a.size).to.equal(4);
    expect([...b.keys()].sort()).to.deep.equal([...a.keys()].sort());
    for (const [i, r] of a) expect(b.get(i), `sample ${i}`).to.deep.equal(r);
    const strip = (p: Record<string, unknown>) => ({ ...p, meanSeconds: 0, jsonl: "" });
    expect(two.summary.pairs.map(strip)).to.deep.equal(one.summary.pairs.map(strip));
    const bad = await runCli("experiment", "fig5", ...small, "--workers", "0", "--out", join(dir, "bad"));
    expect(bad.code).to.equal(2);
    expect(bad.err).to.contain('--workers "0" is out of range; expected an integer in [1, 256]');
  });

  it("a chimera attack killed while 2 workers run resumes without losing or repeating an image", async function () {
    const out = join(dir, "killed");
    const args = ["attack", "--iterations", "40", "--backends", "openblas-0.3.21-haswell,blis-0.9.0-generic", "--warmup", "150", "--images", "0-5", "--out", out];
    const child = spawn(process.execPath, [cli, ...args, "--workers", "2"], { stdio: "ignore" });
    const log = join(out, "results.jsonl");
    const lines = () => (existsSync(log) ? readFileSync(log, "utf8").split("\n").length - 1 : 0);
    const t0 = Date.now();
    while (lines() < 2 && child.exitCode === null && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 10));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const before = bySample(log);
    expect(before.size, "killed before the end").to.be.within(1, 5);
    const resumed = await runCli(...args, "--workers", "2", "--json");
    expect(resumed.code, resumed.err).to.equal(0);
    expect(resumed.err).to.contain(`resuming: ${before.size} of 6 images already in`);
    const after = bySample(log);
    expect([...after.keys()].sort()).to.deep.equal([0, 1, 2, 3, 4, 5]);
    for (const [i, r] of before) expect(after.get(i)).to.deep.equal(r);
    // the same records as one uninterrupted run on one worker
    const clean = join(dir, "clean");
    const once = await runCli(...args.slice(0, -2), "--out", clean, "--workers", "1", "--json");
    expect(once.code, once.err).to.equal(0);
    const want = bySample(join(clean, "results.jsonl"));
    for (const [i, r] of want) expect(after.get(i), `image ${i}`).to.deep.equal(r);
    const strip = (s: Record<string, unknown>) => ({ ...s, meanSeconds: 0, iterationsPerSecond: 0, out: "" });
    expect(strip(JSON.parse(resumed.out))).to.deep.equal(strip(JSON.parse(once.out)));
  });

  it("native backends are created inside each worker and give the same records as on one thread", async function () {
    // Two real libraries every x86-64 CPU with AVX2 runs (SkylakeX would leave CPUs without AVX-512 out).
    const ids = ["openblas-0.3.21-haswell-serial", "blis-0.9.0-generic-serial"];
    const missing = allBackends().filter((b) => ids.includes(b.id) && !b.available);
    if (missing.length) return skipOrFail(this, `no native backend to run in a worker: ${missing.map((b) => `${b.id}: ${b.reason}`).join("; ")}`);
    const args = ["attack", "--backends", ids.join(","), "--warmup", "60", "--iterations", "40", "--images", "0-1", "--json"];
    const one = await runCli(...args, "--workers", "1", "--out", join(dir, "native-1"));
    const two = await runCli(...args, "--workers", "2", "--out", join(dir, "native-2"));
    expect(one.code, one.err).to.equal(0);
    expect(two.code, two.err).to.equal(0);
    const a = bySample(join(dir, "native-1", "results.jsonl")), b = bySample(join(dir, "native-2", "results.jsonl"));
    expect(b.size).to.equal(2);
    for (const [i, r] of a) expect(b.get(i), `image ${i}`).to.deep.equal(r);
  });
});
