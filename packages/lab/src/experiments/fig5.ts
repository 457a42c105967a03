import type { Experiment } from "./experiment.js";
import { experimentOptions, pairsOf, searchFlags } from "./experiment-options.js";
import { searchLine, searchSettings, runArms, type Arm } from "./sample-arms.js";
import { heatmapSvg } from "./svg-heatmap.js";
import { markdownTable, percent, writeReport } from "./experiment-report.js";

/**
 * Emulated backends that really differ on the MLP at batch 1 (netlib is the reference order), so
 * every pair has Chimeras to find.
 */
export const fig5DefaultBackends = ["openblas-0.3.21-haswell", "openblas-0.3.21-skylakex", "blis-0.9.0-generic", "netlib-3.11"];

/**
 * Figure 5 (§4.3): Algorithm 1's success rate for every pair of backends, each pair on the same
 * random test images; backend 1 aims at the true class, backend 2 at a random other class.
 * Writes one JSONL per pair, summary.json, summary.md and fig5.svg (a heatmap of the rates).
 */
export const fig5: Experiment = {
  name: "fig5",
  summary: "Figure 5: pairwise success rates of Algorithm 1, as an SVG heatmap",
  flags: searchFlags,
  async run(args, io) {
    const o = experimentOptions("fig5", args, fig5DefaultBackends);
    const arms: Arm[] = pairsOf(o.backendIds).map(([a, b]) => ({ id: `${a}__${b}`, backends: [a, b], settings: searchSettings(o) }));
    const t0 = performance.now();
    const { outcomes, data, samples } = await runArms(o, arms, io);
    const seconds = (performance.now() - t0) / 1000;
    const rate = (a: string, b: string) => outcomes.find((x) => (x.backends[0] === a && x.backends[1] === b) || (x.backends[0] === b && x.backends[1] === a))?.successRate ?? null;
    const matrix = o.backendIds.map((a) => o.backendIds.map((b) => (a === b ? null : rate(a, b))));
    const svg = heatmapSvg({ title: `Chimera success rate per backend pair (${o.model}, ${samples.length} samples per pair)`, labels: o.backendIds, values: matrix });
    const md = `# Figure 5: pairwise success rates\n\n${o.model} on ${data}, ${samples.length} random test images per pair (seed ${o.seed}), ` +
      `${searchLine(o)}, ${o.targets === "random" ? "random targets" : "runner-up targets (the next most likely classes)"}.\n\n` +
      markdownTable(["backend 1", "backend 2", "found", "success rate", "mean s/sample"],
        outcomes.map((x) => [x.backends[0]!, x.backends[1]!, `${x.found}/${x.n}`, percent(x.successRate), x.meanSeconds.toFixed(2)])) +
      `\n![Figure 5](fig5.svg)\n`;
    const summary = { experiment: "fig5", model: o.model, data, seed: o.seed, samples: samples.length, method: o.method, warmup: o.warmup, iterations: o.iterations, maxLinf: o.maxLinf ?? null, maxQueries: o.maxQueries ?? null, backends: o.backendIds, pairs: outcomes, matrix, secondsThisRun: seconds };
    const files = writeReport(o.out, summary, md, { "fig5.svg": svg });
    if (args.json) io.out(JSON.stringify({ ...summary, files }) + "\n");
    else {
      for (const x of outcomes) io.out(`${x.backends.join(" vs ")}: ${x.found}/${x.n} (${percent(x.successRate)})\n`);
      io.out(`summary in ${files.markdown}, ${files.json}; heatmap in ${files.figures[0]}\n`);
    }
    return 0;
  },
};
