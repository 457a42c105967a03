import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { isChimera, uint8ImageDomain, verdicts, type AttackModel } from "@chimera/attack";
import { KeyedNoise } from "@chimera/defense";
import type { Experiment } from "./experiment.js";
import type { CommandIO, ParsedArgs } from "../cli/command.js";
import { getNumber, getString, maybeList, maybeNumber, maybeString, UsageError } from "../cli/args.js";
import { convFlag, type ConvMode } from "../conv-mode.js";
import { zoo } from "../model-zoo.js";
import { dataFlags } from "../cli/common-flags.js";
import { Progress } from "../cli/progress.js";
import { appendJsonl } from "../checkpoint.js";
import { resultsDir } from "../paths.js";
import { openResultsFolder, setupPins, writePlan } from "../results-folder.js";
import { finishedSamples, runSample, setupAttack, type AttackSetup, type SampleRecord, type SampleSettings } from "../chimera-run.js";
import { runSampleJobs, workersFlag, type SampleJob, type SetupSpec } from "../sample-pool.js";
import { shardOption } from "./experiment-options.js";
import { shardOf } from "../shard.js";

/**
 * The model behind keyed noise, as the attack sees it: logits f(x + ζ_d(x, s)) and, straight through
 * the noise, the gradient of f at x + ζ_d(x, s) as the gradient at x (ζ is piecewise constant).
 */
export function noisyAttackModel(model: AttackModel, noise: KeyedNoise): AttackModel {
  return {
    inputSize: model.inputSize,
    classes: model.classes,
    logits: (x, kernel) => model.logits(noise.apply(x), kernel),
    lossGradient: (x, targets, kernel) => model.lossGradient(noise.apply(x), targets, kernel),
    logitsGradient: (x, seed, kernel) => model.logitsGradient(noise.apply(x), seed, kernel),
  };
}

/** A 32-byte key derived from a label (the experiment's keys are reproducible, so runs resume). */
function derivedKey(label: string): Uint8Array {
  return createHash("sha256").update(`chimera-table3/${label}`).digest();
}

/** A defended-arm record: the attacker's own search, then the verdicts under the defender's key. */
interface DefendedRecord extends SampleRecord {
  /** h_i(x̄) per backend with the defender's key s. */
  defenderLabels: number[];
  /** A Chimera for the defender: every pair of backends disagrees under s. */
  success: boolean;
}

/**
 * Table 3's defended arm on test image `index`: the attacker runs its search (Algorithm 1, or the local
 * search with --method local) on f(x + ζ_d(x, s'))
 * with its own key s' (derived from the seed and the image), then the defender, with key s (from
 * the seed), judges the image it found; success = a Chimera under s.
 */
export function runDefendedSample(setup: AttackSetup, index: number, settings: SampleSettings, defense: { d: number; seed: number }): DefendedRecord {
  const { d, seed } = defense;
  const defender = noisyAttackModel(setup.model, new KeyedNoise(derivedKey(`defender/${seed}`), d));
  const attacker = noisyAttackModel(setup.model, new KeyedNoise(derivedKey(`attacker/${seed}/${index}`), d));
  const r = runSample({ ...setup, model: attacker }, index, settings);
  const x = uint8ImageDomain.decode(Buffer.from(r.image, "base64"));
  const defenderLabels = verdicts(defender, x, setup.backends).labels;
  return { ...r, defenderLabels, success: isChimera(defenderLabels) };
}

/**
 * Table 3 (§5.2): the attack success rate without and with the keyed-noise defense.
 *
 * Without: Algorithm 1 on the plain model; success = a Chimera example found. With: the adaptive
 * attacker knows the model, the backends and d, but not the defender's secret s. It runs Algorithm 1
 * on f(x + ζ_d(x, s')) with its own key s' (a different key per image), and succeeds only if the
 * image it finds is a Chimera for the defender, i.e. under s. Keys are derived from --seed (the
 * defender's) and --seed plus the image (the attacker's) so a killed run resumes with the same keys.
 * --method local runs the boundary-then-local search in both arms instead of Algorithm 1 (on fmnist-vgg,
 * where Algorithm 1 finds none, docs/experiments). Default backends: the emulated OpenBLAS Haswell and SkylakeX kernels (the demo's pair). --model (default fmnist-mlp),
 * --weights and --conv as in the other experiments; a CNN's folder pins its --conv.
 * Results: OUT/plain.jsonl and OUT/defended.jsonl (one line per image), OUT/summary.json, OUT/table3.md.
 */
