import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { moduleAttackModel } from "@chimera/attack";
import type { GemmCall, Kernel } from "@chimera/kernels";
import { getKernel, loadFmnist, loadModule, remoteKernel, zooEntry, type RemoteKernel } from "@chimera/lab";
import { runConformance } from "../conformance/suite.js";
import { randomArray, seededFloats } from "../conformance/random-operands.js";
import { runCli } from "./run-cli.js";
import { startServe, type ServeProcess } from "./serve-process.js";

const EMU = "openblas-0.3.21-haswell";
const bits = (x: Float32Array) => [...new Uint32Array(x.buffer, x.byteOffset, x.length)];

/** POSTs raw bytes to a served route and returns status and JSON. */
async function post(url: string, body: Uint8Array, type = "application/octet-stream", headers: Record<string, string> = {}) {
  const r = await fetch(url, { method: "POST", body, headers: { "content-type": type, ...headers } });
  return { status: r.status, json: await r.json() as { message?: string; [k: string]: unknown } };
}

describe("chimera serve: backends over HTTP", function () {
  this.timeout(180_000);
  let server: ServeProcess;
  let remote: RemoteKernel;
  before(async () => {
    server = await startServe(["--backends", `reference,${EMU}`, "--port", "0", "--max-body", "1"]);
    remote = remoteKernel(`remote:${server.url}/${EMU}`);
  });
  after(async () => {
    remote?.dispose();
    await server?.stop();
  });

  it("GET /backends lists the CPU and each backend with its description", async () => {
    const j = await (await fetch(`${server.url}/backends`)).json() as { cpu: { model: string; cores: number }; backends: { id: string; description: string }[] };
    expect(j.cpu.cores).to.be.at.least(1);
    expect(j.backends.map((b) => b.id)).to.deep.equal(["reference", EMU]);
    expect(j.backends[1]!.description).to.equal(getKernel(EMU).info.description);
    expect(remote.info.id).to.equal(`remote:${server.url}/${EMU}`);
    expect(remote.info.kind).to.equal("emulated");
  });

  it("a remote kernel gives the same bits as the local one for gemm (transposes, offsets, padding, β = 0 over NaN), gemv and dot", () => {
    const local = getKernel(EMU), next = seededFloats(17);
    for (const [m, n, k, transA, transB, beta] of [[3, 5, 700, false, false, 0], [4, 3, 33, true, false, 0.5], [1, 128, 784, false, true, 1], [9, 2, 65, true, true, -2]] as const) {
      const pad = 2, off = 3;
      const lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad, ldc = n + pad;
      const make = (): GemmCall => ({
        transA, transB, m, n, k, alpha: 0.75, beta,
        a: randomArray(off + (transA ? k : m) * lda, seededFloats(m * 7 + k)), aOffset: off, lda,
        b: randomArray(off + (transB ? n : k) * ldb, seededFloats(n * 11 + k)), bOffset: off, ldb,
        c: beta === 0 ? new Float32Array(off + m * ldc).fill(NaN) : randomArray(off + m * ldc, seededFloats(m + n)), cOffset: off, ldc,
      });
      const mine = make(), theirs = make();
      local.gemm(mine);
      remote.gemm(theirs);
      expect(bits(theirs.c), `gemm ${m}x${n}x${k}`).to.deep.equal(bits(mine.c));
    }
    const a = randomArray(5 * 300, next), x = randomArray(2 * 300, next);
    const y1 = randomArray(3 * 5, next), y2 = Float32Array.from(y1);
    local.gemv({ transA: false, m: 5, n: 300, alpha: 1, a, lda: 300, x, incx: 2, beta: 0.5, y: y1, incy: 3 });
    remote.gemv({ transA: false, m: 5, n: 300, alpha: 1, a, lda: 300, x, incx: 2, beta: 0.5, y: y2, incy: 3 });
    expect(bits(y2)).to.deep.equal(bits(y1));
    const call = { n: 500, x: randomArray(1000, next), incx: 2, y: randomArray(500, next), incy: 1 };
    expect(remote.dot(call)).to.equal(local.dot(call));
  });

  it("POST /predict classifies 8-bit images with the same logits and labels as the local model", async () => {
    const data = loadFmnist("test", { fixture: true, limit: 3 });
    const bytes = new Uint8Array(3 * 784);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.round(data.x[i]! * 255);
    const r = await post(`${server.url}/predict?model=fmnist-mlp&backends=${EMU},reference`, bytes);
    expect(r.status, JSON.stringify(r.json)).to.equal(200);
    const entry = zooEntry("fmnist-mlp"), net = entry.create().eval();
    loadModule(entry.weightsPath, net);
    const model = moduleAttackModel(net, entry.sampleShape, 10);
    const results = r.json.results as { backend: string; labels: number[]; logits: number[][] }[];
    expect(results.map((x) => x.backend)).to.deep.equal([EMU, "reference"]);
    results.forEach((res) => {
      const k: Kernel = getKernel(res.backend);
      for (let i = 0; i < 3; i++) {
        const z = model.logits(Float32Array.from(bytes.subarray(i * 784, (i + 1) * 784), (v) => Math.fround(v / 255)), k);
        expect(res.logits[i]).to.deep.equal([...z]);
        expect(res.labels[i]).to.equal(z.indexOf(Math.max(...z)));
      }
    });
  });

  it("bad calls get 4xx with the reason: wrong body size, unknown or missing parameter, bad value, unknown backend, wrong type, too large", async () => {
    const q = "transA=false&transB=false&m=2&n=2&k=2&alpha=1&lda=2&ldb=2&beta=0&ldc=2";
    const size = await post(`${server.url}/backends/${EMU}/gemm?${q}`, new Uint8Array(8));
    expect(size.status).to.equal(400);
    expect(size.json.message).to.match(/body holds 8 bytes.*A 4 \+ B 4 \+ C 4 = 12 binary32 values \(48 bytes/);
    const extra = await post(`${server.url}/backends/${EMU}/gemm?${q}&zz=1`, new Uint8Array(48));
    expect([extra.status, extra.json.message]).to.deep.equal([400, 'invalid request: unknown parameter "zz"']);
    const missing = await post(`${server.url}/backends/${EMU}/gemm?${q.replace("&ldc=2", "")}`, new Uint8Array(48));
    expect([missing.status, missing.json.message]).to.deep.equal([400, 'invalid request: missing parameter "ldc"']);
    const badLd = await post(`${server.url}/backends/${EMU}/gemm?${q.replace("lda=2", "lda=1")}`, new Uint8Array(44));
    expect(badLd.status).to.equal(400);
    expect(badLd.json.message).to.contain("lda must be >= max(1, 2)");
    const neg = await post(`${server.url}/backends/${EMU}/gemm?${q.replace("m=2", "m=-1")}`, new Uint8Array(48));
    expect(neg.status).to.equal(400);
    expect(neg.json.message).to.match(/m must be >= 0/);
    const unknown = await post(`${server.url}/backends/nope/dot?n=1&incx=1&incy=1`, new Uint8Array(8));
    expect([unknown.status, unknown.json.message]).to.deep.equal([404, `no backend "nope" here; this server has: reference, ${EMU}`]);
    const json = await post(`${server.url}/backends/${EMU}/dot?n=1&incx=1&incy=1`, new TextEncoder().encode("{}"), "text/plain");
    expect(json.status).to.equal(415);
    const big = await post(`${server.url}/predict`, new Uint8Array(784 * 1400));
    expect(big.status).to.equal(413);
    const partial = await post(`${server.url}/predict`, new Uint8Array(785));
    expect(partial.status).to.equal(400);
    expect(partial.json.message).to.contain("expected a positive multiple of 784");
    const model = await post(`${server.url}/predict?model=nope`, new Uint8Array(784));
    expect(model.status).to.equal(400);
    expect(model.json.message).to.contain('unknown model "nope"');
  });
});

describe("chimera serve: the conformance suite on a remote kernel", function () {
  this.timeout(120_000);
  let server: ServeProcess | undefined;
  let remote: RemoteKernel | undefined;
  before(async () => {
    server = await startServe(["--backends", EMU, "--port", "0"]);
  });
  after(async () => {
    remote?.dispose();
    await server?.stop();
  });
  runConformance("remote:…/" + EMU, () => (remote = remoteKernel(`remote:${server!.url}/${EMU}`)));
});
