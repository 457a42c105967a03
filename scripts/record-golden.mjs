// Records (or re-records) golden outputs of a real library for test/fixtures/emulated/<emulated id>.json,
// through the native bridge (64-byte-aligned copies, cblas_sgemm row-major, the backend's own environment).
// Usage (after `npx tsc -b`): node scripts/record-golden.mjs <emulated id> <native backend id> <cases.json> "<library note>"
// cases.json: an array of {name, seed, transA, transB, m, n, k, lda, ldb, ldc, alpha, beta}; C up to 4096
// elements is stored whole (`bits`), larger C as sha256 + the first 64 elements (`firstBits`).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { discoverNativeBackends } from "@chimera/native";

const [emulatedId, realId, casesFile, library] = process.argv.slice(2);
if (!library) throw new Error("usage: record-golden.mjs <emulated id> <native backend id> <cases.json> <library note>");
const backend = discoverNativeBackends().find((b) => b.id === realId);
if (!backend?.available) throw new Error(`${realId}: ${backend ? backend.reason : "no such backend"}`);
const real = backend.create();

/** The LCG of test/emulated/seeded-case.ts: A, then B, then C, each in storage order. */
function seededCall(c) {
  let s = c.seed >>> 0;
  const fill = (len) => {
    const x = new Float32Array(len);
    for (let i = 0; i < len; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      x[i] = Math.fround(s / 2 ** 31 - 1);
    }
    return x;
  };
  const a = fill((c.transA ? c.k : c.m) * c.lda), b = fill((c.transB ? c.n : c.k) * c.ldb), out = fill(c.m * c.ldc);
  return { transA: c.transA, transB: c.transB, m: c.m, n: c.n, k: c.k, alpha: c.alpha, a, lda: c.lda, b, ldb: c.ldb, beta: c.beta, c: out, ldc: c.ldc };
}
const hex = (x) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length), (u) => u.toString(16).padStart(8, "0")).join("");

const cases = JSON.parse(readFileSync(casesFile, "utf8")).map((c) => {
  const call = seededCall(c);
  real.gemm(call);
  const bits = hex(call.c);
  return call.c.length <= 4096 ? { ...c, bits }
    : { ...c, sha256: createHash("sha256").update(new Uint8Array(call.c.buffer)).digest("hex"), firstBits: bits.slice(0, 8 * 64) };
});
real.dispose();
const env = Object.fromEntries(["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"].map((k) => [k, "1"]));
const out = `test/fixtures/emulated/${emulatedId}.json`;
writeFileSync(out, JSON.stringify({ kernel: emulatedId, library: `${library} (recorded through the native bridge as ${realId})`, env,
  recorded: `${new Date().toISOString().slice(0, 7)} on this machine (see test/fixtures/emulated/README.md)`, cases }, null, 1) + "\n");
console.log(`${out}: ${cases.length} cases`);
