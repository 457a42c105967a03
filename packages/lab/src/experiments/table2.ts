import type { Experiment } from "./experiment.js";
import { UsageError } from "../cli/args.js";
import { experimentOptions, searchFlags } from "./experiment-options.js";
import { localSettings, searchSettings, runArms, type Arm } from "./sample-arms.js";
import { markdownTable, percent, writeReport } from "./experiment-report.js";

const methodNames = { "algorithm1": "Ours (Algorithm 1)", "local": "Ours (boundary-then-local search)", "binary-search": "Binary search", "boundary-samples": "Boundary samples", "carlini-wagner": "Adv. examples (C&W L2)" } as const;

/**
 * Table 2 (§4.5): Algorithm 1 against the binary-search, boundary-sample and Carlini–Wagner L2
 * adversarial-example baselines, on the same random test images for one backend pair. Writes one
 * JSONL per method, summary.json and summary.md (the table).
 */
export const table2: Experiment = {
  name: "table2",
  summary: "Table 2: Algorithm 1 vs binary search, boundary samples and C&W adversarial examples on one pair",
  flags: searchFlags,
  async run(args, io) {
    const o = experimentOptions("table2", args, ["openblas-0.3.21-haswell", "openblas-0.3.21-skylakex"], { everyMethod: true });
    if (o.backendIds.length !== 2) throw new UsageError(`experiment table2 compares methods on one pair: --backends needs exactly two ids, got ${o.backendIds.length}`);
    const arms: Arm[] = (Object.keys(methodNames) as (keyof typeof methodNames)[]).map((method) => ({
      id: method, backends: o.backendIds, settings: searchSettings(o, { method, ...(method === "local" ? localSettings(o) : {}) }),
    }));
    const { outcomes, data, samples } = await runArms(o, arms, io);
    const md = `# Table 2: success rates of Algorithm 1 and the baselines\n\n${o.backendIds.join(" vs ")}, ${o.model} on ${data}, ` +
      `the same ${samples.length} random test images for every method (seed ${o.seed}); Algorithm 1 with ${o.warmup} warm-up steps and ` +
      `${o.iterations} joint iterations, the local search with at most ${o.maxQueries ?? 200} verdict queries` +
      `${o.maxLinf === undefined ? "" : ` and L∞ ≤ ${o.maxLinf}/255`}, boundary samples with up to ${o.iterations} steps, ` +
      `C&W L2 (κ = 0, 6 binary steps over c from 0.1, up to 300 Adam steps each) tested once after quantization.\n\n` +
      markdownTable(["method", "found", "success rate", "mean s/sample"],
        outcomes.map((x) => [methodNames[x.method], `${x.found}/${x.n}`, percent(x.successRate), x.meanSeconds.toFixed(2)]));
    const summary = { experiment: "table2", model: o.model, data, seed: o.seed, samples: samples.length, backends: o.backendIds, methods: outcomes };
    const files = writeReport(o.out, summary, md);
    if (args.json) io.out(JSON.stringify({ ...summary, files }) + "\n");
    else io.out(md + `\nsummary in ${files.markdown}, ${files.json}\n`);
    return 0;
  },
};
