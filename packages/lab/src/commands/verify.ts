import { moduleAttackModel, uint8ImageDomain } from "@chimera/attack";
import type { Command } from "../cli/command.js";
import { getNumber, getString, isGiven, maybeList, maybeString, UsageError } from "../cli/args.js";
import { dataFlags } from "../cli/common-flags.js";
import { getKernel, releaseKernel } from "../backends.js";
import { parseIndexList } from "../chimera-run.js";
import { loadSplit } from "../fmnist-data.js";
import { weightsFor, zoo, zooEntry } from "../model-zoo.js";
import { convFlag, convHelp, convOptions, type ConvMode } from "../conv-mode.js";
import { loadModule } from "../weights.js";
import { torchStatus } from "../torch-oracle.js";
import { compareWithTorch, judgeRecords, readResults, runsOf, type BackendAgreement, type LabRun, type RecordsVerdict } from "../torch-verify.js";

export const command: Command = {
  name: "verify",
  summary: "re-run Chimeras and a model's logits in real PyTorch on each real library, bit for bit",
  help: `Usage: chimera verify --from DIR [--weights PATH] [--json]
       chimera verify --backends ID,ID… [--model NAME] [--conv shared|blas|torch] [--images 0-9 | --samples N]
                      [--fixture | --data-dir DIR] [--weights PATH] [--json]

Real PyTorch is the oracle: Debian's python3-torch (1.13) calls the Fortran sgemm_ of libblas.so.3,
and LD_LIBRARY_PATH picks which real library that is, per process, with the library's load-time
settings from the native catalog (OpenBLAS core type, BLIS arch, MKL code path; one thread;
oneDNN off). Each image runs alone (batch 1) as uint8 / 255 in float32. An emulated backend is
checked against PyTorch on the real library it models (fidelity-pairs.ts).

  --from DIR       a results folder of chimera attack or chimera experiment (config.json and *.jsonl):
                   every sample's logits on every backend are re-run; reports bit-identical logits,
                   equal labels, and whether each Chimera is still a Chimera in PyTorch
  --backends IDS   instead: lab backends (native or emulated) whose logits on test images are compared
  --model NAME     ${zoo.map((z) => z.name).join(", ")} (default fmnist-mlp; with --from, config.json's)
${convHelp}
                   (with --from, config.json's; shared: PyTorch runs oneDNN, so a CNN's logits are not
                   expected bit-equal and the labels and Chimeras are checked)
  --images LIST    test image indices, e.g. 0-99 (default: the first --samples)
  --samples N      how many test images from 0 (default 20)
  --fixture        the committed first 200 test images (default unless --data-dir is given)
  --data-dir DIR   the full Fashion-MNIST test set from DIR
  --weights PATH   safetensors weights (default: the committed ones; with --from, those the run used)
  --json           print {model, weights, torch, backends: [{backend, torchLibrary, reason?, images,
                   logitsEqual, labelsEqual}], records?: {records, chimeras, chimerasCheckable,
                   chimerasInTorch, recordsBitIdentical, disagreements}, agree}

Exit code 1 when PyTorch disagrees anywhere it could run, or could run nowhere. Without PyTorch it
says how to get it (Debian's python3-torch; bash scripts/install-debian-deps.sh installs it).

Example: chimera verify --from docs/experiments/fig5-50-native`,
  flags: {
    from: { type: "path" }, backends: { type: "list", min: 1 }, model: { type: "enum", values: zoo.map((z) => z.name), default: "fmnist-mlp" }, conv: convFlag,
    images: { type: "string" }, samples: { type: "int", min: 1, max: 100_000, default: 20 }, ...dataFlags, weights: { type: "path" },
  },
  exclusive: [["from", "backends"], ["images", "samples"], ["data-dir", "fixture"]],
  async run(args, io) {
    const from = maybeString(args, "from"), backendIds = maybeList(args, "backends");
    if ((from === undefined) === (backendIds === undefined)) throw new UsageError("give --from DIR or --backends ID,ID…, one of them");
    const status = torchStatus();
    if (!status.python) throw new Error(`verify needs real PyTorch: ${status.reason}`);

    let runs: LabRun[], modelName: string, conv: ConvMode, records: ReturnType<typeof readResults>["records"] | undefined;
    if (from !== undefined) {
      for (const f of ["backends", "images", "samples", "data-dir", "fixture", "model", "conv"]) if (isGiven(args, f)) throw new UsageError(`--${f} does not go with --from (the folder says)`);
      const results = readResults(from);
      modelName = results.model;
      conv = results.conv ?? "shared";
      records = results.records;
      runs = runsOf(records);
      if (results.skippedLines) io.err(`verify: ${results.skippedLines} lines of ${from} are not sample records; skipped\n`);
    } else {
      modelName = getString(args, "model");
      conv = getString(args, "conv") as ConvMode;
      runs = labRuns(args, modelName, backendIds!, conv);
    }
    const entry = zooEntry(modelName);
    const weights = weightsFor(entry, maybeString(args, "weights"));
    io.err(`verify: ${runs.length} batch-1 forward passes in PyTorch ${status.version} (${status.python})\n`);
    const cmp = await compareWithTorch(runs, { name: entry.name, weights, shape: entry.sampleShape, conv });
    // Shared convolutions: PyTorch runs oneDNN's, the lab its stand-in (conv-mode.ts), so the logits of a CNN are
    // not expected to be bit-equal; the labels and the Chimeras are what is checked.
    const bitsExpected = !(entry.convolutions && conv === "shared");
    const verdict = records ? judgeRecords(records, cmp.torchLogits) : undefined;
    const checked = cmp.perBackend.filter((b) => b.torchLibrary !== null);
    const agree = checked.length > 0 && checked.every((b) => (!bitsExpected || b.logitsEqual === b.images) && b.labelsEqual === b.images) &&
      (!verdict || verdict.chimerasInTorch === verdict.chimerasCheckable);
    if (args.json) {
      io.out(JSON.stringify({ model: entry.name, ...(entry.convolutions ? { conv, logitsBitsExpected: bitsExpected } : {}), weights, torch: cmp.torch ?? status.version, backends: cmp.perBackend, ...(verdict ? { records: verdict } : {}), agree }, null, 2) + "\n");
    } else {
      const how = !entry.convolutions ? "" : conv === "blas" ? ", --conv blas (oneDNN off)" : conv === "torch" ? ", --conv torch (PyTorch's default, oneDNN on, capped at AVX2)"
        : ", --conv shared (PyTorch on oneDNN; logits not expected bit-equal, labels are checked)";
      io.out(report(cmp.perBackend, verdict, `PyTorch ${cmp.torch ?? status.version}, ${entry.name}${how}, weights ${weights}`));
    }
    return agree ? 0 : 1;
  },
};

