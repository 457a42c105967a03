import { join } from "node:path";
import type { Command, CommandIO, ParsedArgs } from "../cli/command.js";
import { zoo } from "../model-zoo.js";
import { convFlag, convHelp, type ConvMode } from "../conv-mode.js";
import { getBoolean, getList, getNumber, getString, isGiven, maybeNumber, maybeString, UsageError } from "../cli/args.js";
import { backendsFlag, dataFlags, seedFlag } from "../cli/common-flags.js";
import { Progress } from "../cli/progress.js";
import { appendJsonl } from "../checkpoint.js";
import { openResultsFolder, setupPins, writePlan } from "../results-folder.js";
import { resultsDir } from "../paths.js";
import { runSampleJobs, workersFlag, workersSpec, type SetupSpec } from "../sample-pool.js";
import { shardFlag, shardOf, shardPin, shardSpec } from "../shard.js";
import { finishedSamples, parseIndexList, runSample, sampleMethods, setupAttack, type SampleMethod, type SampleSettings, type TargetRule } from "../chimera-run.js";

/** --max-linf and --max-queries, which only the local search takes. */
export function localFlags(args: ParsedArgs, method: string): Pick<SampleSettings, "maxLinf" | "maxQueries"> {
  const given = ["max-linf", "max-queries"].filter((f) => isGiven(args, f));
  if (given.length && method !== "local") throw new UsageError(`--${given[0]} applies to --method local only, not ${method}`);
  const maxLinf = maybeNumber(args, "max-linf"), maxQueries = maybeNumber(args, "max-queries");
  return { ...(maxLinf === undefined ? {} : { maxLinf }), ...(maxQueries === undefined ? {} : { maxQueries }) };
}

