import type { Command } from "../cli/command.js";
import { zoo } from "../model-zoo.js";
import { convHelp } from "../conv-mode.js";
import { UsageError } from "../cli/args.js";
import { experiments } from "../experiments/index.js";
import type { Experiment } from "../experiments/experiment.js";
import type { FlagSpec, FlagSpecs } from "../cli/flag-spec.js";
import { commonFlags, paperSamples } from "../experiments/experiment-options.js";

const width = Math.max(...experiments.map((e) => e.name.length));

/** Two specs are the same when their fields are (check functions by identity). */
function sameSpec(a: FlagSpec, b: FlagSpec): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => {
    const x = (a as Record<string, unknown>)[k], y = (b as Record<string, unknown>)[k];
    return typeof x === "function" || typeof y === "function" ? x === y : JSON.stringify(x) === JSON.stringify(y);
  });
}

/**
 * The flags of every experiment, merged (besides the common ones), so the command line can be parsed
 * before the experiment is known. A name two experiments declare with different specs could not be
 * parsed so: that is a programming error, thrown naming the experiment and the flag.
 */
export function experimentFlagSpecs(list: readonly Experiment[]): FlagSpecs {
  const merged: Record<string, FlagSpec> = { ...commonFlags };
  const owner = new Map<string, string>(Object.keys(commonFlags).map((k) => [k, "(common)"]));
  for (const e of list) {
    for (const [name, spec] of Object.entries(e.flags ?? {})) {
      const prior = merged[name];
      if (prior && !sameSpec(prior, spec)) {
        throw new Error(`experiment ${e.name}: --${name} is declared as ${JSON.stringify(spec)} here but as ${JSON.stringify(prior)} in ${owner.get(name)}`);
      }
      merged[name] = spec;
      owner.set(name, e.name);
    }
  }
  return merged;
}

/**
 * `chimera experiment NAME`: runs one of the paper's experiments from the list in
 * experiments/index.ts. Every flag any experiment declares is parsed with its type; flags the chosen
 * experiment does not declare are usage errors naming it.
 */
export const command: Command = {
  name: "experiment",
  summary: "run one of the paper's experiments (fig5, table2, ...); resumable, writes JSONL, summary and figure",
  help: `Usage: chimera experiment <name> [--samples N] [--backends A,B,C...] [--seed S] [--out DIR] [--workers N] [--shard I/N] [--json]
                          [--method algorithm1|local] [--max-linf E] [--max-queries Q] [--step-min A]
                          [--targets random|runner-up] [--warmup W] [--iterations N] [--fixture | --data-dir DIR] [experiment flags]

Runs one of the paper's experiments. Every finished sample is appended as one JSON line to a file in
DIR; a killed run started again with the same flags skips the samples already there. DIR/config.json
pins the version, model, weights and data digests, backends and settings (a resume with others is an
error naming the difference); DIR/LOCK keeps a second run out. At the end
DIR/summary.json, DIR/summary.md and the experiment's figure are written.

Experiments:
${experiments.map((e) => `  ${e.name.padEnd(width)}  ${e.summary}`).join("\n")}

  --samples N      random test images per backend pair (default ${paperSamples}, the paper's FMNIST count)
  --backends LIST  backend ids (see chimera backends); each experiment has its own default
  --seed S         picks the test images and the random targets (default 0)
  --targets RULE   random (the paper, default) or runner-up (the next most likely classes; on fmnist-vgg
                   Algorithm 1 finds Chimeras only with these, docs/experiments)
  --out DIR        results folder (default results/experiments/<name>)
  --workers N      worker threads, each running whole samples (default: the number of cores,
                   os.availableParallelism(), at most one per sample); results are the same for any N
  --shard I/N      run only shard I of N (1 <= I <= N) of the samples: every N-th one from the I-th,
                   for a Slurm array or Kubernetes Indexed Job (docs/cluster/); pinned in DIR/config.json
                   (fig5, table2, ablation, fig6 without --from, table3); chimera merge joins the N
                   folders into the folder, summary and figure the unsharded run writes
  --json           print the summary as one JSON document
  --method M       the search: algorithm1 (the paper's, default) or local (the boundary-then-local
                   search, see chimera attack --help): fig5, fig6, table3; table2 runs both
  --max-linf E     local: every pixel within E 8-bit levels of the image (default unconstrained)
  --max-queries Q  local: verdict queries per image at most (default 200)
  --step-min A     Algorithm 1's adaptive step floor (default 1e-4; starts at max(0.05, A))
  --warmup W       Algorithm 1's warm-up steps (default 2000)
  --iterations N   Algorithm 1's joint iterations (default 3000)
  --fixture        the committed first 200 test images
  --data-dir DIR   the Fashion-MNIST test set in DIR (default: the installed one, else the fixture)
  --model NAME     ${zoo.map((z) => z.name).join(", ")} (default fmnist-mlp)
${convHelp}
  --weights PATH   safetensors weights (default: the committed ones)
  --perturbations N  fig6: draws per distance (default 100)
  --from DIR       fig6: measure the pockets of the Chimeras already in DIR (a fig5, table2 or
                   chimera attack results folder) instead of searching
  --d D            table3: the keyed noise's size in ULP (default 1000)

Example: chimera experiment fig5 --samples 20 --backends openblas-0.3.21-haswell,openblas-0.3.21-skylakex`,
  flags: experimentFlagSpecs(experiments),
  exclusive: [["data-dir", "fixture"]],
  positional: { min: 1, max: 1, names: `an experiment: ${experiments.map((e) => e.name).join(", ")}` },
  async run(args, io) {
    const name = args.positional[0]!;
    const experiment = experiments.find((e) => e.name === name);
    if (!experiment) throw new UsageError(`unknown experiment "${name}"; experiments: ${experiments.map((e) => e.name).join(", ")}`);
    const allowed = new Set<string>([...Object.keys(commonFlags), ...Object.keys(experiment.flags ?? {}), "json", "help"]);
    for (const flag of args.flags.keys()) if (!allowed.has(flag)) throw new UsageError(`experiment ${name} takes no --${flag}`);
    return experiment.run(args, io);
  },
};
