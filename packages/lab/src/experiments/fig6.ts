import { existsSync, mkdirSync, readFileSync, readdirSync, statSync } from "node:fs";
import { convModes, type ConvMode } from "../conv-mode.js";
import { join, resolve } from "node:path";
import { openResultsFolder, RESULTS_FORMAT } from "../results-folder.js";
import { chimeraVersion } from "../version.js";
import { pocketDensity, pocketDistances, uint8ImageDomain, verdicts } from "@chimera/attack";
import { Rng } from "@chimera/tensor";
import type { Experiment } from "./experiment.js";
import { getNumber, maybeString, UsageError } from "../cli/args.js";
import type { CommandIO, ParsedArgs } from "../cli/command.js";
import { setupAttack, type AttackSetup, type SampleRecord } from "../chimera-run.js";
import { Progress } from "../cli/progress.js";
import { appendJsonl } from "../checkpoint.js";
import { readJsonl } from "./jsonl-records.js";
import { lockResultsFolder } from "../results-lock.js";
import { experimentOptions, pairsOf, searchFlags, type ExperimentOptions } from "./experiment-options.js";
import { searchSettings, runArms, type Arm } from "./sample-arms.js";
import { fig5DefaultBackends } from "./fig5.js";
import { logLineChartSvg } from "./svg-lines.js";
import { markdownTable, writeReport } from "./experiment-report.js";

/** One Chimera's pocket: V(x̄, d) at each distance of the grid. */
interface PocketRecord { arm: string; sample: number; labels: number[]; distances: number[]; density: number[] }

/** The Chimeras to measure, per arm (a JSONL file of searches), and the setup that judges them. */
interface ChimeraSource {
  arms: { id: string; backends: string[]; n: number; found: number; chimeras: SampleRecord[] }[];
  setupOf: (backends: readonly string[]) => Pick<AttackSetup, "model" | "backends">;
  /** For the report: where the Chimeras come from. */
  describe: string;
  searches: object[];
}

/** Flags that shape a search, meaningless with --from (which reads searches already made). */
const searchOnlyFlags = ["samples", "warmup", "iterations", "data-dir", "fixture", "backends", "shard"];

/**
 * Figure 6 (§4.6): finds Chimeras with Algorithm 1 for every pair (as fig5), or with --from DIR reads
 * those already found in DIR (a fig5, table2, ablation or fig6 folder, or a `chimera attack` one:
 * every found record of its *.jsonl files); then around each one estimates V(x̄, d), the fraction of
 * float perturbations of exactly d ULP (L∞, d = 1 … 100,000 on a half-decade grid) that are still
 * Chimeras. Each Chimera's curve is appended to pockets-<draws>.jsonl as it finishes (resumable);
 * fig6.svg plots the mean curve per pair.
 */
export const fig6: Experiment = {
  name: "fig6",
  summary: "Figure 6: density of Chimeras within d ULP of each found one (pockets), as SVG curves; --from DIR reuses found ones",
  flags: { ...searchFlags, perturbations: { type: "int", min: 1, max: 1_000_000, default: 100 }, from: { type: "path" } },
  async run(args, io) {
    const o = experimentOptions("fig6", args, fig5DefaultBackends.slice(0, 2));
    const draws = getNumber(args, "perturbations");
    const from = maybeString(args, "from");
    mkdirSync(o.out, { recursive: true });
    const release = lockResultsFolder(o.out, (line) => io.err(`${line}\n`)); // held through the pockets too
    try {
      return await fig6In(o, draws, from, args, io);
    } finally {
      release();
    }
  },
};

