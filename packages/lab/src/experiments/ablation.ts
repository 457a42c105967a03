import type { Experiment } from "./experiment.js";
import { experimentOptions, pairsOf, searchFlags } from "./experiment-options.js";
import { searchSettings, runArms, type Arm } from "./sample-arms.js";
import { UsageError } from "../cli/args.js";
import { markdownTable, percent, writeReport } from "./experiment-report.js";

/**
 * The ablation of §4.4: Algorithm 1 with gradients at the quantized input (the paper's method)
 * against gradients at the unquantized input (q applied only for the Chimera test), for every pair
 * of backends on the same random test images. Writes one JSONL per pair and variant, summary.json
 * and summary.md (rates and their ratio).
 */
export const ablation: Experiment = {
  name: "ablation",
  summary: "§4.4 ablation: gradients at quantized vs unquantized inputs",
  flags: searchFlags,
  async run(args, io) {
    const o = experimentOptions("ablation", args, ["openblas-0.3.21-haswell", "openblas-0.3.21-skylakex"]);
    if (o.method !== "algorithm1") throw new UsageError(`experiment ablation: the §4.4 ablation is of Algorithm 1's gradients (--method algorithm1), got --method ${o.method}`);
    const arms: Arm[] = pairsOf(o.backendIds).flatMap(([a, b]) => (["quantized", "unquantized"] as const).map((gradientAt) => ({
      id: `${a}__${b}__${gradientAt}`, backends: [a, b], settings: searchSettings(o, { gradientAt }),
    })));
    const { outcomes, data, samples } = await runArms(o, arms, io);
    const rows = pairsOf(o.backendIds).map(([a, b]) => {
      const q = outcomes.find((x) => x.id === `${a}__${b}__quantized`)!, u = outcomes.find((x) => x.id === `${a}__${b}__unquantized`)!;
      return { backends: [a, b], quantized: q, unquantized: u, ratio: u.found ? q.found / u.found : null };
    });
    const md = `# Ablation (§4.4): where the gradient is taken\n\n${o.model} on ${data}, the same ${samples.length} random test images ` +
      `for both variants (seed ${o.seed}), ${o.warmup} warm-up steps and ${o.iterations} joint iterations.\n\n` +
      markdownTable(["backend 1", "backend 2", "quantized (ours)", "unquantized", "ratio"], rows.map((r) => [
        r.backends[0]!, r.backends[1]!, `${r.quantized.found}/${r.quantized.n} (${percent(r.quantized.successRate)})`,
        `${r.unquantized.found}/${r.unquantized.n} (${percent(r.unquantized.successRate)})`, r.ratio === null ? "-" : `${r.ratio.toFixed(2)}×`,
      ]));
    const summary = { experiment: "ablation", model: o.model, data, seed: o.seed, samples: samples.length, pairs: rows };
    const files = writeReport(o.out, summary, md);
    if (args.json) io.out(JSON.stringify({ ...summary, files }) + "\n");
    else io.out(md + `\nsummary in ${files.markdown}, ${files.json}\n`);
    return 0;
  },
};
