import { loadCifar10, loadFashionMnist, toFloat01 } from "@chimera/tensor";
import { fmnistFixtureDir } from "./paths.js";
import { IMAGENET_SAMPLE_SHAPE, loadImagenet } from "./imagenet-data.js";

/** One split of Fashion-MNIST as the models see it: pixels / 255 in binary32, and labels. */
export interface FmnistSplit {
  /** n × d values in [0, 1]: d = 784 (28×28, row-major) for Fashion-MNIST, 3072 (3×32×32, CHW) for CIFAR-10. */
  x: Float32Array;
  /** Class indices (Uint16Array for ImageNet's 1000 classes). */
  labels: Uint8Array | Uint16Array;
  n: number;
  /** Where it came from, for reports. */
  source: string;
}

/**
 * Loads a split from `--data-dir`, $CHIMERA_FMNIST_DIR or Debian's dataset-fashion-mnist, or the
 * committed 200-image test fixture when `fixture` is set (test split only).
 */
export function loadFmnist(split: "train" | "test", opts: { dataDir?: string; fixture?: boolean; limit?: number }): FmnistSplit {
  if (opts.fixture && split !== "test") throw new Error("the fixture holds test images only; drop --fixture to train");
  const dir = opts.fixture ? fmnistFixtureDir : opts.dataDir;
  const d = loadFashionMnist({ split, ...(dir === undefined ? {} : { dir }) });
  const n = Math.min(d.n, opts.limit ?? d.n);
  return {
    x: toFloat01(d.images.subarray(0, n * 784)),
    labels: d.labels.subarray(0, n),
    n,
    source: opts.fixture ? `fixture (first ${n} official test images)` : `fashion-mnist ${split} (${n} images)`,
  };
}

/** The data sets the zoo's models read. */
export type DatasetName = "fashion-mnist" | "cifar10" | "imagenet";

/**
 * A split of `dataset` as its models see it (bytes / 255 in binary32). Fashion-MNIST: as loadFmnist.
 * CIFAR-10: the official binary batches from `dataDir` or $CHIMERA_CIFAR10_DIR (nothing is downloaded;
 * no fixture). ImageNet: the two .npy files of imagenet-data.ts in `dataDir`, 3×384×384 (EfficientNetV2-S's eval crop).
 */
export function loadSplit(dataset: DatasetName, split: "train" | "test", opts: { dataDir?: string; fixture?: boolean; limit?: number }): FmnistSplit {
  if (dataset === "fashion-mnist") return loadFmnist(split, opts);
  if (dataset === "cifar10") {
    if (opts.fixture) throw new Error("CIFAR-10 has no committed fixture (the data is not ours to commit); pass --data-dir with the official binary batches");
    const d = loadCifar10({ split, ...(opts.dataDir ? { dir: opts.dataDir } : {}) });
    const n = Math.min(d.n, opts.limit ?? d.n);
    return { x: toFloat01(d.images.subarray(0, n * 3072)), labels: d.labels.subarray(0, n), n, source: `cifar10 ${split} (${n} images)` };
  }
  if (opts.fixture) throw new Error("ImageNet has no committed fixture (the data is not ours to commit); pass --data-dir with the folder scripts/imagenet-to-npy.py writes");
  if (split === "train") throw new Error("ImageNet training is not done here: the lab reads a validation folder (--data-dir) to evaluate and attack torchvision's trained weights");
  return loadImagenet(opts.dataDir, IMAGENET_SAMPLE_SHAPE, opts.limit);
}
