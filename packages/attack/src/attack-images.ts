import type { Kernel } from "@chimera/kernels";
import type { AttackModel } from "./attack-model.js";
import type { ChimeraResult } from "./chimera-result.js";
import { findChimera, type ChimeraSearchOptions } from "./chimera-search.js";
import { uint8ImageDomain } from "./input-domain.js";
import { levelDistances } from "./local/level-box.js";
import { localChimeraSearch, type LocalSearchOptions } from "./local/local-search.js";

/** Settings of attackImages. Only `backends` and `targets` are required. */
export interface AttackImagesOptions {
  /** The n >= 2 backends whose labels must all differ. */
  backends: readonly Kernel[];
  /** The n targets of each image (targets[i] for images[i]), or a function of the image's index. */
  targets: readonly (readonly number[])[] | ((index: number) => readonly number[]);
  /** "local" (the boundary-then-local search, default) or "algorithm1" (the paper's). */
  method?: "local" | "algorithm1";
  /** Settings passed to the local search (maxLinf, maxQueries, …). */
  local?: Omit<LocalSearchOptions, "backends" | "targets">;
  /** Settings passed to Algorithm 1 (warmup, iterations, …). */
  algorithm1?: Omit<ChimeraSearchOptions, "backends" | "targets">;
  /** Called with each record as soon as its image is done (to save progress). */
  onRecord?: (record: AttackRecord) => void;
}

/** The outcome for one image: what attack libraries report, plus each backend's label and logits. */
export interface AttackRecord extends Pick<ChimeraResult, "found" | "backends" | "targets" | "labels" | "logits" | "image" | "seconds"> {
  /** Position of the image in the batch. */
  index: number;
  /** Distances to the source in 8-bit levels: pixels changed, Euclidean, largest change. */
  distances: { l0: number; l2: number; linf: number };
  /** Verdict queries: model runs on every backend, bit-faithful (ChimeraResult's checks). */
  queries: number;
}

/** The record of one search from `bytes` (the source image) and its result. */
export function attackRecord(index: number, bytes: Uint8Array, r: ChimeraResult): AttackRecord {
  return {
    index, found: r.found, backends: r.backends, targets: r.targets, labels: r.labels, logits: r.logits, image: r.image,
    distances: levelDistances(bytes, r.image), queries: r.checks, seconds: r.seconds,
  };
}

/**
 * Searches for a Chimera example on every image of a batch (8-bit images of the model's input size)
 * and returns one record per image, in order, in the manner of attack libraries (Foolbox,
 * torchattacks): `attackImages(model, images, { backends, targets })`.
 */
export function attackImages(model: AttackModel, images: readonly Uint8Array[], opts: AttackImagesOptions): AttackRecord[] {
  const method = opts.method ?? "local";
  if (method !== "local" && method !== "algorithm1") throw new RangeError(`attackImages: method must be "local" or "algorithm1", got "${String(method)}"`);
  if (Array.isArray(opts.targets) && opts.targets.length !== images.length) {
    throw new RangeError(`attackImages: ${images.length} images need ${images.length} target lists, got ${opts.targets.length}`);
  }
  const targetsOf = (i: number) => (typeof opts.targets === "function" ? opts.targets(i) : (opts.targets as readonly (readonly number[])[])[i]!);
  return images.map((bytes, index) => {
    if (bytes.length !== model.inputSize) throw new RangeError(`attackImages: image ${index} has ${bytes.length} values, the model takes ${model.inputSize}`);
    const source = uint8ImageDomain.decode(bytes), targets = targetsOf(index);
    const r = method === "local"
      ? localChimeraSearch(model, source, { ...opts.local, backends: opts.backends, targets })
      : findChimera(model, source, { ...opts.algorithm1, backends: opts.backends, targets });
    const record = attackRecord(index, bytes, r);
    opts.onRecord?.(record);
    return record;
  });
}
