import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "./run-cli.js";

const cli = fileURLToPath(new URL("../../../packages/lab/bin/chimera.js", import.meta.url));

/** Runs the CLI as its own process; resolves with its exit code and stderr. */
function child(args: readonly string[]): Promise<{ code: number | null; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => resolve({ code, err }));
  });
}

/** Issue 16, item 2: one writer per results folder. */
describe("results folders: the lock", () => {
  const dir = mkdtempSync(join(tmpdir(), "chimera-lock-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const args = (out: string) => ["attack", "--backends", "openblas-0.3.21-haswell,blis-0.9.0-generic", "--warmup", "60", "--iterations", "40",
    "--images", "0-3", "--workers", "1", "--out", out];

  it("item 2: two processes on one --out: one writes, the other refuses naming the writer; no sample is recorded twice", async function () {
    this.timeout(60_000);
    const out = join(dir, "two");
    // The second starts once the first holds the lock, and the first has seconds of work left (600 + 400 steps on each of
    // four images): started together, a fast first run could finish before the second looked, which would then resume.
    const long = args(out).map((v, i, all) => (all[i - 1] === "--warmup" ? "600" : all[i - 1] === "--iterations" ? "400" : v));
    const first = child(long);
    const t0 = Date.now();
    while (!existsSync(join(out, "LOCK"))) {
      if (Date.now() - t0 > 30_000) throw new Error("the first run never took the lock");
      await new Promise((r) => setTimeout(r, 20));
    }
    const [a, b] = await Promise.all([first, child(long)]);
    const codes = [a.code, b.code].sort();
    expect(codes, a.err + b.err).to.deep.equal([0, 1]);
    const refused = a.code === 1 ? a : b;
    expect(refused.err.trim().split("\n")).to.have.length(1);
    expect(refused.err).to.match(/is being written by another chimera run \(pid \d+, since .*\); wait for it to finish or use another --out/);
    const samples = readFileSync(join(out, "results.jsonl"), "utf8").trim().split("\n").map((l) => (JSON.parse(l) as { sample: number }).sample);
    expect(samples.sort()).to.deep.equal([0, 1, 2, 3]);
    expect(existsSync(join(out, "LOCK")), "released at exit").to.equal(false);
  });

  it("a lock left by a dead process on this host is taken over, and said so", async () => {
    const out = join(dir, "stale");
    mkdirSync(out, { recursive: true });
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const pid = Number(dead.stdout);
    writeFileSync(join(out, "LOCK"), JSON.stringify({ pid, host: hostname(), started: "2026-01-01T00:00:00.000Z" }) + "\n");
    const r = await runCli(...args(out).map((a) => (a === "0-3" ? "0" : a)));
    expect(r.code, r.err).to.equal(0);
    expect(r.err).to.contain(`took over the lock of ${out} left by pid ${pid} (no longer running`);
    expect(existsSync(join(out, "LOCK"))).to.equal(false);
    // a live holder (this test process) is refused
    writeFileSync(join(out, "LOCK"), JSON.stringify({ pid: process.ppid, host: hostname(), started: "now" }) + "\n");
    const live = await runCli(...args(out).map((a) => (a === "0-3" ? "0" : a)));
    expect(live.code).to.equal(1);
    expect(live.err).to.contain(`being written by another chimera run (pid ${process.ppid}`);
  });
});
