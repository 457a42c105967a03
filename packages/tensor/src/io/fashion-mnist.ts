import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { findDataFile, resolveDataDir } from "./data-dir.js";
import { readIdxFile } from "./idx.js";
import { ioFail } from "./io-error.js";

/** The ten Fashion-MNIST classes, indexed by label (zalandoresearch/fashion-mnist README). */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]);

/** Where Debian's `dataset-fashion-mnist` package installs the official IDX files. */
export const FASHION_MNIST_DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";

/** Environment variable naming a directory that holds the Fashion-MNIST IDX files. */
export const FASHION_MNIST_ENV = "CHIMERA_FMNIST_DIR";

/** One split of Fashion-MNIST: `n` images of rows x cols unsigned bytes, row-major, and their labels 0-9. */
export interface FashionMnistSplit {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  rows: 28;
  cols: 28;
}

/** Options of {@link loadFashionMnist}. */
export interface FashionMnistOptions {
  split: "train" | "test";
  /** Directory holding the IDX files; default $CHIMERA_FMNIST_DIR, then {@link FASHION_MNIST_DEBIAN_DIR}. */
  dir?: string;
}

const REMEDY = "apt-get install dataset-fashion-mnist, or pass --data-dir / set CHIMERA_FMNIST_DIR";

/**
 * Loads a split of Fashion-MNIST from its official IDX files (`train-images-idx3-ubyte`,
 * `t10k-labels-idx1-ubyte`, ...; gzip or not, `.gz` tried first). Checks that images are n x 28 x 28,
 * that there are as many labels as images, and that every label is below 10.
 */
export function loadFashionMnist(options: FashionMnistOptions): FashionMnistSplit {
  const { split } = options;
  if (split !== "train" && split !== "test") ioFail("loadFashionMnist", `split must be "train" or "test", found ${JSON.stringify(split)}`);
  const { dir, from } = resolveDataDir(options.dir, FASHION_MNIST_ENV, FASHION_MNIST_DEBIAN_DIR);
  const prefix = split === "train" ? "train" : "t10k";
  const find = (base: string): string => findDataFile("Fashion-MNIST", dir!, from, [`${base}.gz`, base], REMEDY);
  const imagesPath = find(`${prefix}-images-idx3-ubyte`);
  const labelsPath = find(`${prefix}-labels-idx1-ubyte`);
  const images = readIdxFile(imagesPath, 3);
  const labels = readIdxFile(labelsPath, 1);
  const [n, rows, cols] = images.dims as [number, number, number];
  if (rows !== 28 || cols !== 28) ioFail(imagesPath, `expected 28 x 28 images, found ${rows} x ${cols}`);
  if (labels.dims[0] !== n) ioFail(labelsPath, `expected ${n} labels (one per image in ${imagesPath}), found ${labels.dims[0]}`);
  const bad = labels.data.findIndex((l) => l > 9);
  if (bad >= 0) ioFail(labelsPath, `label ${bad} is ${labels.data[bad]}, expected 0-9`);
  return { images: images.data, labels: labels.data, n, rows: 28, cols: 28 };
}

/** Number of images in the committed fixture: the first 200 of the official test set. */
export const FASHION_MNIST_FIXTURE_COUNT = 200;

/**
 * The committed fixture (first 200 images and labels of the official t10k set, IDX gzip). `dir`
 * defaults to packages/lab/fixtures/fashion-mnist-test-200 found relative to this module in the
 * monorepo (packages/tensor/dist/io -> packages/lab); pass it explicitly from anywhere else.
 */
export function fashionMnistFixture(dir?: string): FashionMnistSplit {
  const where = dir ?? fileURLToPath(new URL("../../../lab/fixtures/fashion-mnist-test-200", import.meta.url));
  if (!existsSync(where)) ioFail("fashionMnistFixture", `fixture directory ${where} not found; pass its path as dir`);
  const split = loadFashionMnist({ split: "test", dir: where });
  if (split.n !== FASHION_MNIST_FIXTURE_COUNT) {
    ioFail(where, `expected ${FASHION_MNIST_FIXTURE_COUNT} fixture images, found ${split.n}`);
  }
  return split;
}