/** Figure 6 in a results folder this process holds. */
async function fig6In(o: ExperimentOptions, draws: number, from: string | undefined, args: ParsedArgs, io: CommandIO): Promise<number> {
  if (from) o = { ...o, ...settingsOf(from, o, args) };
  const src = from ? chimerasFrom(from, o.model, o.weights, args, o.conv) : await searchedChimeras(o, io);
  if (from) {
    // Pockets measured on Chimeras read from elsewhere: pin that source and what judges them (runArms pins the searched case).
    const judge = src.setupOf(src.arms.find((a) => a.found > 0)!.backends) as AttackSetup;
    const pins = { format: RESULTS_FORMAT, chimera: chimeraVersion, experiment: "fig6", from: resolve(from), model: o.model,
      weightsSha256: judge.weightsSha256, seed: o.seed, arms: src.arms.map((a) => ({ id: a.id, backends: a.backends, chimeras: a.chimeras.map((r) => r.sample) })) };
    openResultsFolder(o.out, pins, (line) => io.err(`${line}\n`)).release(); // the lock stays held by fig6 itself
  }
  const log = join(o.out, `pockets-${draws}.jsonl`);
  const pockets = new Map(readJsonl<PocketRecord>(log).map((p) => [`${p.arm}/${p.sample}`, p]));
  const todo = src.arms.flatMap((arm) => arm.chimeras.filter((r) => !pockets.has(`${arm.id}/${r.sample}`)).map((r) => ({ arm, r })));
  const progress = new Progress(io, "pockets", todo.length, "chimera");
  for (const [k, { arm, r }] of todo.entries()) {
    const setup = src.setupOf(arm.backends);
    const x = uint8ImageDomain.decode(Buffer.from(r.image, "base64"));
    const rng = new Rng(o.seed * 1_000_003 + r.sample);
    const p: PocketRecord = { arm: arm.id, sample: r.sample, labels: r.labels, distances: [...pocketDistances],
      density: pocketDistances.map((d) => pocketDensity(setup.model, x, setup.backends, d, draws, rng)) };
    appendJsonl(log, p);
    pockets.set(`${arm.id}/${r.sample}`, p);
    progress.update(k + 1, `sample ${r.sample}: V = ${p.density.map((v) => v.toFixed(2)).join(" ")}`);
  }
  const curves = src.arms.map((a) => {
    const wanted = new Set(a.chimeras.map((r) => r.sample));
    const mine = [...pockets.values()].filter((p) => p.arm === a.id && wanted.has(p.sample));
    return { pair: a.backends, chimeras: mine.length, density: pocketDistances.map((_, i) => mine.length ? mine.reduce((s, p) => s + p.density[i]!, 0) / mine.length : null) };
  });
  const svg = logLineChartSvg({
    title: `Chimeras within d ULP of a found one (${draws} draws per distance)`, xLabel: "distance d (ULP, L∞)", yLabel: "V(x̄, d)",
    x: pocketDistances, series: curves.filter((c) => c.chimeras > 0).map((c) => ({ name: `${c.pair.join(" / ")} (${c.chimeras})`, y: c.density.map((v) => v ?? 0) })),
  });
  const md = `# Figure 6: pockets around Chimeras\n\n${o.model}, ${src.describe}, ` +
    `${draws} perturbations per distance; mean V(x̄, d) over the Chimeras found.\n\n` +
    markdownTable(["pair", "chimeras", ...pocketDistances.map((d) => `d=${d}`)],
      curves.map((c) => [c.pair.join(" / "), String(c.chimeras), ...c.density.map((v) => (v === null ? "-" : v.toFixed(2)))])) +
    `\n![Figure 6](fig6.svg)\n`;
  const summary = { experiment: "fig6", model: o.model, source: src.describe, ...(from ? { from } : {}), seed: o.seed, perturbations: draws, distances: pocketDistances, searches: src.searches, curves };
  const files = writeReport(o.out, summary, md, { "fig6.svg": svg });
  if (args.json) io.out(JSON.stringify({ ...summary, files }) + "\n");
  else io.out(md + `\nsummary in ${files.markdown}, ${files.json}; curves in ${files.figures[0]}\n`);
  return 0;
}

/** Algorithm 1 on every pair of --backends (as fig5), resumable like every experiment. */
async function searchedChimeras(o: ExperimentOptions, io: CommandIO): Promise<ChimeraSource> {
  const arms: Arm[] = pairsOf(o.backendIds).map(([a, b]) => ({ id: `${a}__${b}`, backends: [a, b], settings: searchSettings(o) }));
  const { outcomes, records, data, samples, setupOf } = await runArms(o, arms, io);
  return {
    arms: arms.map((a) => {
      const rows = records.get(a.id)!;
      return { id: a.id, backends: a.backends, n: rows.length, found: rows.filter((r) => r.found).length, chimeras: rows.filter((r) => r.found) };
    }),
    setupOf, describe: `${data}, ${samples.length} random test images per pair`, searches: outcomes,
  };
}

