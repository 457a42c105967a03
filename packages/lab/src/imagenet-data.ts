import { existsSync } from "node:fs";
import { join } from "node:path";
import { readNpyFile, toFloat01 } from "@chimera/tensor";

/**
 * ImageNet as the lab reads it: a folder (--data-dir) holding two .npy files that the user's own conversion writes
 * (scripts/imagenet-to-npy.py turns the official validation JPEGs into them with torchvision's eval transform):
 *   images.npy  uint8, shape [N, 3, H, W]: RGB bytes after resize and centre crop, before any normalisation
 *   labels.npy  an integer type, shape [N]: class indices 0..999 in torchvision's order
 * Nothing is downloaded; the folder is the whole data set the lab sees (its "test" split).
 */
export const IMAGENET_FILES = { images: "images.npy", labels: "labels.npy" } as const;

/** One image as EfficientNetV2-S's ImageNet weights take it: 3×384×384 (EfficientNet_V2_S_Weights.IMAGENET1K_V1's eval crop). */
export const IMAGENET_SAMPLE_SHAPE: readonly number[] = Object.freeze([3, 384, 384]);

/** The most float32 values one split may expand to (4 GiB): a larger folder must be cut into smaller ones. */
const MAX_VALUES = 2 ** 30;

/** How to make the folder, for every error that finds it missing or wrong. */
const howTo = "make it with `python3 scripts/imagenet-to-npy.py --val-dir DIR --out OUT_DIR` from the validation images in torchvision's ImageFolder layout";

/** The images (bytes / 255 in binary32, CHW) and labels of an ImageNet folder, each image of `sampleShape`. */
export function loadImagenet(dir: string | undefined, sampleShape: readonly number[], limit?: number): { x: Float32Array; labels: Uint16Array; n: number; source: string } {
  if (dir === undefined) throw new Error(`ImageNet is read from --data-dir only (no default folder, nothing is downloaded); ${howTo}`);
  const paths = { images: join(dir, IMAGENET_FILES.images), labels: join(dir, IMAGENET_FILES.labels) };
  for (const p of Object.values(paths)) if (!existsSync(p)) throw new Error(`ImageNet folder ${dir}: ${p} is missing; ${howTo}`);
  const images = readNpyFile(paths.images), labels = readNpyFile(paths.labels);
  if (images.dtype !== "uint8" || images.shape.length !== 4 || images.shape.slice(1).some((s, i) => s !== sampleShape[i])) {
    throw new Error(`${paths.images}: expected uint8 images of shape [N, ${sampleShape.join(", ")}], got ${images.dtype} [${images.shape.join(", ")}]; ${howTo}`);
  }
  const n = images.shape[0]!;
  if (labels.shape.length !== 1 || labels.shape[0] !== n) {
    throw new Error(`${paths.labels}: expected shape [${n}] (one label per image of ${paths.images}), got [${labels.shape.join(", ")}]`);
  }
  if (!/^u?int(8|16|32|64)$/.test(labels.dtype)) throw new Error(`${paths.labels}: expected an integer type, got ${labels.dtype}`);
  const take = Math.min(n, limit ?? n), size = sampleShape.reduce((a, b) => a * b, 1);
  if (take * size > MAX_VALUES) {
    throw new Error(`${paths.images}: ${take} images of ${size} values are ${((take * size * 4) / 2 ** 30).toFixed(1)} GiB as float32, over the 4 GiB one run holds; ` +
      `pass --limit ${Math.floor(MAX_VALUES / size)} or less, or split the folder (scripts/imagenet-to-npy.py --start/--count)`);
  }
  const out = new Uint16Array(take);
  for (let i = 0; i < take; i++) {
    const v = Number(labels.data[i]!);
    if (!Number.isInteger(v) || v < 0 || v > 999) throw new Error(`${paths.labels}: label ${i} is ${v}, expected a class index in 0..999`);
    out[i] = v;
  }
  const bytes = images.data as Uint8Array;
  return { x: toFloat01(bytes.subarray(0, take * size)), labels: out, n: take, source: `imagenet ${dir} (${take} images)` };
}
