import { loadFashionMnist, toFloat01 } from "@chimera/tensor";
import { fmnistFixtureDir } from "./paths.js";

/** One split of Fashion-MNIST as the models see it: pixels / 255 in binary32, and labels. */
export interface FmnistSplit {
  /** n × 784 values in [0, 1], row-major 28×28 per image. */
  x: Float32Array;
  labels: Uint8Array;
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
