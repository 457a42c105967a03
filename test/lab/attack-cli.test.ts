import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { uint8ImageDomain, verdicts, moduleAttackModel } from "@chimera/attack";
import { allBackends, getKernel, loadModule, zooEntry } from "@chimera/lab";
import { readNpyFile } from "@chimera/tensor";
import { runCli, skipOrFail } from "./run-cli.js";

/** The width, height and pixels of an 8-bit grayscale PNG written by the lab (one IDAT, filter 0). */
function readGrayPng(file: Buffer): { width: number; height: number; pixels: Uint8Array } {
  expect([...file.subarray(0, 8)]).to.deep.equal([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = file.readUInt32BE(16), height = file.readUInt32BE(20);
  const idatLen = file.readUInt32BE(33);
  expect(file.toString("latin1", 37, 41)).to.equal("IDAT");
  const raw = inflateSync(file.subarray(41, 41 + idatLen));
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width + 1)], "filter type").to.equal(0);
    pixels.set(raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1)), y * width);
  }
  return { width, height, pixels };
}

describe("chimera demo and attack", () => {
  const dir = mkdtempSync(join(tmpdir(), "chimera-attack-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("demo --json finds a Chimera whose saved image each backend re-classifies as reported", async () => {
    const r = await runCli("demo", "--json", "--max-images", "3", "--out", join(dir, "demo"));
    expect(r.code, r.err).to.equal(0);
    const j = JSON.parse(r.out);
    expect(j.found).to.equal(true);
    // the real Haswell and SkylakeX when this CPU runs them; else the real Haswell and BLIS generic; else emulations
    const runs = new Set(allBackends().filter((b) => b.available).map((b) => b.id));
    const pairs = [["openblas-0.3.21-haswell-serial", "openblas-0.3.21-skylakex-serial"], ["openblas-0.3.21-haswell-serial", "blis-0.9.0-generic-serial"]];
    expect(j.backends).to.deep.equal(pairs.find((p) => p.every((id) => runs.has(id))) ?? ["openblas-0.3.21-haswell", "openblas-0.3.21-skylakex"]);
    expect(j.labels[0]).to.not.equal(j.labels[1]);
    const npy = readNpyFile(j.image);
    expect(npy.dtype).to.equal("uint8");
    expect(npy.shape).to.deep.equal([28, 28]);
    const entry = zooEntry("fmnist-mlp"), net = entry.create().eval();
    loadModule(entry.weightsPath, net);
    const model = moduleAttackModel(net, entry.sampleShape, 10);
    const v = verdicts(model, uint8ImageDomain.decode(npy.data as Uint8Array), j.backends.map((id: string) => getKernel(id)));
    expect(v.labels).to.deep.equal(j.labels);
    const png = readGrayPng(readFileSync(j.png));
    expect(png.width).to.equal(224);
    expect(png.pixels[(8 * 14 + 3) * 224 + 8 * 14 + 3]).to.equal((npy.data as Uint8Array)[14 * 28 + 14]);
  });

  it("demo on emulations re-checks the Chimera on the real libraries, which agree (bit-identical at batch 1)", async function () {
    const ids = ["openblas-0.3.21-haswell", "openblas-0.3.21-skylakex"];
    const r = await runCli("demo", "--json", "--max-images", "3", "--backends", ids.join(","), "--out", join(dir, "demo-emulated"));
    expect(r.code, r.err).to.equal(0);
    const j = JSON.parse(r.out);
    const all = allBackends();
    const real = ["openblas-0.3.21-haswell-serial", "openblas-0.3.21-skylakex-serial"].map((id) => all.find((b) => b.id === id)!);
    // Every emulation is re-checked on its real library, or reported as not re-checked with the reason.
    expect(j.recheck.map((c: { real: string }) => c.real)).to.deep.equal(real.map((b) => b.id));
    real.forEach((b, i) => {
      if (b.available) expect(j.recheck[i].label, b.id).to.equal(j.labels[i]);
      else expect(j.recheck[i].notRechecked, b.id).to.equal(b.reason);
    });
    if (!real[0]!.available) return skipOrFail(this, `${real[0]!.id}: ${real[0]!.reason}: no real library to re-check on`);
  });

  it("attack appends one JSON line per image and a rerun resumes without repeating or losing one", async () => {
    const out = join(dir, "attack");
    const common = ["attack", "--backends", "openblas-0.3.21-haswell,blis-0.9.0-generic", "--warmup", "50", "--iterations", "30", "--out", out, "--json"];
    const first = await runCli(...common, "--images", "0-1");
    expect(first.code, first.err).to.equal(0);
    const second = await runCli(...common, "--images", "0-3");
    expect(second.code, second.err).to.equal(0);
    expect(second.err).to.contain("resuming: 2 of 4 images already in");
    const lines = readFileSync(join(out, "results.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    // workers finish in any order; each image is there once
    expect(lines.map((l) => l.sample).sort()).to.deep.equal([0, 1, 2, 3]);
    const s = JSON.parse(second.out);
    expect(s).to.include({ n: 4, found: lines.filter((l) => l.found).length });
    for (const l of lines) {
      expect(l.iterations).to.be.at.most(30);
      expect(l.targets[0]).to.equal(l.trueLabel);
      expect(l.targets[1]).to.not.equal(l.trueLabel);
    }
    const other = await runCli(...common, "--images", "0-1", "--seed", "5");
    expect(other.code).to.equal(1);
    expect(other.err).to.match(/holds results made with settings\.seed = \d+, but this run has settings\.seed = 5/);
  });

  it("attack re-checks Chimeras found on emulations on the real libraries and reports the transfer rate", async function () {
    const out = join(dir, "attack-transfer");
    const r = await runCli("attack", "--backends", "openblas-0.3.21-haswell,blis-0.9.0-generic", "--images", "19", "--out", out, "--json");
    expect(r.code, r.err).to.equal(0);
    const s = JSON.parse(r.out);
    expect(s.found, "image 19 gives a Chimera for this pair within the default budget").to.equal(1);
    const line = JSON.parse(readFileSync(join(out, "results.jsonl"), "utf8").trim());
    const natives = allBackends().filter((b) => b.available && b.kind === "native").map((b) => b.id);
    if (!natives.includes("blis-0.9.0-generic-serial") || !natives.includes("openblas-0.3.21-haswell-serial")) {
      expect(s.transferRate).to.equal(null);
      return skipOrFail(this, "OpenBLAS/BLIS are not installed: no real library to re-check on");
    }
    expect(s.realBackends).to.deep.equal(["openblas-0.3.21-haswell-serial", "blis-0.9.0-generic-serial"]);
    // the emulations are bit-identical to these libraries at batch 1, so the labels must carry over
    expect(line.realLabels).to.deep.equal(line.labels);
    expect(line.transfers).to.equal(true);
    expect(s.transferRate).to.equal(1);
  });
});