export const command: Command = {
  name: "attack",
  summary: "search for Chimera examples (Algorithm 1) on several test images; resumable",
  help: `Usage: chimera attack --backends A,B[,...] [--model NAME] [--conv shared|blas] [--images 0-9 | --samples N]
                      [--seed S] [--targets random|runner-up] [--warmup W] [--iterations N]
                      [--method M] [--max-linf E] [--max-queries Q] [--step-min A] [--ablation] [--screen GAP] [--fixture | --data-dir DIR] [--out DIR] [--workers N] [--shard I/N] [--json]

Runs the paper's Algorithm 1 on each test image: backend 1 aims at the true class, every other
backend at a different class; gradients at the quantized (8-bit) input on a fast float64 kernel; each
joint iteration tests the quantized image on every backend (batch 1, bit-faithful). A Chimera is an
8-bit image on which every pair of backends predicts a different label.

Each finished image is appended as one JSON line to DIR/results.jsonl; a killed run started again
with the same flags skips the images already there (a line torn by the kill is cut off first).
DIR/config.json pins what made the records (version, model, weights and data sha256, each backend
as it reported at load, every setting): resuming with a difference is an error naming it and both
values. DIR/LOCK keeps a second run out while one writes.

  --backends A,B   two or more backend ids (see chimera eval --backend; e.g. openblas-0.3.21-haswell)
  --model NAME     ${zoo.map((z) => z.name).join(", ")} (default fmnist-mlp; cifar-vgg and
                   efficientnet-v2-s need --weights and, for cifar-vgg, --data-dir with CIFAR-10)
${convHelp}
  --images LIST    image indices, e.g. 0-9,20 (default: the first --samples images)
  --samples N      how many images from 0 (default 20); give --images or --samples, not both
  --seed S         seeds the random targets (default 0)
  --targets RULE   random (the paper, default) or runner-up (the next most likely classes)
  --warmup W       warm-up steps before the joint iterations (default 2000)
  --iterations N   joint iterations N (default 3000)
  --method M       algorithm1 (default, the paper's), local (the boundary-then-local search: walks
                   from the image to the targets' decision boundary, then tests only one- and
                   two-pixel neighbours whose logits are within the backends' own deviation of a
                   tie; stays close to the image; at most --max-queries verdicts), or a §4.5 baseline: binary-search (bisect toward the next
                   image of the second target's class) or boundary-samples (iterative FGSM that
                   swaps sides and halves its step at each crossing; up to --iterations steps) or
                   carlini-wagner (a C&W L2 adversarial example, κ = 0, toward the second target,
                   tested once on the backends)
  --max-linf E     local: keep every pixel within E 8-bit levels of the image (1-255; default 255)
  --max-queries Q  local: verdict queries at most, each one forward per backend (default 200)
  --step-min A     algorithm1: the adaptive step's floor (default 1e-4; it starts at max(0.05, A));
                   e.g. 0.05 on fmnist-vgg, where the default rule stalls short of the boundary
  --ablation       gradients at the unquantized input (the paper's §4.4 ablation)
  --screen GAP     skip the bit-faithful test while the gradient kernel's top-two logit gap exceeds
                   GAP (default: test every new quantized input)
  --fixture        the committed first 200 test images (default unless --data-dir is given)
  --data-dir DIR   the full Fashion-MNIST test set from DIR
  --weights PATH   safetensors weights (default: the committed ones)
  --out DIR        results folder (default results/attack/<backends>)
  --workers N      worker threads, each running whole images (default: the number of cores,
                   os.availableParallelism(), at most one per image); results are the same for any N
  --shard I/N      run only shard I of N (1 <= I <= N) of the images: every N-th image from the
                   I-th, for a Slurm array or Kubernetes Indexed Job (docs/cluster/); the shard is
                   pinned in DIR/config.json; chimera merge joins the N folders into the unsharded one
  --json           print {backends, model, n, found, successRate, meanIterations, meanSeconds,
                   realBackends, rechecked, notRechecked, transferRate (Chimeras found on emulations that are Chimeras
                   on the real libraries too; null when those libraries are not here),
                   iterationsPerSecond, out}

Example: chimera attack --backends openblas-0.3.21-haswell,openblas-0.3.21-skylakex --images 0-19`,
  flags: {
    backends: backendsFlag(2), model: { type: "enum", values: zoo.map((z) => z.name), default: "fmnist-mlp" }, conv: convFlag, images: { type: "string" },
    samples: { type: "int", min: 1, max: 10000, default: 20 }, seed: seedFlag(0),
    targets: { type: "enum", values: ["random", "runner-up"], default: "random" },
    warmup: { type: "int", min: 0, max: 10_000_000, default: 2000 }, iterations: { type: "int", min: 1, max: 10_000_000, default: 3000 },
    method: { type: "enum", values: sampleMethods, default: "algorithm1" }, ablation: { type: "boolean" },
    "max-linf": { type: "int", min: 1, max: 255 }, "max-queries": { type: "int", min: 1, max: 1_000_000 },
    screen: { type: "number", min: 0, max: 1e30 }, "step-min": { type: "number", min: 1e-6, max: 1 }, ...dataFlags, weights: { type: "path" }, out: { type: "path" }, workers: workersSpec, shard: shardSpec,
  },
  exclusive: [["images", "samples"], ["data-dir", "fixture"]],
  async run(args, io) {
    const backendIds = getList(args, "backends");
    const dataDir = maybeString(args, "data-dir");
    const screen = maybeNumber(args, "screen"), stepMin = maybeNumber(args, "step-min");
    if (stepMin !== undefined && getString(args, "method") !== "algorithm1") throw new UsageError("--step-min applies to --method algorithm1 only");
    const settings: SampleSettings = {
      method: getString(args, "method") as SampleMethod,
      seed: getNumber(args, "seed"),
      targets: getString(args, "targets") as TargetRule,
      warmup: getNumber(args, "warmup"),
      iterations: getNumber(args, "iterations"),
      gradientAt: getBoolean(args, "ablation") ? "unquantized" : "quantized",
      ...(screen === undefined ? {} : { screenMargin: screen }),
      ...(stepMin === undefined ? {} : { stepMin }),
      ...localFlags(args, getString(args, "method")),
    };
    const weights = maybeString(args, "weights");
    const conv = getString(args, "conv") as ConvMode;
    const setup = setupAttack(getString(args, "model"), backendIds, {
      fixture: !dataDir, ...(dataDir ? { dataDir } : {}), ...(weights ? { weights } : {}), conv,
    });
    const imagesSpec = maybeString(args, "images");
    const samples = getNumber(args, "samples");
    if (!imagesSpec && samples > setup.data.n) throw new UsageError(`--samples ${samples} exceeds the ${setup.data.n} images of ${setup.data.source}`);
    const plan = imagesSpec ? parseIndexList(imagesSpec, "--images") : [...Array(samples).keys()];
    for (const i of plan) if (i >= setup.data.n) throw new UsageError(`--images: ${i} is not in ${setup.data.source} (0-${setup.data.n - 1})`);
    const shard = shardFlag(args);
    if (shard && shard.count > plan.length) throw new UsageError(`--shard ${shard.index}/${shard.count}: more shards than the ${plan.length} images; give N <= ${plan.length}`);
    const images = shard ? shardOf(plan, shard) : plan;

    const out = maybeString(args, "out") ?? join(resultsDir(), "attack", setup.backends.map((k) => k.info.id).join("__"));
    const log = join(out, "results.jsonl");
    // Pins everything that changes a record, locks the folder and repairs a torn last line.
    const folder = openResultsFolder(out, {
      ...setupPins(setup), command: "attack", settings, ...(shard ? { shard: shardPin(shard, plan, ["attack"], args) } : {}),
    }, (line) => io.err(`${line}\n`));
    try {
      return await attackIn(folder.dir, log, images, setup, settings, backendIds, dataDir, weights, args, io);
    } finally {
      folder.release();
      setup.real?.dispose();
    }
  },
};