export const experiment: Experiment = {
  name: "table3",
  summary: "attack success without and with the keyed-noise defense (paper Table 3); resumable",
  flags: {
    d: { type: "int", min: 0, max: 2 ** 31 - 1, default: 1000 },
    method: { type: "enum", values: ["algorithm1", "local"], default: "algorithm1" }, "max-queries": { type: "int", min: 1, max: 1_000_000 },
    targets: { type: "enum", values: ["random", "runner-up"], default: "random" },
    warmup: { type: "int", min: 0, max: 10_000_000, default: 2000 }, iterations: { type: "int", min: 1, max: 10_000_000, default: 3000 },
    ...dataFlags,
    model: { type: "enum", values: zoo.map((z) => z.name), default: "fmnist-mlp" }, weights: { type: "path" }, conv: convFlag,
  },
  async run(args, io) {
    const backendIds = maybeList(args, "backends") ?? ["openblas-0.3.21-haswell", "openblas-0.3.21-skylakex"];
    const d = getNumber(args, "d");
    const seed = getNumber(args, "seed");
    const dataDir = maybeString(args, "data-dir");
    const method = getString(args, "method") as "algorithm1" | "local", maxQueries = maybeNumber(args, "max-queries");
    if (maxQueries !== undefined && method !== "local") throw new UsageError("experiment table3: --max-queries applies to --method local only");
    const settings: SampleSettings = {
      method, seed, targets: getString(args, "targets") as SampleSettings["targets"], gradientAt: "quantized",
      warmup: getNumber(args, "warmup"),
      iterations: getNumber(args, "iterations"),
      ...(maxQueries === undefined ? {} : { maxQueries }),
    };
    const model = getString(args, "model"), weights = maybeString(args, "weights"), conv = getString(args, "conv") as ConvMode;
    const spec: SetupSpec = { model, backends: backendIds, fixture: !dataDir, conv, ...(dataDir ? { dataDir } : {}), ...(weights ? { weights } : {}) };
    const setup = setupAttack(model, backendIds, spec);
    const samples = maybeNumber(args, "samples") ?? 20;
    if (samples > setup.data.n) throw new UsageError(`--samples ${samples} exceeds the ${setup.data.n} images of ${setup.data.source}`);
    const out = maybeString(args, "out") ?? join(resultsDir(), "experiments", "table3");
    // --shard: every N-th image of 0…samples-1 (shard.ts), pinned in config.json
    const { shard } = shardOption("table3", args), plan = [...Array(samples).keys()];
    if (shard && shard.part.count > samples) throw new UsageError(`experiment table3: --shard ${shard.part.index}/${shard.part.count}: more shards than the ${samples} images; give N <= ${samples}`);
    const images = shard ? shardOf(plan, shard.part) : plan;
    const pins = { ...setupPins(setup), experiment: "table3", d, settings, ...(shard ? { shard: shard.pin(plan) } : {}) };
    const folder = openResultsFolder(out, pins, (line) => io.err(`${line}\n`));
    try {
      return await table3In(out, setup, spec, settings, backendIds, d, seed, images, args, io);
    } finally {
      folder.release();
    }
  },
};

/** Table 3 in a results folder this process holds. */
async function table3In(
  out: string, setup: AttackSetup, spec: SetupSpec, settings: SampleSettings, backendIds: string[], d: number, seed: number, images: readonly number[],
  args: ParsedArgs, io: CommandIO,
): Promise<number> {
  const plainLog = join(out, "plain.jsonl"), defendedLog = join(out, "defended.jsonl");
  const plainDone = finishedSamples(plainLog, setup.weightsSha256), defendedDone = finishedSamples(defendedLog, setup.weightsSha256) as Map<number, DefendedRecord>;
  const jobs: SampleJob[] = [];
  const samples = images.length;
  for (const i of images) {
    if (!plainDone.has(i)) jobs.push({ setup: spec, index: i, settings });
    if (!defendedDone.has(i)) jobs.push({ setup: spec, index: i, settings, defense: { d, seed } });
  }
  writePlan(out, { "plain.jsonl": samples, "defended.jsonl": samples }, 2 * samples - jobs.length);
  const progress = new Progress(io, `table3 d=${d} ${backendIds.join(" vs ")}`, jobs.length, "search");
  let finished = 0;
  await runSampleJobs(jobs, workersFlag(args), (j) => (j.defense ? runDefendedSample(setup, j.index, settings, j.defense) : runSample(setup, j.index, settings)), (j, r) => {
    if (j.defense) {
      appendJsonl(defendedLog, r);
      defendedDone.set(j.index, r as DefendedRecord);
    } else {
      appendJsonl(plainLog, r);
      plainDone.set(j.index, r);
    }
    progress.update(++finished);
  });
  const plainRows = images.map((i) => plainDone.get(i)!);
  const defendedRows = images.map((i) => defendedDone.get(i)!);
  const plainFound = plainRows.filter((r) => r.found).length;
  const attackerFound = defendedRows.filter((r) => r.found).length;
  const defendedSuccess = defendedRows.filter((r) => r.success).length;
  const summary = {
    experiment: "table3", model: setup.entry.name, ...(setup.entry.convolutions ? { conv: setup.conv } : {}), backends: backendIds, d, samples, n: samples, data: setup.data.source,
    withoutDefense: plainFound / samples, withDefense: defendedSuccess / samples,
    plainFound, attackerFound, defendedSuccess, out,
  };
  const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
  const md = `# Table 3: attack success with and without keyed noise\n\n` +
    `${setup.entry.name}${setup.entry.convolutions ? ` (--conv ${setup.conv})` : ""}, ${backendIds.join(" vs ")}, d = ${d} ULP, ${samples} images of ${setup.data.source}, ` +
    (settings.method === "local" ? `the boundary-then-local search, at most ${settings.maxQueries ?? 200} verdict queries.\n\n` : `warm-up ${settings.warmup}, iterations ${settings.iterations}.\n\n`) +
    `|             | FMNIST |\n|-------------|--------|\n| w/o defense | ${pct(summary.withoutDefense)} |\n` +
    `| w/ defense  | ${pct(summary.withDefense)} |\n\n` +
    `The adaptive attacker found ${attackerFound} Chimera examples under its own keys; ${defendedSuccess} of them are Chimera examples under the defender's key.\n`;
  writeFileSync(join(out, "summary.json"), JSON.stringify(summary, null, 2) + "\n");
  writeFileSync(join(out, "table3.md"), md);
  if (args.json) io.out(JSON.stringify(summary) + "\n");
  else io.out(md);
  return 0;
}