/** The lab's logits of the chosen test images on each backend, batch 1. */
function labRuns(args: Parameters<Command["run"]>[0], modelName: string, backendIds: string[], conv: ConvMode): LabRun[] {
  if (backendIds.length === 0) throw new UsageError("--backends is empty; give backend ids, e.g. openblas-0.3.21-haswell-serial");
  const entry = zooEntry(modelName);
  const dataDir = maybeString(args, "data-dir");
  const data = loadSplit(entry.dataset, "test", { ...(dataDir ? { dataDir } : {}), fixture: !dataDir });
  const spec = maybeString(args, "images");
  const samples = getNumber(args, "samples");
  if (!spec && samples > data.n) throw new UsageError(`--samples ${samples} exceeds the ${data.n} images of ${data.source}`);
  const images = spec ? parseIndexList(spec, "--images") : [...Array(samples).keys()];
  for (const i of images) if (i >= data.n) throw new UsageError(`--images: ${i} is not in ${data.source} (0-${data.n - 1})`);
  const net = entry.create().eval();
  loadModule(weightsFor(entry, maybeString(args, "weights")), net);
  const model = moduleAttackModel(net, entry.sampleShape, entry.classes, convOptions(conv));
  const size = model.inputSize;
  const runs: LabRun[] = [];
  for (const id of backendIds) {
    const kernel = getKernel(id);
    try {
      for (const i of images) {
        const x = data.x.slice(i * size, (i + 1) * size);
        runs.push({ what: `image ${i}`, backend: id, image: uint8ImageDomain.encode(x), logits: model.logits(x, kernel) });
      }
    } finally {
      releaseKernel(kernel);
    }
  }
  return runs;
}

function report(rows: readonly BackendAgreement[], verdict: RecordsVerdict | undefined, head: string): string {
  const w = Math.max(8, ...rows.map((r) => r.backend.length)), v = Math.max(10, ...rows.map((r) => (r.torchLibrary ?? "-").length));
  let s = `${head}\n${"backend".padEnd(w)}  ${"PyTorch on".padEnd(v)}  images  logits bit-equal  labels equal\n`;
  for (const r of rows) {
    if (r.torchLibrary === null) {
      s += `${r.backend.padEnd(w)}  ${"-".padEnd(v)}  ${String(r.images).padStart(6)}  not checked: ${r.reason}\n`;
      continue;
    }
    const pct = (n: number) => `${n} (${((100 * n) / r.images).toFixed(2)}%)`;
    s += `${r.backend.padEnd(w)}  ${r.torchLibrary.padEnd(v)}  ${String(r.images).padStart(6)}  ${pct(r.logitsEqual).padStart(16)}  ${pct(r.labelsEqual).padStart(12)}\n`;
  }
  if (verdict) {
    s += `records: ${verdict.records}, every backend's logits bit-identical in PyTorch: ${verdict.recordsBitIdentical}; ` +
      `Chimeras: ${verdict.chimeras}, checkable here: ${verdict.chimerasCheckable}, still Chimeras in PyTorch: ${verdict.chimerasInTorch}\n`;
    for (const d of verdict.disagreements.slice(0, 20)) s += `    ${d}\n`;
    if (verdict.disagreements.length > 20) s += `    … and ${verdict.disagreements.length - 20} more\n`;
  }
  return s;
}
