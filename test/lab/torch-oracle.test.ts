import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { moduleAttackModel } from "@chimera/attack";
import {
  allBackends, compareWithTorch, isTorchLibrary, loadFmnist, loadModule, torchLibraries, torchStatus,
  zooEntry,
} from "@chimera/lab";
import { runCli, skipOrFail } from "./run-cli.js";
import { labRuns } from "./torch-runs.js";
import { requireOrSkip } from "../native/require-native.js";

/**
 * Real PyTorch (Debian python3-torch) is the oracle for whole models: the FMNIST MLP's logits on every
 * real library PyTorch can be pointed at here, computed by the lab on the native backend and on the
 * emulation of that library, must have PyTorch's bits; and the Chimeras of a committed results folder
 * must be Chimeras in PyTorch. One PyTorch process per library (most of its ~2 s is importing torch).
 */
const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

function needTorch(ctx: Mocha.Context): void {
  const s = torchStatus();
  if (!s.python) skipOrFail(ctx, `real PyTorch: ${s.reason}`);
}

describe("real PyTorch as the model oracle (chimera verify)", () => {
  it("points PyTorch at each library's own libblas.so.3 with the bridge's load-time settings, and names what it cannot reach", () => {
    const all = torchLibraries();
    const haswell = all.find((l) => l.backendId === "openblas-0.3.21-haswell-serial");
    if (haswell && isTorchLibrary(haswell)) {
      expect(haswell.folder).to.equal("/usr/lib/x86_64-linux-gnu/openblas-serial");
      expect(haswell.env.OPENBLAS_CORETYPE).to.equal("Haswell");
      expect(existsSync(haswell.sgemmFile)).to.equal(true);
    }
    const eigen = all.find((l) => l.backendId.startsWith("eigen-"));
    expect(eigen && !isTorchLibrary(eigen) && eigen.reason).to.match(/no Fortran sgemm_/);
    const twoThreads = all.find((l) => l.backendId.endsWith("-t2"));
    expect(twoThreads && !isTorchLibrary(twoThreads) && twoThreads.reason).to.match(/single-threaded/);
  });

  it("without PyTorch, verify fails and says how to get it", async () => {
    const saved = process.env.CHIMERA_TORCH_PYTHON;
    process.env.CHIMERA_TORCH_PYTHON = "/nonexistent/python3";
    try {
      const r = await runCli("verify", "--from", join(repo, "docs/experiments/fig5-50-native"));
      expect(r.code).to.equal(1);
      expect(r.err).to.match(/\/nonexistent\/python3 does not exist.*apt-get install -y --no-install-recommends python3-torch/);
    } finally {
      if (saved === undefined) delete process.env.CHIMERA_TORCH_PYTHON;
      else process.env.CHIMERA_TORCH_PYTHON = saved;
    }
  });

  it("the MLP's logits on each native library and on its emulation equal PyTorch's on that library, bit for bit", async function () {
    this.timeout(300_000);
    needTorch(this);
    // Every serial / sequential build PyTorch can load here (each code path once; the pthread, openmp and
    // GNU-threaded builds at one thread are measured by `chimera verify`, see README "Real PyTorch as the oracle").
    const available = new Set(allBackends().filter((b) => b.available && b.kind === "native").map((b) => b.id));
    const libs = torchLibraries().filter(isTorchLibrary).filter((l) => available.has(l.backendId) && /-(serial|sequential)$|^(netlib|atlas)-/.test(l.backendId));
    if (libs.length === 0) skipOrFail(this, "no real library PyTorch can load is installed (scripts/install-debian-deps.sh)");
    const entry = zooEntry("fmnist-mlp");
    const net = entry.create().eval();
    loadModule(entry.weightsPath, net);
    const model = moduleAttackModel(net, entry.sampleShape, 10);
    const data = loadFmnist("test", { fixture: true, limit: 12 });
    const runs = labRuns(model, libs, data), backends = [...new Set(runs.map((r) => r.backend))];
    const cmp = await compareWithTorch(runs, { name: entry.name, weights: entry.weightsPath, shape: entry.sampleShape });
    const misses = cmp.perBackend.filter((b) => b.torchLibrary === null || b.logitsEqual !== b.images)
      .map((b) => `${b.backend} vs PyTorch on ${b.torchLibrary}: ${b.logitsEqual}/${b.images} bit-equal${b.reason ? ` (${b.reason})` : ""}`);
    expect(misses, misses.join("\n")).to.deep.equal([]);
    expect(cmp.perBackend.length).to.equal(backends.length);
    expect(cmp.perBackend.filter((b) => b.backend.startsWith("mkl-")).length, "MKL's code paths are among them").to.be.greaterThan(0);
  });

  it("every Chimera of docs/experiments/fig5-50-native is a Chimera in PyTorch on the same real libraries", async function () {
    this.timeout(300_000);
    needTorch(this);
    for (const id of ["openblas-0.3.21-haswell-serial", "openblas-0.3.21-skylakex-serial", "blis-0.9.0-generic-serial", "netlib-3.11.0-generic"]) {
      const b = allBackends().find((x) => x.id === id);
      if (!b) skipOrFail(this, `${id} is not in the catalog`);
      // a library this CPU cannot run (e.g. SkylakeX without AVX-512) is pending with the reason, not a failure
      else requireOrSkip(this, b as Parameters<typeof requireOrSkip>[1]);
    }
    const r = await runCli("verify", "--from", join(repo, "docs/experiments/fig5-50-native"), "--json");
    expect(r.code, r.err).to.equal(0);
    const v = JSON.parse(r.out) as { agree: boolean; records: { records: number; chimeras: number; chimerasCheckable: number; chimerasInTorch: number; recordsBitIdentical: number; disagreements: string[] } };
    expect(v.records.disagreements).to.deep.equal([]);
    expect(v.records.recordsBitIdentical).to.equal(v.records.records);
    expect(v.records.chimeras).to.be.greaterThan(0);
    expect(v.records.chimerasCheckable).to.equal(v.records.chimeras);
    expect(v.records.chimerasInTorch).to.equal(v.records.chimeras);
    expect(v.agree).to.equal(true);
  });
});
