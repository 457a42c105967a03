import { argmax, noGrad, Tensor } from "@chimera/tensor";
import type { Command } from "../cli/command.js";
import { getBoolean, getNumber, getString, maybeNumber, maybeString } from "../cli/args.js";
import { backendFlag, dataFlags } from "../cli/common-flags.js";
import { Progress } from "../cli/progress.js";
import { getKernel } from "../backends.js";
import { weightsFor, zoo, zooEntry } from "../model-zoo.js";
import { convFlag, convHelp, convOptions, type ConvMode } from "../conv-mode.js";
import { loadModule } from "../weights.js";
import { loadSplit } from "../fmnist-data.js";

export const command: Command = {
  name: "eval",
  summary: "test accuracy of a trained model on one backend",
  help: `Usage: chimera eval MODEL [--backend ID] [--weights PATH] [--batch-size N]
                    [--data-dir DIR | --fixture] [--limit N] [--conv shared|blas] [--json]

Classifies MODEL's test set (Fashion-MNIST: the official 10,000 images; CIFAR-10: test_batch.bin
from --data-dir; ImageNet: images.npy and labels.npy from --data-dir, as scripts/imagenet-to-npy.py
writes them) with MODEL's weights, every linear algebra call on one backend, and prints the accuracy.

  MODEL            ${zoo.map((z) => z.name).join(", ")}
  --backend ID     kernel to run on (default: reference); see \`chimera backends\`
  --weights PATH   safetensors weights (default: the committed packages/lab/weights/MODEL.safetensors)
  --batch-size N   images per forward pass (default 1, as in the paper: batch size changes the bits)
  --data-dir DIR   folder with the IDX files (default: $CHIMERA_FMNIST_DIR, then
                   /usr/share/datasets/fashion-mnist from Debian's dataset-fashion-mnist), the
                   CIFAR-10 batches, or the ImageNet folder (efficientnet-v2-s; required)
  --fixture        use the committed first 200 test images instead (no data set needed)
  --limit N        only the first N test images
${convHelp}
  --json           print {model, backend, accuracy, correct, n, batchSize, weights, data, seconds}

Example: chimera eval fmnist-mlp --backend reference --json`,
  flags: {
    backend: backendFlag("reference"), weights: { type: "path" }, "batch-size": { type: "int", min: 1, max: 10000, default: 1 },
    ...dataFlags, limit: { type: "int", min: 1, max: 10000 }, conv: convFlag,
  },
  exclusive: [["data-dir", "fixture"]],
  positional: { min: 1, max: 1, names: "exactly one MODEL (e.g. fmnist-mlp)" },
  async run(args, io) {
    const entry = zooEntry(args.positional[0]);
    const batchSize = getNumber(args, "batch-size");
    const limit = maybeNumber(args, "limit") ?? Infinity;
    const dataDir = maybeString(args, "data-dir");
    const fixture = getBoolean(args, "fixture");
    const kernel = getKernel(getString(args, "backend"));
    const weights = weightsFor(entry, maybeString(args, "weights"));
    const conv = getString(args, "conv") as ConvMode;
    const convs = entry.convolutions ? convOptions(conv) : {};

    const model = entry.create().eval();
    loadModule(weights, model);
    const data = loadSplit(entry.dataset, "test", { ...(dataDir ? { dataDir } : {}), fixture, limit });
    const t0 = performance.now();
    const progress = new Progress(io, `eval ${entry.name} on ${kernel.info.id}`, data.n, "img");
    let correct = 0;
    noGrad(() => {
      for (let s = 0; s < data.n; s += batchSize) {
        const b = Math.min(batchSize, data.n - s);
        const d = data.x.length / data.n;
        const x = new Tensor(data.x.slice(s * d, (s + b) * d), [b, ...entry.sampleShape]);
        const pred = argmax(model.forward(x, { kernel, training: false, ...convs }), 1);
        for (let i = 0; i < b; i++) if (pred[i] === data.labels[s + i]) correct++;
        progress.update(s + b);
      }
    });
    const seconds = (performance.now() - t0) / 1000;
    const result = {
      model: entry.name, backend: kernel.info.id, ...(entry.convolutions ? { conv } : {}), accuracy: correct / data.n, correct, n: data.n,
      batchSize, weights, data: data.source, seconds: Number(seconds.toFixed(3)),
    };
    if (args.json) io.out(JSON.stringify(result) + "\n");
    else {
      io.out(`${entry.name} on ${kernel.info.id}${entry.convolutions ? ` (--conv ${conv})` : ""}: accuracy ${(100 * result.accuracy).toFixed(2)}% ` +
        `(${correct}/${data.n}) on ${data.source}, batch size ${batchSize}, ${seconds.toFixed(1)} s\n`);
    }
    return 0;
  },
};