/**
 * The model and convolution mode the folder `dir` was searched with, from its config.json (a folder without one,
 * written before results were pinned, keeps the flags): a Chimera is one only for the model that found it, so a
 * --model or --conv given that differs from the folder's is an error naming both, and one not given is the folder's.
 */
function settingsOf(dir: string, o: ExperimentOptions, args: ParsedArgs): { model: string; conv: ConvMode } {
  const path = join(dir, "config.json");
  if (!existsSync(path)) return { model: o.model, conv: o.conv };
  let config: { model?: unknown; conv?: unknown };
  try { config = JSON.parse(readFileSync(path, "utf8")) as typeof config; } catch (e) { throw new Error(`--from: ${path} is not JSON (${(e as Error).message})`); }
  const model = typeof config.model === "string" ? config.model : o.model;
  if (config.conv !== undefined && !convModes.includes(config.conv as ConvMode)) {
    throw new Error(`--from: ${path} names conv ${JSON.stringify(config.conv)}, not one of ${convModes.join(", ")}`);
  }
  const conv = config.conv === undefined ? o.conv : (config.conv as ConvMode);
  if (args.flags.has("model") && o.model !== model) throw new UsageError(`--from ${dir} holds Chimeras of --model ${model} (its config.json), not --model ${o.model}; drop --model`);
  if (args.flags.has("conv") && config.conv !== undefined && o.conv !== conv) throw new UsageError(`--from ${dir} holds Chimeras found with --conv ${conv} (its config.json), not --conv ${o.conv}; drop --conv`);
  return { model, conv };
}

/**
 * The Chimeras already found in `dir`: every record with found = true in its *.jsonl files (pocket
 * logs aside), one arm per file. Each is re-judged on its backends first; one that is no Chimera
 * there (other weights, another model) is an error naming its file and sample.
 */
function chimerasFrom(dir: string, model: string, weights: string | undefined, args: ParsedArgs, conv: ConvMode): ChimeraSource {
  for (const f of searchOnlyFlags) if (args.flags.has(f)) throw new UsageError(`--from ${dir} measures the Chimeras already there; --${f} does not apply`);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`--from: ${dir} is not a folder`);
  const files = readdirSync(dir).filter((f) => f.endsWith(".jsonl") && !f.startsWith("pockets-")).sort();
  const cache = new Map<string, AttackSetup>();
  const setupOf = (backends: readonly string[]) => {
    const key = backends.join(",");
    if (!cache.has(key)) cache.set(key, setupAttack(model, backends, { fixture: true, ...(weights ? { weights } : {}), conv }));
    return cache.get(key)!;
  };
  const arms: ChimeraSource["arms"] = [];
  for (const f of files) {
    const rows = readJsonl<SampleRecord>(join(dir, f)).filter((r) => Number.isInteger(r.sample) && Array.isArray(r.backends));
    if (rows.length === 0) continue;
    const backends = rows[0]!.backends;
    const chimeras = [...new Map(rows.filter((r) => r.found).map((r) => [r.sample, r])).values()];
    for (const r of chimeras) {
      if (r.backends.join() !== backends.join()) throw new Error(`--from: ${join(dir, f)} mixes backends (${backends.join(",")} and ${r.backends.join(",")})`);
      const setup = setupOf(backends);
      const labels = verdicts(setup.model, uint8ImageDomain.decode(Buffer.from(r.image, "base64")), setup.backends).labels;
      if (labels.join() !== r.labels.join()) {
        throw new Error(`--from: sample ${r.sample} of ${join(dir, f)} gets labels ${labels.join("/")} on ${backends.join(", ")}, ` +
          `but was recorded with ${r.labels.join("/")}; was it found with other --weights or another --model?`);
      }
    }
    arms.push({ id: f.slice(0, -".jsonl".length), backends, n: new Set(rows.map((r) => r.sample)).size, found: chimeras.length, chimeras });
  }
  if (arms.every((a) => a.found === 0)) throw new Error(`--from: no Chimera examples in the *.jsonl files of ${dir} (found ${files.length} files)`);
  return {
    arms, setupOf, describe: `the Chimeras found in ${dir} (${arms.map((a) => `${a.id}: ${a.found}/${a.n}`).join(", ")})`,
    searches: arms.map(({ chimeras: _c, ...rest }) => rest),
  };
}
