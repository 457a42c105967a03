import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import type { Kernel } from "@chimera/kernels";
import { argmaxOf, attackRecord, binarySearchChimera, boundarySampleChimera, carliniWagnerChimera, chooseTargets, findChimera, float64GradientKernel, localChimeraSearch, moduleAttackModel, uint8ImageDomain, type AttackModel, type AttackRecord, type ChimeraResult } from "@chimera/attack";
import { Rng } from "@chimera/tensor";
import { UsageError } from "./cli/args.js";
import { getKernel } from "./backends.js";
import { RealCounterparts } from "./transfer.js";
import { weightsFor, zooEntry, type ZooEntry } from "./model-zoo.js";
import { loadWeights } from "./weights.js";
import { convOptions, type ConvMode } from "./conv-mode.js";
import { loadSplit, type FmnistSplit } from "./fmnist-data.js";

/** A model with its weights, its test images and the backends to set against each other. */
export interface AttackSetup {
  entry: ZooEntry;
  model: AttackModel;
  data: FmnistSplit;
  backends: Kernel[];
  /** The real libraries behind emulated backends, to re-check each Chimera found (see transfer.ts). */
  real?: RealCounterparts;
  /** sha256 (hex) of the weights file: results folders pin it and every record carries it. */
  weightsSha256: string;
  /** sha256 (hex) of the test images (float32 bytes as the model sees them) and their labels. */
  dataSha256: string;
  /** Which kernel computes the convolutions (see conv-mode.ts). */
  conv: ConvMode;
}

/** Loads `modelName`'s committed (or given) weights, the test images and the backends by id. */
export function setupAttack(modelName: string, backendIds: readonly string[], opts: { weights?: string; dataDir?: string; fixture: boolean; conv?: ConvMode }): AttackSetup {
  const entry = zooEntry(modelName);
  if (backendIds.length < 2) throw new Error(`--backends needs at least two backend ids, got "${backendIds.join(",")}"`);
  if (new Set(backendIds).size !== backendIds.length) throw new Error(`--backends lists a backend twice: "${backendIds.join(",")}"`);
  const backends = backendIds.map((id) => getKernel(id));
  const net = entry.create().eval();
  const { sha256: weightsSha256 } = loadWeights(weightsFor(entry, opts.weights), net);
  const data = loadSplit(entry.dataset, "test", { ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), fixture: opts.fixture });
  const dataSha256 = createHash("sha256").update(new Uint8Array(data.x.buffer, data.x.byteOffset, data.x.byteLength)).update(data.labels).digest("hex");
  const conv = opts.conv ?? "shared";
  return { entry, conv, model: moduleAttackModel(net, entry.sampleShape, entry.classes, convOptions(conv)), data, backends, real: new RealCounterparts(backends), weightsSha256, dataSha256 };
}

/** How the second and later targets are picked: at random (the paper, §4.3) or the next most likely classes. */
export type TargetRule = "random" | "runner-up";

/** Algorithm 1, the boundary-then-local search, or one of the §4.5 baselines. */
export type SampleMethod = "algorithm1" | "local" | "binary-search" | "boundary-samples" | "carlini-wagner";

/** Every SampleMethod, in the order tables list them. */
export const sampleMethods: readonly SampleMethod[] = ["algorithm1", "local", "binary-search", "boundary-samples", "carlini-wagner"];

/** The search settings a run records (a resumed run must use the same). */
export interface SampleSettings {
  /** Algorithm 1 (the paper's method) or a baseline of §4.5. */
  method: SampleMethod;
  seed: number;
  targets: TargetRule;
  warmup: number;
  iterations: number;
  gradientAt: "quantized" | "unquantized";
  screenMargin?: number;
  /**
   * Algorithm 1's smallest step α (AdaptiveStepSize's min; absent: its default 1e-4). It starts at
   * max(0.05, stepMin). A larger floor keeps the walk moving on a CNN, where the quantized loss rises often
   * and the default rule shrinks α until a step changes a pixel or two (docs/experiments, 2026-12-08).
   */
  stepMin?: number;
  /** The local search's L∞ bound to the source in 8-bit levels (absent: unconstrained). */
  maxLinf?: number;
  /** The local search's verdict-query budget (absent: its default, 200). */
  maxQueries?: number;
}

/** One finished sample, as a JSONL line: the search result with the image as base64. */
export interface SampleRecord extends Omit<ChimeraResult, "image"> {
  sample: number;
  /** sha256 of the weights the search ran on (the setup's weightsSha256). */
  weightsSha256: string;
  trueLabel: number;
  image: string;
  /** As attackImages' records: distances to the source in 8-bit levels, and the verdict queries. */
  distances: AttackRecord["distances"];
  queries: number;
  /**
   * For a Chimera found on emulations whose real libraries are here: each real library's label of
   * the same image, and whether it is a Chimera there too (the transfer).
   */
  realLabels?: number[];
  transfers?: boolean;
  /** A Chimera found on emulations whose real libraries cannot run here (or failed): why it was not re-checked. */
  notRechecked?: string;
}

/** The targets for sample `index`: the true class first, then by `rule` (seeded per sample, so resumable). */
export function sampleTargets(setup: AttackSetup, index: number, settings: SampleSettings): number[] {
  const trueLabel = setup.data.labels[index]!, n = setup.backends.length;
  if (settings.targets === "random") return chooseTargets(trueLabel, n, setup.model.classes, new Rng(settings.seed * 1_000_003 + index));
  const z = setup.model.logits(sourceOf(setup, index), float64GradientKernel);
  const others = [...z.keys()].filter((c) => c !== trueLabel).sort((a, b) => z[b]! - z[a]!);
  return [trueLabel, ...others.slice(0, n - 1)];
}

