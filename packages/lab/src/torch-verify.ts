import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { argmaxOf } from "@chimera/attack";
import { emulatedKernels } from "@chimera/kernels";
import { libraryCatalog } from "@chimera/native";
import { fidelityPairs } from "./fidelity-pairs.js";
import { torchLibraryFor, type TorchLibrary } from "./torch-libraries.js";
import { torchLogits } from "./torch-oracle.js";
import type { ConvMode } from "./conv-mode.js";

/** One image the lab ran on a backend: its bytes and the logits the lab got there. */
export interface LabRun {
  /** Where it comes from, for the report (e.g. `fig5/a__b.jsonl sample 17`, `image 3`). */
  readonly what: string;
  readonly backend: string;
  readonly image: Uint8Array;
  readonly logits: Float32Array;
}

/** How one lab backend compares with PyTorch on its real library. */
export interface BackendAgreement {
  /** The lab's backend id (native or emulated). */
  readonly backend: string;
  /** The native backend PyTorch ran on, or null when there is none (then `reason`). */
  readonly torchLibrary: string | null;
  readonly reason?: string;
  readonly images: number;
  /** Images whose every logit has the same bits in PyTorch. */
  readonly logitsEqual: number;
  /** Images with the same label (argmax) in PyTorch. */
  readonly labelsEqual: number;
}

/** The lab backend's real library, as a PyTorch library; or why there is none. */
export function torchLibraryOfBackend(backend: string): { lib?: TorchLibrary; reason?: string } {
  const emulated = emulatedKernels.some((k) => k.info.id === backend);
  const real = emulated ? fidelityPairs[backend] : backend;
  if (real === undefined) return { reason: `the emulation ${backend} has no real library named in fidelity-pairs.ts` };
  if (!emulated && !libraryCatalog.some((f) => backend.startsWith(`${f.library}-`))) {
    return { reason: `${backend} is neither a native library nor an emulation of one` };
  }
  try {
    return { lib: torchLibraryFor(real) };
  } catch (e) {
    return { reason: (e as Error).message };
  }
}

/**
 * Re-runs every run in PyTorch (one process per real library, every image batch 1) and compares bits.
 * Returns PyTorch's logits per run (null where the backend has no PyTorch library) and the agreement per
 * backend, in first-seen order; `parallel` PyTorch processes run at a time.
 */
export async function compareWithTorch(runs: readonly LabRun[], model: { name: string; weights: string; shape: readonly number[]; conv?: ConvMode }, parallel = 2):
  Promise<{ torch: string | null; perBackend: BackendAgreement[]; torchLogits: (Float32Array | null)[] }> {
  const backends = [...new Set(runs.map((r) => r.backend))];
  const torchOut: (Float32Array | null)[] = runs.map(() => null);
  let version: string | null = null;
  const one = async (backend: string): Promise<BackendAgreement> => {
    const idx = runs.flatMap((r, i) => (r.backend === backend ? [i] : []));
    const { lib, reason } = torchLibraryOfBackend(backend);
    if (!lib) return { backend, torchLibrary: null, reason: reason!, images: idx.length, logitsEqual: 0, labelsEqual: 0 };
    const answer = await torchLogits(lib, {
      model: model.name, weights: model.weights, shape: model.shape, images: idx.map((i) => runs[i]!.image), mkldnn: model.conv === "shared" || model.conv === "torch", ...(model.conv === "torch" ? { onednnIsa: "AVX2" as const } : {}),
    });
    version = answer.torch;
    let logitsEqual = 0, labelsEqual = 0;
    idx.forEach((i, j) => {
      const z = answer.logits[j]!;
      torchOut[i] = z;
      if (sameBits(z, runs[i]!.logits)) logitsEqual++;
      if (argmaxOf(z) === argmaxOf(runs[i]!.logits)) labelsEqual++;
    });
    return { backend, torchLibrary: lib.backendId, images: idx.length, logitsEqual, labelsEqual };
  };
  // A few PyTorch processes at a time (each is one library; most of its time is importing torch).
  const perBackend: BackendAgreement[] = new Array(backends.length);
  let next = 0;
  const lane = async () => {
    while (next < backends.length) {
      const i = next++;
      perBackend[i] = await one(backends[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, backends.length)) }, lane));
  return { torch: version, perBackend, torchLogits: torchOut };
}

