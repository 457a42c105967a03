import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { FASHION_MNIST_CLASSES, toFloat01, writeNpyFile } from "@chimera/tensor";
import { allBackends, releaseKernel } from "../backends.js";
import { fidelityPairs, pairedBackend } from "../fidelity-pairs.js";
import type { Command } from "../cli/command.js";
import { getNumber, getString, maybeList, maybeNumber, maybeString } from "../cli/args.js";
import { backendsFlag, seedFlag } from "../cli/common-flags.js";
import { resultsDir } from "../paths.js";
import { encodeGrayPng } from "../png.js";
import { chimeraPicture } from "../chimera-picture.js";
import { runSample, setupAttack, type SampleSettings, type TargetRule } from "../chimera-run.js";

/**
 * The default pair: OpenBLAS's Haswell and SkylakeX kernels, whose fmnist-mlp logits differ most at
 * batch 1 among the emulations (up to 9.5e-6, on 166 of the 200 logits of the first 20 fixture
 * images; blis-0.9.0-generic = eigen-3.4-o3, skylakex = cooperlake and netlib = reference agree bit
 * for bit at these shapes). The real libraries when the native bridge has them, else the emulations.
 */
const EMULATED_PAIR = ["openblas-0.3.21-haswell", "openblas-0.3.21-skylakex"];

function defaultBackends(): string[] {
  const native = EMULATED_PAIR.map((id) => fidelityPairs[id]!);
  const available = new Set(allBackends().filter((b) => b.available).map((b) => b.id));
  return native.every((id) => available.has(id)) ? native : EMULATED_PAIR;
}

/** For each emulated backend whose real library is available here, that library's label of the image. */
function recheckOnNative(setup: ReturnType<typeof setupAttack>, image: Float32Array): Array<{ emulated: string; real: string; label: number }> {
  const available = allBackends().filter((b) => b.available);
  const out: Array<{ emulated: string; real: string; label: number }> = [];
  for (const k of setup.backends) {
    const pair = fidelityPairs[k.info.id];
    const real = pair === undefined ? undefined : pairedBackend(available, pair);
    if (!real) continue;
    const kernel = real.create();
    try {
      const logits = setup.model.logits(image, kernel);
      out.push({ emulated: k.info.id, real: real.id, label: logits.indexOf(Math.max(...logits)) });
    } finally {
      releaseKernel(kernel);
    }
  }
  return out;
}

