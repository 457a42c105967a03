// How much load does `chimera serve --defend` take? Starts the defended classifier on loopback (a
// throwaway key, reference backend), then 2x cores concurrent clients POST test images for a fixed
// time (default 60 s; CHIMERA_LOAD_SECONDS) and at most CHIMERA_LOAD_MAX requests in all, and prints
// throughput, errors and latency percentiles. Loopback only; stops by itself.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadFmnist } from "@chimera/lab";
import { printTable } from "./table.js";

const seconds = Number(process.env.CHIMERA_LOAD_SECONDS ?? 60), maxRequests = Number(process.env.CHIMERA_LOAD_MAX ?? 1_000_000);
const clients = 2 * availableParallelism();
const dir = mkdtempSync(join(tmpdir(), "chimera-load-"));
writeFileSync(join(dir, "key"), randomBytes(32));
const bin = fileURLToPath(new URL("../../packages/lab/bin/chimera.js", import.meta.url));
const server = spawn(process.execPath, [bin, "serve", "--defend", "--key-file", join(dir, "key"), "--d", "1000", "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
const url = await new Promise<string>((resolve, reject) => {
  let out = "";
  const timer = setTimeout(() => reject(new Error("chimera serve --defend did not start in 30 s")), 30_000);
  server.stdout!.on("data", (d) => {
    out += d;
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
    if (m) { clearTimeout(timer); resolve(m[1]!); }
  });
});
const data = loadFmnist("test", { fixture: true });
const images = [...Array(data.n).keys()].map((i) => Uint8Array.from(data.x.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255)));
const latencies: number[] = [];
let errors = 0, sent = 0;
const end = performance.now() + seconds * 1000;
async function client(c: number): Promise<void> {
  for (let i = c; performance.now() < end && sent < maxRequests; i += clients) {
    sent++;
    const t0 = performance.now();
    try {
      const r = await fetch(`${url}/classify`, { method: "POST", body: images[i % images.length]!, headers: { "content-type": "application/octet-stream" }, signal: AbortSignal.timeout(10_000) });
      const j = await r.json() as { label?: number };
      if (r.status !== 200 || typeof j.label !== "number") errors++;
    } catch {
      errors++;
    }
    latencies.push(performance.now() - t0);
  }
}
const t0 = performance.now();
await Promise.all([...Array(clients).keys()].map(client));
const wall = (performance.now() - t0) / 1000;
server.kill("SIGTERM");
rmSync(dir, { recursive: true, force: true });
latencies.sort((a, b) => a - b);
const pct = (p: number) => `${latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(1)} ms`;
printTable(`chimera serve --defend (fmnist-mlp on reference, d = 1000), ${clients} concurrent loopback clients for ${wall.toFixed(1)} s`, [
  ["requests", "errors", "throughput", "p50", "p90", "p99", "max"],
  [String(latencies.length), String(errors), `${(latencies.length / wall).toFixed(1)} req/s`, pct(50), pct(90), pct(99), pct(100)],
]);
process.exitCode = errors ? 1 : 0;