/** True when both hold the same float32 bit patterns. */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length), y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.every((v, i) => v === y[i]);
}

/** One sample of a results folder: its backends, image, the lab's logits per backend, and found. */
export interface ResultRecord {
  readonly file: string;
  readonly sample: number;
  readonly backends: readonly string[];
  readonly image: Uint8Array;
  readonly logits: readonly Float32Array[];
  readonly found: boolean;
}

/**
 * The model and the sample records of a results folder written by `chimera attack` or an experiment:
 * config.json names the model; every *.jsonl line with backends, logits and an image is a record
 * (a torn last line of a killed run is skipped, and counted).
 */
export function readResults(dir: string): { model: string; conv?: ConvMode; records: ResultRecord[]; skippedLines: number } {
  const configPath = join(dir, "config.json");
  if (!existsSync(configPath)) throw new Error(`${dir} has no config.json: give a folder written by chimera attack or chimera experiment`);
  const config = JSON.parse(readFileSync(configPath, "utf8")) as { model?: string; conv?: ConvMode };
  const model = config.model;
  if (typeof model !== "string") throw new Error(`${configPath} names no model`);
  const records: ResultRecord[] = [];
  let skippedLines = 0;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort()) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      if (!line.trim()) continue;
      let r: { sample?: number; backends?: string[]; image?: string; logits?: number[][]; found?: boolean };
      try {
        r = JSON.parse(line);
      } catch {
        skippedLines++;
        continue;
      }
      if (!Array.isArray(r.backends) || !Array.isArray(r.logits) || typeof r.image !== "string" || r.logits.length !== r.backends.length) {
        skippedLines++;
        continue;
      }
      records.push({
        file, sample: r.sample ?? -1, backends: r.backends, image: new Uint8Array(Buffer.from(r.image, "base64")),
        logits: r.logits.map((z) => Float32Array.from(z)), found: r.found === true,
      });
    }
  }
  if (records.length === 0) throw new Error(`${dir}: no sample records in its .jsonl files (${skippedLines} lines skipped)`);
  return { model, ...(config.conv ? { conv: config.conv } : {}), records, skippedLines };
}

/** What re-running a results folder in PyTorch found. */
export interface RecordsVerdict {
  readonly records: number;
  readonly chimeras: number;
  /** Chimeras whose every backend has a PyTorch library here. */
  readonly chimerasCheckable: number;
  /** Of those, the ones PyTorch labels pairwise differently on the real libraries (still Chimeras). */
  readonly chimerasInTorch: number;
  /** Records whose every backend's logits PyTorch reproduces bit for bit. */
  readonly recordsBitIdentical: number;
  /** Each run that differs: `file sample N on BACKEND: logits differ | label a vs b`. */
  readonly disagreements: string[];
}

/** Judges records against PyTorch's logits (laid out as `runsOf` laid them out). */
export function judgeRecords(records: readonly ResultRecord[], torch: readonly (Float32Array | null)[]): RecordsVerdict {
  let at = 0, chimeras = 0, checkable = 0, inTorch = 0, identical = 0;
  const disagreements: string[] = [];
  for (const r of records) {
    const z = r.backends.map(() => torch[at++] ?? null);
    if (z.every((v, i) => v !== null && sameBits(v, r.logits[i]!))) identical++;
    z.forEach((v, i) => {
      if (v === null || sameBits(v, r.logits[i]!)) return;
      const a = argmaxOf(r.logits[i]!), b = argmaxOf(v);
      disagreements.push(`${r.file} sample ${r.sample} on ${r.backends[i]}: ${a === b ? "logits differ, same label" : `label ${a} in the lab, ${b} in PyTorch`}`);
    });
    if (!r.found) continue;
    chimeras++;
    if (z.some((v) => v === null)) continue;
    checkable++;
    const labels = z.map((v) => argmaxOf(v!));
    if (new Set(labels).size === labels.length) inTorch++;
  }
  return { records: records.length, chimeras, chimerasCheckable: checkable, chimerasInTorch: inTorch, recordsBitIdentical: identical, disagreements };
}

/** The runs of records, one per (record, backend), in the order judgeRecords reads them. */
export function runsOf(records: readonly ResultRecord[]): LabRun[] {
  return records.flatMap((r) => r.backends.map((b, i) => ({ what: `${r.file} sample ${r.sample}`, backend: b, image: r.image, logits: r.logits[i]! })));
}
