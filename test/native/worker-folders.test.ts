import { expect } from "chai";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { discoverNativeBackends } from "@chimera/native";
import { requireOrSkip } from "./require-native.js";

const ID = "openblas-0.3.21-haswell-serial";
/** A process that starts one worker backend, says so, and then waits to be killed (or exits when told `exit`). */
const script = `
import { discoverNativeBackends } from "@chimera/native";
const k = discoverNativeBackends().find((b) => b.id === "${ID}").create({ transport: "worker" });
k.gemm({ transA: false, transB: false, m: 1, n: 1, k: 1, alpha: 1, a: new Float32Array([2]), lda: 1, b: new Float32Array([3]), ldb: 1, beta: 0, c: new Float32Array(1), ldc: 1 });
process.stdout.write("ready\\n");
if (process.argv[1] === "exit") { k.dispose(); process.exit(0); }
setInterval(() => {}, 1000);
`;

const workerFolders = () => new Set(readdirSync(tmpdir()).filter((n) => n.startsWith("chimera-worker-")));

/** Issue 16, item 8: kill -9 must not leave the workers' temporary folders behind for good. */
describe("native worker folders after kill -9", () => {
  it("a parent killed with SIGKILL leaves its folder; the next process to start a worker removes it, and its own at exit", async function () {
    this.timeout(60_000);
    requireOrSkip(this, discoverNativeBackends().find((b) => b.id === ID)!);
    const before = workerFolders();
    const parent = spawn(process.execPath, ["--input-type=module", "-e", script, "wait"], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      parent.stdout.on("data", (d: Buffer) => { if (d.toString().includes("ready")) resolve(); });
      parent.on("exit", (code) => reject(new Error(`the parent exited (${code}) before its worker was ready`)));
    });
    // Other processes on this machine may make worker folders meanwhile: prefer the ones named after this parent.
    const fresh = [...workerFolders()].filter((n) => !before.has(n));
    const named = fresh.filter((n) => n.startsWith(`chimera-worker-${parent.pid}-`));
    const left = named.length > 0 ? named : fresh;
    expect(left, "the new worker's folder").to.have.length(1);
    parent.kill("SIGKILL");
    await new Promise((r) => parent.once("exit", r));
    expect(existsSync(join(tmpdir(), left[0]!)), "left behind by kill -9").to.equal(true);
    const next = spawnSync(process.execPath, ["--input-type=module", "-e", script, "exit"], { encoding: "utf8", timeout: 30_000 });
    expect(next.status, next.stderr).to.equal(0);
    expect(existsSync(join(tmpdir(), left[0]!)), "removed by the next start").to.equal(false);
    // (other processes on this machine may make folders meanwhile: look for the second process's only)
    const own = [...workerFolders()].filter((n) => n.startsWith(`chimera-worker-${next.pid}-`));
    expect(own, "the second process removed its own folder at exit").to.deep.equal([]);
  });
});
