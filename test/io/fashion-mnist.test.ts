import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import {
  loadFashionMnist, fashionMnistFixture, writeIdx, FASHION_MNIST_CLASSES, FASHION_MNIST_DEBIAN_DIR, IoFormatError,
} from "@chimera/tensor";

// build/test/io/ -> repository root
const FIXTURE = fileURLToPath(new URL("../../../packages/lab/fixtures/fashion-mnist-test-200", import.meta.url));
const REAL = join(FASHION_MNIST_DEBIAN_DIR, "t10k-images-idx3-ubyte.gz");

describe("io/fashion-mnist", () => {
  it("loads the committed fixture: 200 images of 28x28, labels 0-9 with every class present", () => {
    const s = loadFashionMnist({ split: "test", dir: FIXTURE });
    expect(s.n).to.equal(200);
    expect([s.rows, s.cols]).to.deep.equal([28, 28]);
    expect(s.images.length).to.equal(200 * 784);
    const hist = new Array(10).fill(0);
    for (const l of s.labels) hist[l]++;
    expect(hist.reduce((a, b) => a + b)).to.equal(200);
    for (const c of hist) expect(c).to.be.within(8, 40); // the test set is balanced: 20 per class on average
    expect(s.labels[0]).to.equal(9); // first t10k image is an ankle boot (zalandoresearch README sprite)
    expect(FASHION_MNIST_CLASSES[9]).to.equal("Ankle boot");
    expect(FASHION_MNIST_CLASSES).to.have.length(10);
    expect(fashionMnistFixture().images).to.deep.equal(s.images);
    expect(fashionMnistFixture(FIXTURE).labels).to.deep.equal(s.labels);
  });

  it("the fixture equals the first 200 of the real test set, and the real sets load", function () {
    if (!existsSync(REAL)) {
      // .ci/run installs the data set, so CI (CHIMERA_REQUIRE_NATIVE=1) fails here rather than skip.
      if (process.env.CHIMERA_REQUIRE_NATIVE === "1") throw new Error(`CHIMERA_REQUIRE_NATIVE=1 but ${REAL} is absent (apt-get install dataset-fashion-mnist)`);
      console.log(`      skipped: ${REAL} is absent (apt-get install dataset-fashion-mnist)`);
      this.skip();
    }
    // independent oracle: the raw IDX bytes of the Debian file, gunzipped here, sliced by offset
    const raw = gunzipSync(readFileSync(REAL));
    const rawLabels = gunzipSync(readFileSync(join(FASHION_MNIST_DEBIAN_DIR, "t10k-labels-idx1-ubyte.gz")));
    const fx = loadFashionMnist({ split: "test", dir: FIXTURE });
    expect(Buffer.compare(Buffer.from(fx.images), raw.subarray(16, 16 + 200 * 784))).to.equal(0);
    expect(Buffer.compare(Buffer.from(fx.labels), rawLabels.subarray(8, 208))).to.equal(0);
    const test = loadFashionMnist({ split: "test", dir: FASHION_MNIST_DEBIAN_DIR });
    expect(test.n).to.equal(10000);
    expect(test.images.subarray(0, 200 * 784)).to.deep.equal(fx.images);
    const hist = new Array(10).fill(0);
    for (const l of test.labels) hist[l]++;
    expect(hist).to.deep.equal(new Array(10).fill(1000));
  });

  it("resolves the directory from the argument, then $CHIMERA_FMNIST_DIR, and reads uncompressed files", () => {
    const dir = mkdtempSync(join(tmpdir(), "chimera-fmnist-"));
    const saved = process.env.CHIMERA_FMNIST_DIR;
    try {
      writeFileSync(join(dir, "train-images-idx3-ubyte"), writeIdx([2, 28, 28], new Uint8Array(2 * 784).fill(7)));
      writeFileSync(join(dir, "train-labels-idx1-ubyte"), writeIdx([2], new Uint8Array([3, 4])));
      process.env.CHIMERA_FMNIST_DIR = dir;
      const s = loadFashionMnist({ split: "train" });
      expect(s.n).to.equal(2);
      expect(Array.from(s.labels)).to.deep.equal([3, 4]);
      expect(() => loadFashionMnist({ split: "test" })).to.throw(IoFormatError, /t10k-images-idx3-ubyte\.gz and .*t10k-images-idx3-ubyte .*CHIMERA_FMNIST_DIR/);
      writeFileSync(join(dir, "train-labels-idx1-ubyte"), writeIdx([3], new Uint8Array([3, 4, 5])));
      expect(() => loadFashionMnist({ split: "train", dir })).to.throw(/expected 2 labels .*found 3/);
      writeFileSync(join(dir, "train-labels-idx1-ubyte"), writeIdx([2], new Uint8Array([3, 10])));
      expect(() => loadFashionMnist({ split: "train", dir })).to.throw(/label 1 is 10, expected 0-9/);
      writeFileSync(join(dir, "train-images-idx3-ubyte"), writeIdx([2, 32, 32], new Uint8Array(2 * 1024)));
      expect(() => loadFashionMnist({ split: "train", dir })).to.throw(/expected 28 x 28 images, found 32 x 32/);
    } finally {
      if (saved === undefined) delete process.env.CHIMERA_FMNIST_DIR; else process.env.CHIMERA_FMNIST_DIR = saved;
      rmSync(dir, { recursive: true });
    }
  });

  it("a missing file names the path tried and how to fix it", () => {
    expect(() => loadFashionMnist({ split: "test", dir: "/nonexistent/fm" }))
      .to.throw(IoFormatError, "/nonexistent/fm/t10k-images-idx3-ubyte.gz")
      .with.property("message").that.contains("apt-get install dataset-fashion-mnist, or pass --data-dir / set CHIMERA_FMNIST_DIR");
    expect(() => loadFashionMnist({ split: "valid" as "test" })).to.throw(/split must be "train" or "test"/);
  });
});
