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
 * images; blis-0.9.0-generic = eigen-3.4-sse2, skylakex = cooperlake and netlib = reference agree bit
 * for bit at these shapes). The real libraries when this machine runs them; else (no AVX-512, or no
 * bridge) a real pair it runs, OpenBLAS Haswell against BLIS generic; else the emulations.
 */
const EMULATED_PAIR = ["openblas-0.3.21-haswell", "openblas-0.3.21-skylakex"];
const NATIVE_PAIRS = [EMULATED_PAIR.map((id) => fidelityPairs[id]!), ["openblas-0.3.21-haswell-serial", "blis-0.9.0-generic-serial"]];

/** The pair the demo runs, and one sentence saying why. */
function defaultBackends(): { ids: string[]; why: string } {
  const all = allBackends();
  const unavailable = (ids: string[]): string[] => ids.flatMap((id) => {
    const b = all.find((x) => x.id === id);
    return b?.available ? [] : [`${id}: ${b?.reason ?? "not in the catalog"}`];
  });
  const skipped: string[] = [];
  for (const pair of NATIVE_PAIRS) {
    const missing = unavailable(pair);
    if (!missing.length) {
      return { ids: pair, why: `the real libraries, which this machine runs${skipped.length ? ` (not ${skipped.join("; ")})` : ""}` };
    }
    skipped.push(...missing);
  }
  return { ids: EMULATED_PAIR, why: `their bit-exact emulations (no real pair runs here: ${skipped.join("; ")})` };
}

/** One emulated backend re-checked on its real library: the label there, or why it was not re-checked. */
export type Recheck = { emulated: string; real: string; label: number } | { emulated: string; real: string; notRechecked: string };

/**
 * For each emulated backend with a real counterpart, that library's label of the image; a library
 * that is unavailable here or fails is reported as not re-checked, with the reason, never an error.
 */
function recheckOnNative(setup: ReturnType<typeof setupAttack>, image: Float32Array): Recheck[] {
  const all = allBackends();
  const out: Recheck[] = [];
  for (const k of setup.backends) {
    const pair = k.info.kind === "emulated" ? fidelityPairs[k.info.id] : undefined;
    if (pair === undefined) continue;
    const real = pairedBackend(all, pair);
    if (!real?.available) {
      out.push({ emulated: k.info.id, real: real?.id ?? pair, notRechecked: real?.reason ?? "not in the native catalog" });
      continue;
    }
    let kernel;
    try {
      kernel = real.create();
      const logits = setup.model.logits(image, kernel);
      out.push({ emulated: k.info.id, real: real.id, label: logits.indexOf(Math.max(...logits)) });
    } catch (e) {
      out.push({ emulated: k.info.id, real: real.id, notRechecked: (e as Error).message });
    } finally {
      if (kernel) releaseKernel(kernel);
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
                    the real libraries, when this machine runs them; else (no AVX-512) the real
                    ${NATIVE_PAIRS[1]!.join(",")}; else the emulations
                    ${EMULATED_PAIR.join(",")}, re-checked on the real libraries where they run;
                    stderr says which pair and why)
  --targets RULE    runner-up (default: the second backend aims at the next most likely class, which
                    the tug of war reaches more often) or random (the paper's rule)
  --max-images N    give up after N images (default 200)
  --seed S          seeds the random targets (default 0)
  --out DIR         where to write (default results/demo)
  --json            print {found, backends, labels, classes, iterations, image, png, sample, seconds,
                    recheck: [{emulated, real, label} or {emulated, real, notRechecked: reason}]
                    (emulations re-checked on their real libraries)}

Example: chimera demo --json`,
  flags: {
    backends: backendsFlag(2), targets: { type: "enum", values: ["runner-up", "random"], default: "runner-up" },
    "max-images": { type: "int", min: 1, max: 200 }, seed: seedFlag(0), out: { type: "path" },
  },
  async run(args, io) {
    const targets = getString(args, "targets");
    const given = maybeList(args, "backends");
    const chosen = given ? undefined : defaultBackends();
    const setup = setupAttack("fmnist-mlp", given ?? chosen!.ids, { fixture: true });
    const settings: SampleSettings = { method: "algorithm1", seed: getNumber(args, "seed"), targets: targets as TargetRule, warmup: 2000, iterations: 3000, gradientAt: "quantized" };
    const maxImages = Math.min(maybeNumber(args, "max-images") ?? setup.data.n, setup.data.n);
    const ids = setup.backends.map((k) => k.info.id);
    const t0 = performance.now();
    if (chosen) io.err(`demo: ${ids.join(" and ")}: ${chosen.why}\n`);
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
        recheck, ...(chosen ? { chosen: chosen.why } : {}),
        found: true, backends: ids, labels: r.labels, classes: r.labels.map((l) => FASHION_MNIST_CLASSES[l]), targets: r.targets,
        trueLabel: r.trueLabel, sample: i, iterations: r.iterations, linf: r.linf, l2: r.l2, image: npy, png,
        logits: r.logits, seconds: Number(secs.toFixed(2)),
      };
      if (args.json) io.out(JSON.stringify(result) + "\n");
      else {
        io.out(`Chimera example: fixture image ${i} (a ${FASHION_MNIST_CLASSES[r.trueLabel]}), changed by at most ${Math.round(r.linf * 255)}/255 per pixel\n`);
        ids.forEach((id, b) => io.out(`  ${id.padEnd(28)} says ${r.labels[b]} (${FASHION_MNIST_CLASSES[r.labels[b]!]})\n`));
        for (const r2 of recheck) {
          io.out("label" in r2 ? `  re-checked on the real library ${r2.real}: says ${r2.label} (${FASHION_MNIST_CLASSES[r2.label]})\n`
            : `  ${r2.emulated}: not re-checked on ${r2.real}: ${r2.notRechecked}\n`);
        }
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