/** The attack proper, in a results folder this process holds. */
async function attackIn(
  out: string, log: string, images: number[], setup: ReturnType<typeof setupAttack>, settings: SampleSettings, backendIds: string[],
  dataDir: string | undefined, weights: string | undefined, args: ParsedArgs, io: CommandIO,
): Promise<number> {
  const done = finishedSamples(log, setup.weightsSha256);
  const todo = images.filter((i) => !done.has(i));
  if (done.size) io.err(`resuming: ${images.length - todo.length} of ${images.length} images already in ${log}\n`);
  writePlan(out, { "results.jsonl": images.length }, images.length - todo.length);

  // The bar counts this run's images only, so its rate and ETA are not skewed by resumed ones.
  const progress = new Progress(io, `attack ${backendIds.join(" vs ")}`, todo.length, "img");
  let finished = 0;
  const spec: SetupSpec = { model: setup.entry.name, backends: backendIds, fixture: !dataDir, ...(dataDir ? { dataDir } : {}), ...(weights ? { weights } : {}), conv: setup.conv };
  // Workers run whole images; only this thread appends, so a kill loses at most the images in flight.
  await runSampleJobs(todo.map((i) => ({ setup: spec, index: i, settings })), workersFlag(args), (j) => runSample(setup, j.index, settings), (j, r) => {
    appendJsonl(log, r);
    done.set(j.index, r);
    progress.update(++finished, `found ${images.filter((k) => done.get(k)?.found).length}/${images.length - todo.length + finished}`);
  });
  const rows = images.map((i) => done.get(i)!);
  const found = rows.filter((r) => r.found);
  const seconds = rows.reduce((s, r) => s + r.seconds, 0);
  const steps = rows.reduce((s, r) => s + r.iterations + r.warmupIterations, 0);
  const summary = {
    model: setup.entry.name, ...(setup.entry.convolutions ? { conv: setup.conv } : {}), backends: setup.backends.map((k) => k.info.id), n: rows.length, found: found.length,
    successRate: found.length / rows.length,
    meanIterations: found.length ? found.reduce((s, r) => s + r.iterations, 0) / found.length : null,
    meanSeconds: seconds / rows.length, iterationsPerSecond: steps / seconds, out: log,
    // Chimeras found on emulations, re-checked on the real libraries they model (when all are here)
    realBackends: setup.real?.complete ? setup.real.realIds() : null,
    rechecked: found.filter((r) => r.realLabels).length,
    transferRate: found.some((r) => r.realLabels)
      ? found.filter((r) => r.transfers).length / found.filter((r) => r.realLabels).length : null,
    // why Chimeras found on emulations were not re-checked (a real library that cannot run here), else null
    notRechecked: found.find((r) => r.notRechecked !== undefined)?.notRechecked ?? null,
  };
  if (args.json) io.out(JSON.stringify(summary) + "\n");
  else {
    // the local search counts the candidates it screened where Algorithm 1 counts joint iterations
    const counted = settings.method === "local" ? "candidates screened" : "joint iterations";
    io.out(`${summary.backends.join(" vs ")} on ${setup.entry.name}${setup.entry.convolutions ? ` (--conv ${setup.conv})` : ""}: ${found.length}/${rows.length} Chimera examples ` +
      `(${(100 * summary.successRate).toFixed(1)}%), mean ${summary.meanIterations?.toFixed(0) ?? "-"} ${counted} when found, ` +
      `${summary.meanSeconds.toFixed(2)} s per image, ${summary.iterationsPerSecond.toFixed(0)} steps/s; results in ${log}\n`);
    for (const r of found) {
      const real = r.realLabels ? `; real libraries: ${r.realLabels.join(" / ")}${r.transfers ? "" : " (no Chimera there)"}` : "";
      io.out(`  image ${r.sample} (class ${r.trueLabel}): labels ${r.labels.join(" / ")} after ${r.iterations} ${counted}, L∞ ${(r.linf * 255).toFixed(0)}/255, L0 ${r.l0} px, ${r.checks} verdicts${real}\n`);
    }
    if (summary.transferRate !== null) {
      io.out(`transfer to the real libraries (${summary.realBackends!.join(", ")}): ${(100 * summary.transferRate).toFixed(1)}% of ${summary.rechecked} re-checked\n`);
    }
    if (summary.notRechecked !== null) io.out(`not re-checked on the real libraries: ${summary.notRechecked}\n`);
  }
  return 0;
}
