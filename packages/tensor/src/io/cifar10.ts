import { readFileBounded } from "./bounded-read.js";
import { findDataFile, resolveDataDir } from "./data-dir.js";
import { ioFail } from "./io-error.js";

/** The ten CIFAR-10 classes, indexed by label (batches.meta.txt of the binary version). */
export const CIFAR10_CLASSES: readonly string[] = Object.freeze([
  "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
]);

/** Environment variable naming the directory with the CIFAR-10 binary batches. */
export const CIFAR10_ENV = "CHIMERA_CIFAR10_DIR";

/** Bytes per record of the binary version: 1 label byte, then 1024 R, 1024 G and 1024 B bytes. */
export const CIFAR10_RECORD_BYTES = 1 + 3 * 32 * 32;

/** CIFAR-10 images: `n` images of 3 x 32 x 32 unsigned bytes in CHW order (R, G, B planes, each row-major). */
export interface Cifar10Split {
  images: Uint8Array;
  labels: Uint8Array;
  n: number;
  channels: 3;
  rows: 32;
  cols: 32;
}

/**
 * Parses one binary batch (`data_batch_N.bin`, `test_batch.bin`): records of 3073 bytes, label
 * first. Errors when the length is not a multiple of 3073 or a label is above 9.
 */
export function readCifar10Batch(buffer: Uint8Array, subject = "readCifar10Batch(buffer)"): Cifar10Split {
  if (buffer.length === 0 || buffer.length % CIFAR10_RECORD_BYTES !== 0) {
    ioFail(subject, `expected a positive multiple of ${CIFAR10_RECORD_BYTES} bytes (1 label + 3072 pixels per image), found ${buffer.length}`);
  }
  const n = buffer.length / CIFAR10_RECORD_BYTES;
  const images = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const at = i * CIFAR10_RECORD_BYTES;
    const label = buffer[at]!;
    if (label > 9) ioFail(subject, `record ${i} (byte ${at}) has label ${label}, expected 0-9`);
    labels[i] = label;
    images.set(buffer.subarray(at + 1, at + CIFAR10_RECORD_BYTES), i * 3072);
  }
  return { images, labels, n, channels: 3, rows: 32, cols: 32 };
}

/** Options of {@link loadCifar10}. */
export interface Cifar10Options {
  split: "train" | "test";
  /** Directory holding the .bin batches; default $CHIMERA_CIFAR10_DIR (there is no system copy). */
  dir?: string;
}

const REMEDY = "CIFAR-10 is not obtainable here; download the binary version from its official page and pass --data-dir (or set CHIMERA_CIFAR10_DIR)";

/**
 * Loads CIFAR-10 from the binary version's batches: `train` concatenates data_batch_1.bin to
 * data_batch_5.bin in order, `test` is test_batch.bin.
 */
export function loadCifar10(options: Cifar10Options): Cifar10Split {
  const { split } = options;
  if (split !== "train" && split !== "test") ioFail("loadCifar10", `split must be "train" or "test", found ${JSON.stringify(split)}`);
  const { dir, from } = resolveDataDir(options.dir, CIFAR10_ENV, null);
  if (dir === null) ioFail("CIFAR-10", `no data directory: neither a dir argument nor $${CIFAR10_ENV} was given. ${REMEDY}`);
  const names = split === "train" ? [1, 2, 3, 4, 5].map((k) => `data_batch_${k}.bin`) : ["test_batch.bin"];
  const batches = names.map((name) => {
    const path = findDataFile("CIFAR-10", dir, from, [name], REMEDY);
    return readCifar10Batch(readFileBounded(path, 64 << 20), path);
  });
  if (batches.length === 1) return batches[0]!;
  const n = batches.reduce((s, b) => s + b.n, 0);
  const images = new Uint8Array(n * 3072);
  const labels = new Uint8Array(n);
  let at = 0;
  for (const b of batches) { images.set(b.images, at * 3072); labels.set(b.labels, at); at += b.n; }
  return { images, labels, n, channels: 3, rows: 32, cols: 32 };
}
