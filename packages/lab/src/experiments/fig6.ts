import { join } from "node:path";
import { pocketDensity, pocketDistances, uint8ImageDomain } from "@chimera/attack";
import { Rng } from "@chimera/tensor";
import type { Experiment } from "./experiment.js";
import { numberFlag } from "../cli/args.js";
import { Progress } from "../cli/progress.js";
import { appendJsonl } from "../checkpoint.js";
import { readJsonl } from "./jsonl-records.js";
import { experimentOptions, pairsOf, searchFlags } from "./experiment-options.js";
import { algorithm1Settings, runArms, type Arm } from "./sample-arms.js";
import { fig5DefaultBackends } from "./fig5.js";
import { logLineChartSvg } from "./svg-lines.js";
import { markdownTable, writeReport } from "./experiment-report.js";

/** One Chimera's pocket: V(x̄, d) at each distance of the grid. */
interface PocketRecord { arm: string; sample: number; labels: number[]; distances: number[]; density: number[] }

/**
 * Figure 6 (§4.6): finds Chimeras with Algorithm 1 for every pair (as fig5), then around each one
 * estimates V(x̄, d), the fraction of float perturbations of exactly d ULP (L∞, d = 1 … 100,000 on
 * a half-decade grid) that are still Chimeras. Each Chimera's curve is appended to pockets.jsonl as
 * it finishes (resumable); fig6.svg plots the mean curve per pair.
 */
export const fig6: Experiment = {
  name: "fig6",
  summary: "Figure 6: density of Chimeras within d ULP of each found one (pockets), as SVG curves",
  flags: [...searchFlags, "perturbations"],
  async run(args, io) {
    const o = experimentOptions("fig6", args, fig5DefaultBackends.slice(0, 2));
    const draws = numberFlag(args, "perturbations", 100, { min: 1, integer: true });
    const arms: Arm[] = pairsOf(o.backendIds).map(([a, b]) => ({ id: `${a}__${b}`, backends: [a, b], settings: algorithm1Settings(o) }));
    const { outcomes, records, data, samples, setupOf } = runArms(o, arms, io);
    const log = join(o.out, `pockets-${draws}.jsonl`);
    const pockets = new Map(readJsonl<PocketRecord>(log).map((p) => [`${p.arm}/${p.sample}`, p]));
    const todo = arms.flatMap((arm) => records.get(arm.id)!.filter((r) => r.found && !pockets.has(`${arm.id}/${r.sample}`)).map((r) => ({ arm, r })));
    const progress = new Progress(io, "pockets", todo.length, "chimera");
    for (const [k, { arm, r }] of todo.entries()) {
      const setup = setupOf(arm.backends);
      const x = uint8ImageDomain.decode(Buffer.from(r.image, "base64"));
      const rng = new Rng(o.seed * 1_000_003 + r.sample);
      const p: PocketRecord = { arm: arm.id, sample: r.sample, labels: r.labels, distances: [...pocketDistances],
        density: pocketDistances.map((d) => pocketDensity(setup.model, x, setup.backends, d, draws, rng)) };
      appendJsonl(log, p);
      pockets.set(`${arm.id}/${r.sample}`, p);
      progress.update(k + 1, `sample ${r.sample}: V = ${p.density.map((v) => v.toFixed(2)).join(" ")}`);
    }
    const curves = arms.map((a) => {
      const mine = [...pockets.values()].filter((p) => p.arm === a.id && samples.includes(p.sample));
      return { pair: a.backends, chimeras: mine.length, density: pocketDistances.map((_, i) => mine.length ? mine.reduce((s, p) => s + p.density[i]!, 0) / mine.length : null) };
    });
    const svg = logLineChartSvg({
      title: `Chimeras within d ULP of a found one (${draws} draws per distance)`, xLabel: "distance d (ULP, L∞)", yLabel: "V(x̄, d)",
      x: pocketDistances, series: curves.filter((c) => c.chimeras > 0).map((c) => ({ name: `${c.pair.join(" / ")} (${c.chimeras})`, y: c.density.map((v) => v ?? 0) })),
    });
    const md = `# Figure 6: pockets around Chimeras\n\n${o.model} on ${data}, ${samples.length} random test images per pair, ` +
      `${draws} perturbations per distance; mean V(x̄, d) over the Chimeras found.\n\n` +
      markdownTable(["pair", "chimeras", ...pocketDistances.map((d) => `d=${d}`)],
        curves.map((c) => [c.pair.join(" / "), String(c.chimeras), ...c.density.map((v) => (v === null ? "-" : v.toFixed(2)))])) +
      `\n![Figure 6](fig6.svg)\n`;
    const summary = { experiment: "fig6", model: o.model, data, seed: o.seed, samples: samples.length, perturbations: draws, distances: pocketDistances, searches: outcomes, curves };
    const files = writeReport(o.out, summary, md, { "fig6.svg": svg });
    if (args.json) io.out(JSON.stringify({ ...summary, files }) + "\n");
    else io.out(md + `\nsummary in ${files.markdown}, ${files.json}; curves in ${files.figures[0]}\n`);
    return 0;
  },
};
