import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCifar10Batch, loadCifar10, CIFAR10_CLASSES, IoFormatError } from "@chimera/tensor";

/** A batch of records built per the format: label byte, then R, G, B planes of 32x32. Pixel (c, y, x) = (label + 3c + y + x) mod 256. */
function batch(labels: number[]): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((l, i) => {
    out[i * 3073] = l;
    for (let c = 0; c < 3; c++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) {
      out[i * 3073 + 1 + c * 1024 + y * 32 + x] = (l + 3 * c + y + x) & 255;
    }
  });
  return out;
}

describe("io/cifar10", () => {
  it("splits records into CHW images and labels", () => {
    const b = readCifar10Batch(batch([6, 9]));
    expect(b.n).to.equal(2);
    expect(Array.from(b.labels)).to.deep.equal([6, 9]);
    expect(b.images.length).to.equal(2 * 3072);
    // image 1, channel G (1), row 2, col 5: 9 + 3 + 2 + 5
    expect(b.images[3072 + 1024 + 2 * 32 + 5]).to.equal(19);
    expect(CIFAR10_CLASSES[6]).to.equal("frog");
  });

  it("rejects wrong sizes and labels, naming the file", () => {
    expect(() => readCifar10Batch(new Uint8Array(3074), "b.bin")).to.throw(IoFormatError, /^b\.bin: expected a positive multiple of 3073 bytes .* found 3074/);
    expect(() => readCifar10Batch(new Uint8Array(0))).to.throw(/found 0/);
    expect(() => readCifar10Batch(batch([1, 12]))).to.throw(/record 1 \(byte 3073\) has label 12/);
  });

  it("loads train (five batches in order) and test from a directory, and explains what is missing", () => {
    const dir = mkdtempSync(join(tmpdir(), "chimera-cifar-"));
    const saved = process.env.CHIMERA_CIFAR10_DIR;
    try {
      delete process.env.CHIMERA_CIFAR10_DIR;
      expect(() => loadCifar10({ split: "test" })).to.throw(/CIFAR-10 is not obtainable here; download the binary version/);
      writeFileSync(join(dir, "test_batch.bin"), batch([3]));
      expect(loadCifar10({ split: "test", dir }).labels[0]).to.equal(3);
      for (let k = 1; k <= 4; k++) writeFileSync(join(dir, `data_batch_${k}.bin`), batch([k, k]));
      expect(() => loadCifar10({ split: "train", dir })).to.throw(IoFormatError, /data_batch_5\.bin .*pass --data-dir/);
      writeFileSync(join(dir, "data_batch_5.bin"), batch([5]));
      process.env.CHIMERA_CIFAR10_DIR = dir;
      const train = loadCifar10({ split: "train" });
      expect(train.n).to.equal(9);
      expect(Array.from(train.labels)).to.deep.equal([1, 1, 2, 2, 3, 3, 4, 4, 5]);
      expect(train.images[8 * 3072]).to.equal(5);
    } finally {
      if (saved === undefined) delete process.env.CHIMERA_CIFAR10_DIR; else process.env.CHIMERA_CIFAR10_DIR = saved;
      rmSync(dir, { recursive: true });
    }
  });
});
