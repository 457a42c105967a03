import { createHash } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { lockResultsFolder } from "../results-lock.js";
import { join } from "node:path";
import { optim, Rng } from "@chimera/tensor";
import type { Command } from "../cli/command.js";
import { getBoolean, getNumber, getString, maybeString, UsageError } from "../cli/args.js";
import { backendFlag, dataFlags, seedFlag } from "../cli/common-flags.js";
import { adversarialFlags, adversarialSpecs, pgdTransform } from "../adversarial-training.js";
import { Progress } from "../cli/progress.js";
import { getKernel } from "../backends.js";
import { zooEntry } from "../model-zoo.js";
import { saveModule } from "../weights.js";
import { loadSplit } from "../fmnist-data.js";
import { accuracy, trainEpoch } from "../training.js";
import { appendJsonl, loadCheckpoint, saveCheckpoint } from "../checkpoint.js";
import { resultsDir } from "../paths.js";

export const command: Command = {
  name: "train",
  summary: "train a model with this engine (seeded, reproducible, resumable)",
  help: `Usage: chimera train MODEL [--epochs N] [--batch-size N] [--lr X] [--seed S] [--backend ID]
                     [--data-dir DIR] [--limit N] [--out PATH] [--run-dir DIR] [--fresh] [--json]
                     [--adversarial pgd [--eps E] [--pgd-steps S] [--pgd-step-size A]]

Trains MODEL on its training set (Fashion-MNIST: the official 60,000 images; cifar-vgg: CIFAR-10's
data_batch_1..5.bin from --data-dir, 50,000 images) with Adam and cross-entropy,
every linear algebra call on one backend, and writes the weights as safetensors with PyTorch's
state_dict keys. Seeded: the same flags give the same bits. After each epoch the run saves a
checkpoint and appends a line to a JSONL log in --run-dir; rerunning the same command resumes after
the last finished epoch (a killed run loses at most the epoch in progress).

  MODEL            fmnist-mlp, fmnist-vgg, cifar-vgg (efficientnet-v2-s: import torchvision's weights instead)
  --epochs N       passes over the training set (default 3)
  --batch-size N   images per step (default 64)
  --lr X           Adam learning rate (default 0.001)
  --seed S         initialisation and shuffling seed (default 0)
  --backend ID     kernel to train on (default: reference)
  --data-dir DIR   folder with the IDX files (default: $CHIMERA_FMNIST_DIR, then Debian's path), or
                   for cifar-vgg the CIFAR-10 binary batches (default: $CHIMERA_CIFAR10_DIR)
  --limit N        train on the first N training images only (quick runs and tests)
  --out PATH       weights file (default: RUN_DIR/MODEL.safetensors)
  --run-dir DIR    checkpoint and log folder (default: results/train/MODEL-seedS)
  --fresh          ignore an existing checkpoint and start over
  --json           print {model, backend, epochs, testAccuracy, seconds, out, log} at the end
  --adversarial pgd  adversarial training (Madry et al., 2018; the paper's Appendix A): each batch
                   is replaced by its L∞ PGD examples against the current model (adversarial only,
                   no clean half), random start in the ε-ball; about (S + 1)× the cost of an epoch
  --eps E          PGD radius in pixel units of [0, 1] (default 0.1)
  --pgd-steps S    PGD ascent steps per batch (default 3)
  --pgd-step-size A  PGD step size (default 2.5·E/S, Madry et al.'s rule)

Example: chimera train fmnist-mlp --epochs 3 --seed 0`,
  flags: {
    epochs: { type: "int", min: 1, max: 1000, default: 3 }, "batch-size": { type: "int", min: 1, max: 60000, default: 64 },
    lr: { type: "number", min: 1e-8, max: 10, default: 1e-3 }, seed: seedFlag(0), backend: backendFlag("reference"),
    "data-dir": dataFlags["data-dir"], limit: { type: "int", min: 1, max: 60000, default: 60000 }, out: { type: "path" },
    "run-dir": { type: "path" }, fresh: { type: "boolean" }, ...adversarialSpecs,
  },
  requires: { eps: "adversarial", "pgd-steps": "adversarial", "pgd-step-size": "adversarial" },
  positional: { min: 1, max: 1, names: "exactly one MODEL (e.g. fmnist-mlp)" },
  async run(args, io) {
    const entry = zooEntry(args.positional[0]);
    if (entry.dataset === "imagenet") {
      throw new UsageError(`${entry.name} is not trained here (the lab reads ImageNet's validation images only, to evaluate and attack); ${entry.missingWeights ?? ""}`);
    }
    const epochs = getNumber(args, "epochs");
    const batchSize = getNumber(args, "batch-size");
    const lr = Math.fround(getNumber(args, "lr"));
    const seed = getNumber(args, "seed");
    const dataDir = maybeString(args, "data-dir");
    const adversarial = adversarialFlags(args);
    const limit = getNumber(args, "limit");
    const kernel = getKernel(getString(args, "backend"));
    const runDir = maybeString(args, "run-dir") ?? join(resultsDir(), "train", `${entry.name}-seed${seed}`);
    const out = maybeString(args, "out") ?? join(runDir, `${entry.name}.safetensors`);
    const ckptPath = join(runDir, "checkpoint.safetensors"), logPath = join(runDir, "log.jsonl");
    mkdirSync(runDir, { recursive: true });
    const release = lockResultsFolder(runDir, (line) => io.err(`${line}\n`)); // one writer of the checkpoint and log
    try {
      if (getBoolean(args, "fresh")) rmSync(ckptPath, { force: true });

      const train = loadSplit(entry.dataset, "train", { ...(dataDir ? { dataDir } : {}), limit });
      const test = loadSplit(entry.dataset, "test", dataDir ? { dataDir } : {});
      const model = entry.create(seed).train();
      const opt = new optim.Adam(model.parameters(), { lr });
      // The training images and labels are pinned by digest: another data set cannot resume this run.
      const dataSha256 = createHash("sha256").update(new Uint8Array(train.x.buffer, train.x.byteOffset, train.x.byteLength)).update(train.labels).digest("hex");
      const config = JSON.stringify({ model: entry.name, batchSize, lr, seed, backend: kernel.info.id, limit: train.n, dataSha256,
        ...(adversarial ? { adversarial } : {}) });
      const done = loadCheckpoint(ckptPath, model, opt, config);
      if (done > 0) io.err(`resuming ${entry.name} after epoch ${done} from ${ckptPath}\n`);

      const t0 = performance.now();
      let testAccuracy = NaN;
      for (let epoch = done + 1; epoch <= epochs; epoch++) {
        const e0 = performance.now();
        const progress = new Progress(io, `epoch ${epoch}/${epochs}`, train.n, "img");
        const loss = trainEpoch(model, opt, kernel, train, batchSize, new Rng(seed * 1_000_003 + epoch), (n, l) =>
          progress.update(n, `loss ${l.toFixed(4)}`),
          adversarial && pgdTransform(model, kernel, adversarial, new Rng(seed * 1_000_003 + epoch + 0x70676400)) || undefined,
          entry.sampleShape);
        testAccuracy = accuracy(model, kernel, test, 500, entry.sampleShape);
        const seconds = (performance.now() - e0) / 1000;
        saveCheckpoint(ckptPath, model, opt, { epoch, config });
        appendJsonl(logPath, { epoch, trainLoss: loss, testAccuracy, seconds, backend: kernel.info.id, batchSize, lr, seed,
          ...(adversarial ? { adversarial } : {}) });
        io.err(`epoch ${epoch}: train loss ${loss.toFixed(4)}, test accuracy ${(100 * testAccuracy).toFixed(2)}%, ${seconds.toFixed(1)} s\n`);
      }
      if (Number.isNaN(testAccuracy)) testAccuracy = accuracy(model, kernel, test, 500, entry.sampleShape);
      saveModule(out, model, { model: entry.name, config, epochs: String(epochs), testAccuracy: String(testAccuracy) });
      const seconds = (performance.now() - t0) / 1000;
      const result = { model: entry.name, backend: kernel.info.id, epochs, testAccuracy, seconds: Number(seconds.toFixed(1)), out, log: logPath };
      if (args.json) io.out(JSON.stringify(result) + "\n");
      else io.out(`${entry.name}: test accuracy ${(100 * testAccuracy).toFixed(2)}% after ${epochs} epochs; weights in ${out}\n`);
      return 0;
    } finally {
      release();
    }
  },
};
