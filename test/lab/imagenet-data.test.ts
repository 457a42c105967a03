import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { readNpyFile, writeNpyFile } from "@chimera/tensor";
import { allBackends, loadSplit, torchStatus } from "@chimera/lab";
import { runCli, skipOrFail } from "./run-cli.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/**
 * ImageNet as the lab reads it (packages/lab/src/imagenet-data.ts): scripts/imagenet-to-npy.py on a generated
 * ImageFolder tree (three classes, JPEGs of odd sizes, made here with Pillow), then the lab's loader and
 * `chimera eval efficientnet-v2-s` on it; and every malformed folder refused with the file and the fix named.
 */
describe("ImageNet folders (scripts/imagenet-to-npy.py, --data-dir for efficientnet-v2-s)", function () {
  this.timeout(600_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), "chimera-imagenet-")); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("the conversion writes torchvision's eval crop as bytes, labels in sorted class order, and the lab reads both", function () {
    const s = torchStatus();
    if (!s.python) return skipOrFail(this, `real PyTorch: ${s.reason}`);
    const make = spawnSync(s.python, ["-c", `
import os, sys
from PIL import Image
root = sys.argv[1]
for wnid, size, colour in [("n02", (500, 375), (200, 10, 30)), ("n01", (333, 500), (5, 250, 90)), ("n03", (384, 384), (0, 0, 255))]:
    os.makedirs(os.path.join(root, wnid))
    Image.new("RGB", size, colour).save(os.path.join(root, wnid, "a.JPEG"), quality=95)
`, join(dir, "val")], { encoding: "utf8" });
    if (make.status !== 0 && /No module named 'PIL'/.test(make.stderr)) return skipOrFail(this, "Pillow is not installed: apt-get install -y --no-install-recommends python3-torchvision");
    expect(make.status, make.stderr).to.equal(0);
    const conv = spawnSync(s.python, [join(repo, "scripts", "imagenet-to-npy.py"), "--val-dir", join(dir, "val"), "--out", join(dir, "in")], { encoding: "utf8" });
    if (conv.status !== 0 && /needs torchvision/.test(conv.stderr)) return skipOrFail(this, conv.stderr.trim());
    expect(conv.status, conv.stderr).to.equal(0);

    const images = readNpyFile(join(dir, "in", "images.npy"));
    expect(images.dtype).to.equal("uint8");
    expect(images.shape).to.deep.equal([3, 3, 384, 384]);
    // Sorted class order: n01 (green), n02 (red), n03 (blue); a flat colour survives resize and crop up to JPEG's error.
    const plane = 384 * 384, bytes = images.data as Uint8Array;
    const meanOf = (img: number, ch: number) => bytes.subarray((img * 3 + ch) * plane, (img * 3 + ch + 1) * plane).reduce((a, b) => a + b, 0) / plane;
    for (const [img, rgb] of [[0, [5, 250, 90]], [1, [200, 10, 30]], [2, [0, 0, 255]]] as const) {
      rgb.forEach((v, ch) => expect(Math.abs(meanOf(img, ch) - v), `image ${img} channel ${ch}`).to.be.below(4));
    }
    const d = loadSplit("imagenet", "test", { dataDir: join(dir, "in") });
    expect(d.n).to.equal(3);
    expect([...d.labels]).to.deep.equal([0, 1, 2]);
    expect(d.x.length).to.equal(3 * 3 * plane);
    for (const i of [0, 12345, d.x.length - 1]) expect(d.x[i]).to.equal(Math.fround(bytes[i]! / 255));
    expect(loadSplit("imagenet", "test", { dataDir: join(dir, "in"), limit: 2 }).n).to.equal(2);
  });

  it("chimera eval efficientnet-v2-s reads the folder (one image, torchvision's architecture with random weights)", async function () {
    const s = torchStatus();
    if (!s.python) return skipOrFail(this, `real PyTorch: ${s.reason}`);
    if (!existsSync(join(dir, "in", "images.npy"))) {
      console.log("      skipped: the conversion test above made no ImageNet folder (it failed or skipped, and says why)");
      return this.skip();
    }
    const weights = join(dir, "random.safetensors");
    const conv = spawnSync(s.python, [join(repo, "scripts", "efficientnet-to-safetensors.py"), weights, "--random-init", "1"], { encoding: "utf8" });
    if (conv.status !== 0 && /torchvision is not installed/.test(conv.stderr)) return skipOrFail(this, conv.stderr.trim());
    expect(conv.status, conv.stderr).to.equal(0);
    // Convolutions as im2col + OpenBLAS's gemm: a 384×384 forward pass on the reference kernel takes minutes.
    const backend = "openblas-0.3.21-haswell-serial";
    if (!allBackends().some((b) => b.id === backend && b.available)) return skipOrFail(this, `${backend} is not available here (scripts/install-debian-deps.sh)`);
    const r = await runCli("eval", "efficientnet-v2-s", "--weights", weights, "--data-dir", join(dir, "in"), "--limit", "1", "--backend", backend, "--conv", "blas", "--json");
    expect(r.code, r.err).to.equal(0);
    const out = JSON.parse(r.out);
    expect(out.n).to.equal(1);
    expect(out.model).to.equal("efficientnet-v2-s");
  });

  it("refuses a missing folder or file, a wrong shape or type, a label count or value out of range, naming the file", async () => {
    const bad = (name: string) => { const p = join(dir, name); mkdirSync(p, { recursive: true }); return p; };
    const ok = { dtype: "uint8" as const, shape: [2, 3, 384, 384], data: new Uint8Array(2 * 3 * 384 * 384) };
    const expectError = (dataDir: string | undefined, what: RegExp) => expect(() => loadSplit("imagenet", "test", dataDir === undefined ? {} : { dataDir })).to.throw(what);

    expectError(undefined, /--data-dir only .*imagenet-to-npy\.py/);
    expectError(join(dir, "nowhere"), /images\.npy is missing; make it with/);
    const noLabels = bad("no-labels");
    writeNpyFile(join(noLabels, "images.npy"), ok);
    expectError(noLabels, /labels\.npy is missing/);
    const small = bad("small");
    writeNpyFile(join(small, "images.npy"), { dtype: "uint8", shape: [1, 3, 224, 224], data: new Uint8Array(3 * 224 * 224) });
    writeNpyFile(join(small, "labels.npy"), { dtype: "int64", shape: [1], data: new BigInt64Array([1n]) });
    expectError(small, /expected uint8 images of shape \[N, 3, 384, 384\], got uint8 \[1, 3, 224, 224\]/);
    const floats = bad("floats");
    writeNpyFile(join(floats, "images.npy"), { dtype: "float32", shape: [1, 3, 384, 384], data: new Float32Array(3 * 384 * 384) });
    writeNpyFile(join(floats, "labels.npy"), { dtype: "int64", shape: [1], data: new BigInt64Array([1n]) });
    expectError(floats, /got float32/);
    const count = bad("count");
    writeNpyFile(join(count, "images.npy"), ok);
    writeNpyFile(join(count, "labels.npy"), { dtype: "int64", shape: [3], data: new BigInt64Array([1n, 2n, 3n]) });
    expectError(count, /labels\.npy: expected shape \[2\] \(one label per image/);
    const range = bad("range");
    writeNpyFile(join(range, "images.npy"), ok);
    writeNpyFile(join(range, "labels.npy"), { dtype: "int32", shape: [2], data: new Int32Array([3, 1000]) });
    expectError(range, /label 1 is 1000, expected a class index in 0\.\.999/);
    const kinds = bad("kinds");
    writeNpyFile(join(kinds, "images.npy"), ok);
    writeNpyFile(join(kinds, "labels.npy"), { dtype: "float32", shape: [2], data: new Float32Array([1, 2]) });
    expectError(kinds, /expected an integer type, got float32/);
    expect(() => loadSplit("imagenet", "test", { fixture: true })).to.throw(/no committed fixture/);
    expect(() => loadSplit("imagenet", "train", { dataDir: range })).to.throw(/training is not done here/);
    const train = await runCli("train", "efficientnet-v2-s");
    expect(train.code).to.equal(2);
    expect(train.err).to.contain("is not trained here");
  });
});