/** Runs Algorithm 1 on test image `index`. */
export function runSample(setup: AttackSetup, index: number, settings: SampleSettings, onStep?: (phase: "warmup" | "joint", k: number) => void): SampleRecord {
  if (!Number.isInteger(index) || index < 0 || index >= setup.data.n) throw new RangeError(`image ${index} is not in ${setup.data.source} (0-${setup.data.n - 1})`);
  const targets = sampleTargets(setup, index, settings);
  const r = settings.method === "binary-search"
    ? binarySearchChimera(setup.model, sourceOf(setup, index), sourceOf(setup, partnerOf(setup, index, targets[1]!)), { backends: setup.backends })
    : settings.method === "boundary-samples"
    ? boundarySampleChimera(setup.model, sourceOf(setup, index), { backends: setup.backends, target: boundaryTarget(setup, index, targets), iterations: settings.iterations })
    : settings.method === "local"
    ? localChimeraSearch(setup.model, sourceOf(setup, index), {
      backends: setup.backends, targets,
      ...(settings.maxLinf === undefined ? {} : { maxLinf: settings.maxLinf }), ...(settings.maxQueries === undefined ? {} : { maxQueries: settings.maxQueries }),
    })
    : settings.method === "carlini-wagner"
    ? carliniWagnerChimera(setup.model, sourceOf(setup, index), { backends: setup.backends, target: boundaryTarget(setup, index, targets) })
    : findChimera(setup.model, sourceOf(setup, index), {
    backends: setup.backends, targets, warmup: settings.warmup, iterations: settings.iterations,
    gradientAt: settings.gradientAt, ...(settings.screenMargin === undefined ? {} : { screenMargin: settings.screenMargin }), ...(onStep ? { onStep } : {}),
    ...(settings.stepMin === undefined ? {} : { step: { min: settings.stepMin, initial: Math.max(0.05, settings.stepMin) } }),
  });
  const { distances, queries } = attackRecord(index, uint8ImageDomain.encode(sourceOf(setup, index)), r);
  const record: SampleRecord = {
    sample: index, weightsSha256: setup.weightsSha256, trueLabel: setup.data.labels[index]!, ...r, image: Buffer.from(r.image).toString("base64"), distances, queries,
  };
  const real = r.found ? setup.real?.labels(setup.model, uint8ImageDomain.decode(r.image)) : null;
  if (real) {
    record.realLabels = real;
    record.transfers = new Set(real).size === real.length;
  } else if (r.found && setup.real?.notRechecked !== undefined) {
    record.notRechecked = setup.real.notRechecked;
  }
  return record;
}

/** The FGSM and C&W baselines push away from the predicted class: targets[1], or the true class when the model already predicts targets[1]. */
function boundaryTarget(setup: AttackSetup, index: number, targets: readonly number[]): number {
  const predicted = argmaxOf(setup.model.logits(sourceOf(setup, index), float64GradientKernel));
  return predicted === targets[1] ? targets[0]! : targets[1]!;
}

/** The binary-search partner: the next image (cyclically) whose true class is `label`. */
function partnerOf(setup: AttackSetup, index: number, label: number): number {
  for (let d = 1; d < setup.data.n; d++) {
    const j = (index + d) % setup.data.n;
    if (setup.data.labels[j] === label) return j;
  }
  throw new Error(`binary search: no image of class ${label} in ${setup.data.source} to bisect toward`);
}

function sourceOf(setup: AttackSetup, index: number): Float32Array {
  const size = setup.model.inputSize;
  return setup.data.x.slice(index * size, (index + 1) * size);
}

/**
 * Samples already in a results file, by index (a torn last line from a killed run is ignored). A
 * sample recorded twice (two runs writing at once, before folders were locked) or a record made with
 * other weights than `weightsSha256` (when given) is an error naming the file and the sample.
 */
export function finishedSamples(path: string, weightsSha256?: string): Map<number, SampleRecord> {
  const done = new Map<number, SampleRecord>();
  if (!existsSync(path)) return done;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    let r: SampleRecord;
    try {
      r = JSON.parse(line) as SampleRecord;
    } catch {
      continue; // a line cut short by a kill: that sample is run again
    }
    if (!Number.isInteger(r.sample)) continue;
    if (done.has(r.sample)) throw new Error(`${path} holds sample ${r.sample} twice (two runs wrote there at once?); use another --out`);
    if (weightsSha256 !== undefined && r.weightsSha256 !== weightsSha256) {
      throw new Error(`${path}: sample ${r.sample} was made with weights sha256 ${r.weightsSha256 ?? "(not recorded)"}, ` +
        `but this run's weights have sha256 ${weightsSha256}; use another --out`);
    }
    done.set(r.sample, r);
  }
  return done;
}

/** "0-9,15,20-21" → [0, …, 9, 15, 20, 21] (sorted, without repeats); errors name the bad part. */
export function parseIndexList(spec: string, flag: string): number[] {
  const out = new Set<number>();
  for (const part of spec.split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) throw new UsageError(`${flag} "${spec}": "${part}" is not an index or a range like 0-9`);
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new UsageError(`${flag} "${spec}": range "${part}" runs backwards`);
    if (b - a >= 1_000_000 || out.size >= 1_000_000) throw new UsageError(`${flag} "${spec}": more than a million indices`);
    for (let i = a; i <= b; i++) out.add(i);
  }
  return [...out].sort((x, y) => x - y);
}
