import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { referenceKernel, type Kernel } from "@chimera/kernels";
import {
  allBackends, backendsCommand as backends, checkBackend, compareCommand as compare, gemmCommand as gemm, getKernel, readNpyF32,
  writeNpyF32, type CommandIO,
} from "@chimera/lab";
import { randomArray, seededFloats } from "../conformance/random-operands.js";
import { requireOrSkip } from "../native/require-native.js";
import { parsedFor } from "./run-cli.js";


function capture(): CommandIO & { text: () => string } {
  let out = "";
  return { out: (t) => { out += t; }, err: () => {}, isTTY: false, text: () => out };
}

describe("lab: backends lookup and the native commands", () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), "chimera-lab-")); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("allBackends lists the reference kernel and every native backend; getKernel names unknown and unavailable ids", () => {
    const all = allBackends();
    expect(all[0]!.id).to.equal("reference");
    expect(all.some((b) => b.kind === "native")).to.equal(true);
    expect(getKernel("reference")).to.equal(referenceKernel);
    expect(() => getKernel("no-such-backend")).to.throw(/unknown backend "no-such-backend"; nearest: [^;]+ \(\d+ ids in all: chimera backends/);
    const off = all.find((b) => !b.available)!;
    expect(() => getKernel(off.id)).to.throw(new RegExp(`backend "${off.id}" is unavailable here: `));
  });

  it("backends --json prints the CPU and one array of backends with the documented fields", async () => {
    const io = capture();
    expect(await backends.run(parsedFor(backends, { json: true }), io)).to.equal(0);
    const doc = JSON.parse(io.text()) as { cpu: Record<string, unknown>; backends: Array<Record<string, unknown>> };
    expect(doc.cpu).to.include.keys("vendor", "family", "model", "features", "detected", "hidden", "caches");
    const list = doc.backends;
    expect(list.length).to.equal(allBackends().length);
    for (const b of list) {
      expect(b).to.include.keys("id", "kind", "library", "version", "variant", "available");
      expect(["native", "emulated", "reference"]).to.include(b.kind);
      if (!b.available) expect(b.reason).to.be.a("string");
    }
  });

  it("checkBackend passes a correct kernel and names why a broken one fails (start-up error, wrong values)", () => {
    const entry = (create: () => Kernel) => ({ id: "test-kernel", kind: "native" as const, library: "test", version: "0", variant: "x", threads: 1, available: true, create });
    expect(checkBackend(entry(() => referenceKernel))).to.include({ id: "test-kernel", ok: true });
    const dead = checkBackend(entry(() => { throw new Error("worker was killed by SIGILL"); }));
    expect(dead.ok).to.equal(false);
    expect(dead.error).to.equal("failed to start: worker was killed by SIGILL");
    const zeros: Kernel = { info: referenceKernel.info, gemm: (c) => { c.c.fill(0); }, gemv: referenceKernel.gemv, dot: referenceKernel.dot };
    const wrong = checkBackend(entry(() => zeros));
    expect(wrong.ok).to.equal(false);
    expect(wrong.error).to.match(/^64x16x32 gemm: element \d+ is 0, the exact product is -?\d+$/);
    const off = checkBackend({ ...entry(() => referenceKernel), available: false, reason: "needs avx512f" });
    expect(off).to.include({ ok: false, error: "unavailable: needs avx512f" });
  });

  it("npy-f32 round-trips shape and bits", () => {
    const x = randomArray(12, seededFloats(3)), path = join(dir, "x.npy");
    writeNpyF32(path, [3, 4], x);
    const back = readNpyF32(path);
    expect(back.shape).to.deep.equal([3, 4]);
    expect(Array.from(back.data)).to.deep.equal(Array.from(x));
  });

  it("gemm --trans-b with --c --beta matches the kernel called directly", async function () {
    const id = allBackends().find((b) => b.id === "netlib-3.11.0-generic");
    if (id) requireOrSkip(this, id);
    const r = seededFloats(8), m = 3, n = 5, k = 7;
    const a = randomArray(m * k, r), bT = randomArray(n * k, r), c = randomArray(m * n, r);
    writeNpyF32(join(dir, "a.npy"), [m, k], a);
    writeNpyF32(join(dir, "b.npy"), [n, k], bT);
    writeNpyF32(join(dir, "c.npy"), [m, n], c);
    const flags = { backend: "netlib-3.11.0-generic", a: join(dir, "a.npy"), b: join(dir, "b.npy"), "trans-b": true as const, c: join(dir, "c.npy"), beta: "0.5", out: join(dir, "out.npy") };
    expect(await gemm.run(parsedFor(gemm, flags), capture())).to.equal(0);
    const want = c.slice();
    getKernel("netlib-3.11.0-generic").gemm({ transA: false, transB: true, m, n, k, alpha: 1, a, lda: k, b: bT, ldb: k, beta: 0.5, c: want, ldc: n });
    const got = readNpyF32(join(dir, "out.npy"));
    expect(got.shape).to.deep.equal([m, n]);
    expect(Array.from(got.data)).to.deep.equal(Array.from(want));
    const { "trans-b": _t, ...noTrans } = flags;
    await gemm.run(parsedFor(gemm, noTrans), capture()).then(
      () => expect.fail("inner dimensions differ but gemm ran"),
      (e: Error) => expect(e.message).to.match(/inner dimensions differ/),
    );
  });

  it("compare --json: a backend against itself is fully identical; reference vs netlib agree bit for bit", async function () {
    const netlib = allBackends().find((b) => b.id === "netlib-3.11.0-generic")!;
    requireOrSkip(this, netlib);
    const io = capture();
    await compare.run(parsedFor(compare, { backends: "reference,netlib-3.11.0-generic,reference", shape: "2x8x100", trials: "3", json: true }), io);
    const doc = JSON.parse(io.text()) as { pairs: Array<{ a: string; b: string; identicalElements: number; identicalOutputs: number; maxUlp: number }> };
    expect(doc.pairs).to.have.length(3);
    const self = doc.pairs.find((p) => p.a === p.b)!;
    expect(self.identicalElements).to.equal(1);
    expect(self.maxUlp).to.equal(0);
    // netlib 3.11 sums in textbook order with separate multiply and add, exactly like the reference kernel.
    for (const p of doc.pairs) expect(p.identicalOutputs, `${p.a} vs ${p.b}`).to.equal(1);
  });
});