export const command: Command = {
  name: "demo",
  summary: "find one Chimera example on the committed model and images, and draw it",
  help: `Usage: chimera demo [--backends A,B] [--targets runner-up|random] [--seed S] [--max-images N]
                   [--out DIR] [--json]

Runs the Chimera search (chimera attack) on the committed fmnist-mlp and the committed fixture images
in order until one succeeds, with progress on stderr, and writes the 8-bit image as DIR/chimera.npy
and DIR/chimera.png (enlarged 8×, each backend's label drawn below it, backends left to right).

  --backends A,B    backend ids (default: openblas-0.3.21-haswell-serial,openblas-0.3.21-skylakex-serial,
                    the real libraries, when the native bridge has them; else their emulations
                    ${EMULATED_PAIR.join(",")}, re-checked on the real libraries where present)
  --targets RULE    runner-up (default: the second backend aims at the next most likely class, which
                    the tug of war reaches more often) or random (the paper's rule)
  --max-images N    give up after N images (default 200)
  --seed S          seeds the random targets (default 0)
  --out DIR         where to write (default results/demo)
  --json            print {found, backends, labels, classes, iterations, image, png, sample, seconds,
                    recheck: [{emulated, real, label}] (emulations re-checked on their real libraries)}

Example: chimera demo --json`,
  flags: {
    backends: backendsFlag(2), targets: { type: "enum", values: ["runner-up", "random"], default: "runner-up" },
    "max-images": { type: "int", min: 1, max: 200 }, seed: seedFlag(0), out: { type: "path" },
  },
  async run(args, io) {
    const targets = getString(args, "targets");
    const ids0 = maybeList(args, "backends") ?? defaultBackends();
    const setup = setupAttack("fmnist-mlp", ids0, { fixture: true });
    const settings: SampleSettings = { method: "algorithm1", seed: getNumber(args, "seed"), targets: targets as TargetRule, warmup: 2000, iterations: 3000, gradientAt: "quantized" };
    const maxImages = Math.min(maybeNumber(args, "max-images") ?? setup.data.n, setup.data.n);
    const ids = setup.backends.map((k) => k.info.id);
    const t0 = performance.now();
    io.err(`demo: searching fmnist-mlp for a Chimera between ${ids.join(" and ")}\n`);
    for (let i = 0; i < maxImages; i++) {
      const total = settings.warmup + settings.iterations;
      let last = 0;
      const r = runSample(setup, i, settings, (phase, k) => {
        const step = phase === "warmup" ? k : settings.warmup + k;
        if (step - last >= 500) {
          last = step;
          io.err(`${io.isTTY ? "\r" : ""}  image ${i}: step ${step}/${total} (${phase})${io.isTTY ? "\x1b[K" : "\n"}`);
        }
      });
      const secs = (performance.now() - t0) / 1000;
      io.err(`${io.isTTY ? "\r" : ""}  image ${i} (class ${r.trueLabel}, targets ${r.targets.join("/")}): ` +
        `${r.found ? `Chimera after ${r.iterations} iterations` : "none"}, ${r.seconds.toFixed(1)} s (total ${secs.toFixed(0)} s)${io.isTTY ? "\x1b[K" : ""}\n`);
      if (!r.found) continue;
      const dir = maybeString(args, "out") ?? join(resultsDir(), "demo");
      mkdirSync(dir, { recursive: true });
      const bytes = Uint8Array.from(Buffer.from(r.image, "base64"));
      const npy = join(dir, "chimera.npy"), png = join(dir, "chimera.png");
      writeNpyFile(npy, { dtype: "uint8", shape: [28, 28], data: bytes });
      const pic = chimeraPicture(bytes, 28, r.labels, 8);
      writeFileSync(png, encodeGrayPng(pic.width, pic.height, pic.pixels));
      const recheck = recheckOnNative(setup, toFloat01(bytes));
      const result = {
        recheck,
        found: true, backends: ids, labels: r.labels, classes: r.labels.map((l) => FASHION_MNIST_CLASSES[l]), targets: r.targets,
        trueLabel: r.trueLabel, sample: i, iterations: r.iterations, linf: r.linf, l2: r.l2, image: npy, png,
        logits: r.logits, seconds: Number(secs.toFixed(2)),
      };
      if (args.json) io.out(JSON.stringify(result) + "\n");
      else {
        io.out(`Chimera example: fixture image ${i} (a ${FASHION_MNIST_CLASSES[r.trueLabel]}), changed by at most ${Math.round(r.linf * 255)}/255 per pixel\n`);
        ids.forEach((id, b) => io.out(`  ${id.padEnd(28)} says ${r.labels[b]} (${FASHION_MNIST_CLASSES[r.labels[b]!]})\n`));
        for (const r2 of recheck) io.out(`  re-checked on the real library ${r2.real}: says ${r2.label} (${FASHION_MNIST_CLASSES[r2.label]})\n`);
        io.out(`image: ${npy}\npicture: ${png}\n${secs.toFixed(1)} s\n`);
      }
      return 0;
    }
    const secs = (performance.now() - t0) / 1000;
    if (args.json) io.out(JSON.stringify({ found: false, backends: ids, labels: null, iterations: null, image: null, seconds: Number(secs.toFixed(2)) }) + "\n");
    else io.out(`no Chimera example between ${ids.join(" and ")} in ${maxImages} images (${secs.toFixed(1)} s)\n`);
    return 1;
  },
};
