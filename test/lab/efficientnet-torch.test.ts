import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { moduleAttackModel } from "@chimera/attack";
import { nn } from "@chimera/tensor";
import {
  allBackends, convOptions, loadModule, releaseKernel, torchLibraryFor, torchLogits, torchStatus, zooEntry,
} from "@chimera/lab";
import { skipOrFail } from "./run-cli.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/**
 * EfficientNetV2-S against torchvision's own model in real PyTorch: torchvision's architecture with seeded random
 * weights and drawn BatchNorm statistics (scripts/efficientnet-to-safetensors.py --random-init; trained weights cannot
 * be downloaded here), converted to safetensors, loaded by the lab's loader into the lab's model, and run on one 8-bit
 * image in both. Convolutions through im2col + the same real library's sgemm on both sides (--conv blas, oneDNN off).
 * The logits are not held bit for bit: SiLU and the squeeze-excitation sigmoid call exp, whose last bit differs between
 * PyTorch's vectorised exp and JavaScript's; they are held to a relative error of 1e-5 of the largest logit (measured
 * 2.8e-7 on 2026-12-07, ImageNet normalisation included), which one BatchNorm layer loaded with its scale and shift swapped exceeds (checked).
 */
const entry = zooEntry("efficientnet-v2-s");
const shape = [3, 64, 64] as const; // the model pools adaptively: a small image runs every layer in seconds
const library = "openblas-0.3.21-haswell-serial";

function image(): Uint8Array {
  const img = new Uint8Array(shape[0] * shape[1] * shape[2]);
  let s = 20261207;
  for (let i = 0; i < img.length; i++) { s = (Math.imul(s, 1103515245) + 12345) >>> 0; img[i] = s >>> 24; }
  return img;
}

/** max |a − b| / max |b|. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i]! - b[i]!)); m = Math.max(m, Math.abs(b[i]!)); }
  return d / m;
}

/** The submodule at a state-dict path such as "features.4.2.block.1.1". */
function submodule(root: nn.Module, path: string): nn.Module | undefined {
  let m: nn.Module | undefined = root;
  for (const part of path.split(".")) m = m === undefined ? undefined : [...m.namedChildren()].find(([n]) => n === part)?.[1];
  return m;
}

const argmax = (z: Float32Array) => z.reduce((best, v, i) => (v > z[best]! ? i : best), 0);

describe("efficientnet-v2-s: the lab's model equals torchvision's in real PyTorch", function () {
  this.timeout(300_000);
  let dir: string;
  before(function () {
    const s = torchStatus();
    if (!s.python) return skipOrFail(this, `real PyTorch: ${s.reason}`);
    const tv = spawnSync(s.python, ["-c", "import torchvision"], { encoding: "utf8" });
    if (tv.status !== 0) return skipOrFail(this, "torchvision is not installed: apt-get install -y --no-install-recommends python3-torchvision (scripts/install-debian-deps.sh)");
    if (!allBackends().some((b) => b.id === library && b.available)) return skipOrFail(this, `${library} is not available here (scripts/install-debian-deps.sh)`);
    dir = mkdtempSync(join(tmpdir(), "chimera-effnet-"));
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it("logits within 1e-5 of PyTorch's (same label) on random torchvision weights; one swapped BatchNorm scale and shift are caught", async () => {
    const weights = join(dir, "random.safetensors");
    const conv = spawnSync(torchStatus().python!, [join(repo, "scripts", "efficientnet-to-safetensors.py"), weights, "--random-init", "0"], { encoding: "utf8" });
    expect(conv.status, conv.stderr).to.equal(0);

    const img = image();
    const x = Float32Array.from(img, (v) => Math.fround(v / 255));
    const net = entry.create().eval();
    loadModule(weights, net);
    const kernel = allBackends().find((b) => b.id === library)!.create();
    try {
      const ours = moduleAttackModel(net, shape, 1000, convOptions("blas")).logits(x, kernel);
      const torch = (await torchLogits(torchLibraryFor(library), { model: entry.name, weights, shape, images: [img] })).logits[0]!;
      expect(torch.length).to.equal(1000);
      const err = relativeError(ours, torch);
      console.log(`      relative error ${err.toExponential(2)} (${ours.filter((v, i) => v === torch[i]).length}/1000 logits bit-equal)`);
      expect(err, `relative error ${err}`).to.be.below(1e-5);
      expect(argmax(ours)).to.equal(argmax(torch));

      // The tolerance is tight enough to see one layer misloaded: swap one BatchNorm's scale and shift.
      const bn = submodule(net, "features.4.2.block.1.1");
      expect(bn, "features.4.2.block.1.1 is a BatchNorm2d").to.be.instanceOf(nn.BatchNorm2d);
      const norm = bn as nn.BatchNorm2d, scale = norm.weight.data.slice();
      norm.weight.data.set(norm.bias.data);
      norm.bias.data.set(scale);
      const wrong = moduleAttackModel(net, shape, 1000, convOptions("blas")).logits(x, kernel);
      expect(relativeError(wrong, torch), "the swapped layer is seen").to.be.above(1e-5);
    } finally {
      releaseKernel(kernel);
    }
  });
});
