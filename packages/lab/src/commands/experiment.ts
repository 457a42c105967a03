import type { Command } from "../cli/command.js";
import { UsageError } from "../cli/args.js";
import { experiments } from "../experiments/index.js";
import type { Experiment } from "../experiments/experiment.js";
import { commonFlags, paperSamples } from "../experiments/experiment-options.js";

const width = Math.max(...experiments.map((e) => e.name.length));

/**
 * The boolean flags the experiments declare. A name that is boolean in one experiment and takes a
 * value in another could not be parsed before the experiment is known: that is a programming error.
 */
export function experimentBooleanFlags(list: readonly Experiment[]): string[] {
  const booleans = new Set(list.flatMap((e) => e.booleanFlags ?? []));
  for (const e of list) {
    for (const b of e.booleanFlags ?? []) {
      if (!(e.flags ?? []).includes(b)) throw new Error(`experiment ${e.name}: boolean flag --${b} is not among its flags`);
    }
    for (const f of e.flags ?? []) {
      if (booleans.has(f) && !(e.booleanFlags ?? []).includes(f)) {
        throw new Error(`experiment ${e.name}: --${f} takes a value here but is boolean in another experiment`);
      }
    }
  }
  return [...booleans];
}

/**
 * `chimera experiment NAME`: runs one of the paper's experiments from the list in
 * experiments/index.ts. Every flag any experiment declares is parsed; flags the chosen experiment
 * does not declare are usage errors naming it. A flag takes a value unless some experiment lists it
 * in its booleanFlags.
 */
export const command: Command = {
  name: "experiment",
  summary: "run one of the paper's experiments (fig5, table2, ...); resumable, writes JSONL, summary and figure",
  help: `Usage: chimera experiment <name> [--samples N] [--backends A,B,C...] [--seed S] [--out DIR] [--workers N] [--json]
                          [--method algorithm1|local] [--max-linf E] [--max-queries Q]
                          [--warmup W] [--iterations N] [--fixture | --data-dir DIR] [experiment flags]

Runs one of the paper's experiments. Every finished sample is appended as one JSON line to a file in
DIR; a killed run started again with the same flags skips the samples already there. At the end
DIR/summary.json, DIR/summary.md and the experiment's figure are written.

Experiments:
${experiments.map((e) => `  ${e.name.padEnd(width)}  ${e.summary}`).join("\n")}

  --samples N      random test images per backend pair (default ${paperSamples}, the paper's FMNIST count)
  --backends LIST  backend ids (see chimera backends); each experiment has its own default
  --seed S         picks the test images and the random targets (default 0)
  --out DIR        results folder (default results/experiments/<name>)
  --workers N      worker threads, each running whole samples (default: the number of cores,
                   os.availableParallelism(), at most one per sample); results are the same for any N
  --json           print the summary as one JSON document
  --method M       the search: algorithm1 (the paper's, default) or local (the boundary-then-local
                   search, see chimera attack --help): fig5, fig6; table2 runs both
  --max-linf E     local: every pixel within E 8-bit levels of the image (default unconstrained)
  --max-queries Q  local: verdict queries per image at most (default 200)
  --warmup W       Algorithm 1's warm-up steps (default 2000)
  --iterations N   Algorithm 1's joint iterations (default 3000)
  --fixture        the committed first 200 test images
  --data-dir DIR   the Fashion-MNIST test set in DIR (default: the installed one, else the fixture)
  --model NAME     fmnist-mlp (default)
  --weights PATH   safetensors weights (default: the committed ones)
  --perturbations N  fig6: draws per distance (default 100)
  --from DIR       fig6: measure the pockets of the Chimeras already in DIR (a fig5, table2 or
                   chimera attack results folder) instead of searching
  --d D            table3: the keyed noise's size in ULP (default 1000)

Example: chimera experiment fig5 --samples 20 --backends openblas-0.3.21-haswell,openblas-0.3.21-skylakex`,
  booleanFlags: experimentBooleanFlags(experiments),
  knownFlags: [...new Set([...commonFlags, ...experiments.flatMap((e) => e.flags ?? [])])],
  async run(args, io) {
    const [name, ...extra] = args.positional;
    if (name === undefined) throw new UsageError(`name an experiment: ${experiments.map((e) => e.name).join(", ")}`);
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const experiment = experiments.find((e) => e.name === name);
    if (!experiment) throw new UsageError(`unknown experiment "${name}"; experiments: ${experiments.map((e) => e.name).join(", ")}`);
    const allowed = new Set<string>([...commonFlags, ...(experiment.flags ?? []), "json", "help"]);
    for (const flag of args.flags.keys()) if (!allowed.has(flag)) throw new UsageError(`experiment ${name} takes no --${flag}`);
    return experiment.run(args, io);
  },
};
