import { moduleAttackModel } from "@chimera/attack";
import { argmaxOf, defendedModel, KeyedNoise } from "@chimera/defense";
import type { Command } from "../cli/command.js";
import { getBoolean, getNumber, getString, maybeNumber, maybeString } from "../cli/args.js";
import { backendFlag, dataFlags } from "../cli/common-flags.js";
import { Progress } from "../cli/progress.js";
import { getKernel, releaseKernel } from "../backends.js";
import { weightsFor, zoo, zooEntry } from "../model-zoo.js";
import { convFlag, convHelp, convOptions, type ConvMode } from "../conv-mode.js";
import { loadModule } from "../weights.js";
import { loadSplit, type FmnistSplit } from "../fmnist-data.js";
import { readKeyFile } from "../key-file.js";

export const command: Command = {
  name: "defend",
  summary: "test accuracy with and without the keyed-noise defense (paper §5)",
  help: `Usage: chimera defend --d ULP --key-file FILE [--backend ID] [--model MODEL] [--conv shared|blas]
                      [--weights PATH] [--data-dir DIR | --fixture] [--limit N] [--json]

Classifies MODEL's test set (Fashion-MNIST by default) twice on one backend, one image at a time: plainly, f(x), and
behind the keyed-noise defense, h(x) = argmax f(x + ζ_d(x, s)), where ζ moves every pixel by a
uniform number of ULP in [-d, d] drawn from HMAC-SHA256 keyed by the secret s and the exact input.
Prints both accuracies and how many predictions the noise changed. The key never appears in output.

  --d ULP          noise magnitude in ULP (the paper calibrates FMNIST to 1000)
  --key-file FILE  the secret: all bytes of FILE, at least 16 (head -c 32 /dev/urandom > FILE)
  --backend ID     kernel to run on (default: reference); see \`chimera backends\`
  --model MODEL    ${zoo.map((z) => z.name).join(", ")} (default fmnist-mlp), with its committed weights
  --weights PATH   safetensors weights instead (needed for cifar-vgg and efficientnet-v2-s)
${convHelp}
  --data-dir DIR   folder with the IDX files (default: $CHIMERA_FMNIST_DIR, then
                   /usr/share/datasets/fashion-mnist): all 10,000 test images
  --fixture        use the committed first 200 test images instead (no data set needed)
  --limit N        only the first N test images
  --json           print {model, backend, d, n, data, accuracy, defendedAccuracy, correct,
                   defendedCorrect, changed, seconds}

Example: chimera defend --d 1000 --key-file secret.key --fixture --json`,
  flags: {
    d: { type: "int", min: 0, max: 2 ** 31 - 1 }, "key-file": { type: "path" }, backend: backendFlag("reference"),
    model: { type: "enum", values: zoo.map((z) => z.name), default: "fmnist-mlp" }, ...dataFlags, weights: { type: "path" }, conv: convFlag,
    limit: { type: "int", min: 1, max: 10000 },
  },
  exclusive: [["data-dir", "fixture"]],
  async run(args, io) {
    const d = getNumber(args, "d");
    const key = readKeyFile(getString(args, "key-file"));
    const entry = zooEntry(getString(args, "model"));
    const limit = maybeNumber(args, "limit") ?? Infinity;
    const dataDir = maybeString(args, "data-dir");
    const fixture = getBoolean(args, "fixture");
    let data: FmnistSplit;
    try {
      data = loadSplit(entry.dataset, "test", { ...(dataDir ? { dataDir } : {}), fixture, limit });
    } catch (e) {
      if (entry.dataset !== "fashion-mnist") throw e;
      throw new Error(`the Fashion-MNIST test set is not available (${(e as Error).message}); ` +
        "install Debian's dataset-fashion-mnist, give --data-dir, or use --fixture for the 200 committed images");
    }
    const module = entry.create().eval();
    loadModule(weightsFor(entry, maybeString(args, "weights")), module);
    const model = moduleAttackModel(module, entry.sampleShape, entry.classes, convOptions(getString(args, "conv") as ConvMode));
    const defended = defendedModel(model, new KeyedNoise(key, d));
    const kernel = getKernel(getString(args, "backend"));
    const t0 = performance.now();
    const progress = new Progress(io, `defend d=${d} on ${kernel.info.id}`, data.n, "img");
    let correct = 0, defendedCorrect = 0, changed = 0;
    try {
      for (let i = 0; i < data.n; i++) {
        const x = data.x.subarray(i * model.inputSize, (i + 1) * model.inputSize);
        const plain = argmaxOf(model.logits(x, kernel)), noisy = defended.classify(x, kernel);
        if (plain === data.labels[i]) correct++;
        if (noisy === data.labels[i]) defendedCorrect++;
        if (plain !== noisy) changed++;
        progress.update(i + 1);
      }
    } finally {
      releaseKernel(kernel);
    }
    const seconds = (performance.now() - t0) / 1000;
    const result = {
      model: entry.name, backend: kernel.info.id, d, n: data.n, data: data.source,
      accuracy: correct / data.n, defendedAccuracy: defendedCorrect / data.n, correct, defendedCorrect, changed,
      seconds: Number(seconds.toFixed(3)),
    };
    if (args.json) io.out(JSON.stringify(result) + "\n");
    else {
      const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
      io.out(`${entry.name} on ${kernel.info.id}, ${data.source}: accuracy ${pct(result.accuracy)} (${correct}/${data.n}) ` +
        `without the defense, ${pct(result.defendedAccuracy)} (${defendedCorrect}/${data.n}) with keyed noise d = ${d} ULP; ` +
        `${changed} predictions changed; ${seconds.toFixed(1)} s\n`);
    }
    return 0;
  },
};
