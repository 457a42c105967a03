import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "./run-cli.js";
import { experimentFlagSpecs, experiments } from "@chimera/lab";

/** All JSON lines of the .jsonl files in `dir`, by file name. */
function jsonlLines(dir: string): Map<string, { sample: number; found: boolean; backends: string[]; targets: number[]; trueLabel: number }[]> {
  const out = new Map();
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort()) {
    out.set(f, readFileSync(join(dir, f), "utf8").trim().split("\n").map((l) => JSON.parse(l)));
  }
  return out;
}

describe("chimera experiment", () => {
  const dir = mkdtempSync(join(tmpdir(), "chimera-experiment-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const small = ["--fixture", "--warmup", "60", "--iterations", "40"];
  const pair = ["--backends", "openblas-0.3.21-haswell,blis-0.9.0-generic"];

  it("--help starts with the usage line and lists every experiment", async () => {
    const r = await runCli("experiment", "--help");
    expect(r.code).to.equal(0);
    expect(r.out).to.match(/^Usage: chimera experiment/);
    for (const name of ["fig5", "table2", "ablation", "fig6"]) expect(r.out).to.contain(`  ${name}`);
    expect(r.out).to.contain("default 1024");
  });

  it("fig5 writes one JSONL per pair, a summary (JSON and markdown) and an SVG heatmap that agree", async () => {
    const out = join(dir, "fig5");
    const ids = ["openblas-0.3.21-haswell", "openblas-0.3.21-skylakex", "blis-0.9.0-generic"];
    const r = await runCli("experiment", "fig5", "--samples", "2", "--backends", ids.join(","), ...small, "--out", out, "--json");
    expect(r.code, r.err).to.equal(0);
    const s = JSON.parse(r.out);
    const lines = jsonlLines(out);
    expect([...lines.keys()]).to.have.length(3);
    expect(s.pairs.map((p: { backends: string[] }) => p.backends)).to.deep.equal([[ids[0], ids[1]], [ids[0], ids[2]], [ids[1], ids[2]]]);
    for (const p of s.pairs) {
      const rows = lines.get(`${p.backends.join("__")}.jsonl`)!;
      expect(rows.map((l) => l.backends)).to.deep.equal([p.backends, p.backends]);
      expect(p.n).to.equal(2);
      expect(p.found).to.equal(rows.filter((l) => l.found).length);
      for (const l of rows) {
        expect(l.targets[0]).to.equal(l.trueLabel);
        expect(l.targets[1]).to.not.equal(l.trueLabel);
      }
    }
    // every pair ran on the same two images
    const samples = [...lines.values()].map((rows) => rows.map((l) => l.sample).sort());
    expect(new Set(samples.map((x) => x.join()))).to.have.property("size", 1);
    expect(s.matrix[0][0]).to.equal(null);
    expect(s.matrix[1][0]).to.equal(s.matrix[0][1]);
    expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).pairs).to.deep.equal(s.pairs);
    const md = readFileSync(join(out, "summary.md"), "utf8");
    expect(md).to.contain(`| ${ids[0]} | ${ids[2]} | ${s.pairs[1].found}/2 |`);
    const svg = readFileSync(join(out, "fig5.svg"), "utf8");
    expect(svg).to.match(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg.match(/<rect /g)).to.have.length(9);
    expect(svg.trimEnd().endsWith("</svg>")).to.equal(true);
    for (const id of ids) expect(svg).to.contain(id);
  });

  it("a repeated or extended run resumes without repeating or losing a sample", async () => {
    const out = join(dir, "resume");
    const args = ["experiment", "fig5", ...pair, ...small, "--out", out];
    const first = await runCli(...args, "--samples", "2");
    expect(first.code, first.err).to.equal(0);
    const before = jsonlLines(out).get("openblas-0.3.21-haswell__blis-0.9.0-generic.jsonl")!;
    const again = await runCli(...args, "--samples", "2");
    expect(again.code, again.err).to.equal(0);
    expect(again.err).to.contain("resuming: 2 of 2 samples already in");
    const more = await runCli(...args, "--samples", "3", "--json");
    expect(more.code, more.err).to.equal(0);
    expect(more.err).to.contain("resuming: 2 of 3 samples already in");
    const after = jsonlLines(out).get("openblas-0.3.21-haswell__blis-0.9.0-generic.jsonl")!;
    expect(after).to.have.length(3);
    expect(after.slice(0, 2)).to.deep.equal(before);
    expect(new Set(after.map((l) => l.sample)).size).to.equal(3);
    expect(JSON.parse(more.out).pairs[0].n).to.equal(3);
    const other = await runCli(...args, "--samples", "2", "--seed", "4");
    expect(other.code).to.equal(1);
    expect(other.err).to.match(/holds results made with arms\[0\]\.settings\.seed = 0, but this run has arms\[0\]\.settings\.seed = 4/);
  });

  it("a run killed mid-line resumes: the torn sample is run again and no record is lost", async () => {
    const out = join(dir, "torn");
    const args = ["experiment", "fig5", ...pair, ...small, "--out", out];
    const first = await runCli(...args, "--samples", "3");
    expect(first.code, first.err).to.equal(0);
    const file = join(out, "openblas-0.3.21-haswell__blis-0.9.0-generic.jsonl");
    const whole = readFileSync(file, "utf8").trim().split("\n");
    writeFileSync(file, whole.slice(0, 2).join("\n") + "\n" + whole[2]!.slice(0, 40)); // killed while writing the third
    const again = await runCli(...args, "--samples", "3", "--json");
    expect(again.code, again.err).to.equal(0);
    expect(again.err).to.contain("resuming: 2 of 3 samples already in");
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(again.err).to.contain("cut off a torn last line (40 bytes)");
    expect(lines).to.have.length(3); // the torn line is cut off before the rerun appends
    const { seconds: _a, ...rerun } = JSON.parse(lines[2]!), { seconds: _b, ...lost } = JSON.parse(whole[2]!);
    expect(rerun).to.deep.equal(lost, "the rerun reproduces the lost sample");
    expect(JSON.parse(again.out).pairs[0].n).to.equal(3);
  });

  it("table2 runs Algorithm 1, the local search and the three baselines on the same images of one pair and writes the table", async () => {
    const out = join(dir, "table2");
    const r = await runCli("experiment", "table2", "--samples", "2", ...pair, ...small, "--out", out, "--json");
    expect(r.code, r.err).to.equal(0);
    const s = JSON.parse(r.out);
    expect(s.methods.map((m: { method: string }) => m.method)).to.deep.equal(["algorithm1", "local", "binary-search", "boundary-samples", "carlini-wagner"]);
    const lines = jsonlLines(out);
    expect([...lines.keys()]).to.deep.equal(["algorithm1.jsonl", "binary-search.jsonl", "boundary-samples.jsonl", "carlini-wagner.jsonl", "local.jsonl"]);
    const samples = [...lines.values()].map((rows) => rows.map((l) => l.sample).sort().join());
    expect(new Set(samples).size).to.equal(1);
    for (const l of lines.get("carlini-wagner.jsonl")! as unknown as { checks: number; iterations: number; targets: number[] }[]) {
      expect(l.checks).to.equal(1);
      expect(l.iterations).to.be.within(1, 1800);
      expect(l.targets[0]).to.not.equal(l.targets[1]);
    }
    const md = readFileSync(join(out, "summary.md"), "utf8");
    expect(md).to.contain(`| Ours (boundary-then-local search) | ${s.methods[1].found}/2 |`);
    expect(md).to.contain(`| Binary search | ${s.methods[2].found}/2 |`);
    expect(md).to.contain(`| Adv. examples (C&W L2) | ${s.methods[4].found}/2 |`);
    const three = await runCli("experiment", "table2", "--backends", "openblas-0.3.21-haswell,blis-0.9.0-generic,netlib-3.11", "--fixture", "--out", join(dir, "bad"));
    expect(three.code).to.equal(2);
    expect(three.err).to.contain("exactly two ids, got 3");
  });

  it("ablation runs both gradient variants per pair and records the setting of each", async () => {
    const out = join(dir, "ablation");
    const r = await runCli("experiment", "ablation", "--samples", "2", ...pair, ...small, "--out", out, "--json");
    expect(r.code, r.err).to.equal(0);
    const s = JSON.parse(r.out);
    expect(s.pairs).to.have.length(1);
    expect(s.pairs[0].quantized.gradientAt).to.equal("quantized");
    expect(s.pairs[0].unquantized.gradientAt).to.equal("unquantized");
    const config = JSON.parse(readFileSync(join(out, "config.json"), "utf8"));
    expect(config.arms.map((a: { settings: { gradientAt: string } }) => a.settings.gradientAt)).to.deep.equal(["quantized", "unquantized"]);
    expect(jsonlLines(out).size).to.equal(2);
  });

  it("fig6 searches, then writes pocket curves over the ULP grid as summary and SVG", async () => {
    const out = join(dir, "fig6");
    const r = await runCli("experiment", "fig6", "--samples", "1", ...pair, ...small, "--perturbations", "2", "--out", out, "--json");
    expect(r.code, r.err).to.equal(0);
    const s = JSON.parse(r.out);
    expect(s.distances[0]).to.equal(1);
    expect(s.distances.at(-1)).to.equal(100000);
    expect(s.curves).to.have.length(1);
    expect(s.curves[0].chimeras).to.equal(s.searches[0].found);
    const svg = readFileSync(join(out, "fig6.svg"), "utf8");
    expect(svg).to.contain("1e5");
    expect(readFileSync(join(out, "summary.md"), "utf8")).to.contain("d=100000");
    const bad = await runCli("experiment", "fig5", ...pair, "--perturbations", "3");
    expect(bad.code).to.equal(2);
    expect(bad.err).to.contain("experiment fig5 takes no --perturbations");
  });

  it("fig6 --from measures the Chimeras already in a results folder, re-judged on their backends, and resumes", async () => {
    const from = join(dir, "from");
    mkdirSync(from, { recursive: true });
    const chimera = readFileSync(fileURLToPath(new URL("../../../test/fixtures/chimeras/haswell-blis-image19.jsonl", import.meta.url)), "utf8").trim();
    const miss = { ...JSON.parse(chimera), sample: 3, found: false };
    writeFileSync(join(from, "results.jsonl"), chimera + "\n" + JSON.stringify(miss) + "\n");
    const out = join(dir, "fig6-from");
    const args = ["experiment", "fig6", "--from", from, "--perturbations", "2", "--out", out, "--json"];
    const r = await runCli(...args);
    expect(r.code, r.err).to.equal(0);
    const s = JSON.parse(r.out);
    expect(s.searches).to.deep.equal([{ id: "results", backends: ["openblas-0.3.21-haswell", "blis-0.9.0-generic"], n: 2, found: 1 }]);
    expect(s.curves[0].chimeras).to.equal(1);
    expect(s.curves[0].density).to.have.length(11);
    const pockets = readFileSync(join(out, "pockets-2.jsonl"), "utf8").trim().split("\n");
    expect(pockets.map((l) => JSON.parse(l).sample)).to.deep.equal([19]);
    expect(JSON.parse(pockets[0]!).density.at(-1), "100,000 ULP is far outside any CPU pocket").to.equal(0);
    const again = await runCli(...args);
    expect(again.code, again.err).to.equal(0);
    expect(readFileSync(join(out, "pockets-2.jsonl"), "utf8").trim().split("\n")).to.have.length(1);
    const pgd = fileURLToPath(new URL("../../../packages/lab/weights/fmnist-mlp-pgd.safetensors", import.meta.url));
    const other = await runCli("experiment", "fig6", "--from", from, "--weights", pgd, "--perturbations", "2", "--out", join(dir, "bad"));
    expect(other.code).to.equal(1);
    expect(other.err).to.match(/sample 19 of .*results.jsonl gets labels .* but was recorded with/);
    const mixed = await runCli("experiment", "fig6", "--from", from, "--samples", "3", "--out", join(dir, "bad"));
    expect(mixed.code).to.equal(2);
    expect(mixed.err).to.contain("--samples does not apply");
    const empty = await runCli("experiment", "fig6", "--from", join(dir, "fig5"), "--out", join(dir, "bad"));
    if (empty.code !== 0) expect(empty.err, empty.err).to.contain("no Chimera examples");
    const missing = await runCli("experiment", "fig6", "--from", join(dir, "nowhere"), "--out", join(dir, "bad"));
    expect(missing.code).to.equal(1);
    expect(missing.err).to.contain("is not a folder");
  });

  it("fig6 --from a CNN's folder judges its Chimeras with the model and --conv its config.json names", async () => {
    // A Chimera fmnist-vgg --conv blas found between the real OpenBLAS Haswell and netlib, judged here on their
    // emulations (bit-identical to them on these calls), so the test needs no native library.
    const src = fileURLToPath(new URL("../../../docs/experiments/fig5-8-vgg-blas-native/", import.meta.url));
    const rename = (id: string) => ({ "openblas-0.3.21-haswell-serial": "openblas-0.3.21-haswell", "netlib-3.11.0-generic": "netlib-3.11" })[id] ?? id;
    const record = JSON.parse(readFileSync(join(src, "openblas-0.3.21-haswell-serial__netlib-3.11.0-generic.jsonl"), "utf8").split("\n")[0]!);
    const from = join(dir, "from-vgg");
    mkdirSync(from, { recursive: true });
    writeFileSync(join(from, "config.json"), readFileSync(join(src, "config.json"), "utf8"));
    writeFileSync(join(from, "pair.jsonl"), JSON.stringify({ ...record, backends: record.backends.map(rename) }) + "\n");
    const r = await runCli("experiment", "fig6", "--from", from, "--perturbations", "1", "--out", join(dir, "fig6-vgg"), "--json");
    expect(r.code, r.err).to.equal(0);
    const s = JSON.parse(r.out);
    expect(s.model).to.equal("fmnist-vgg");
    expect(s.curves[0].chimeras).to.equal(1);
    const wrongModel = await runCli("experiment", "fig6", "--from", from, "--model", "fmnist-mlp", "--out", join(dir, "bad"));
    expect(wrongModel.code).to.equal(2);
    expect(wrongModel.err).to.contain("holds Chimeras of --model fmnist-vgg");
    const wrongConv = await runCli("experiment", "fig6", "--from", from, "--conv", "shared", "--out", join(dir, "bad"));
    expect(wrongConv.code).to.equal(2);
    expect(wrongConv.err).to.contain("found with --conv blas");
    // --conv torch (PyTorch's own dispatch): a Chimera found on the emulations is judged with that mode, not the default.
    const tsrc = fileURLToPath(new URL("../../../docs/experiments/fig5-8-vgg-torch-emulated/", import.meta.url));
    const tfrom = join(dir, "from-vgg-torch");
    mkdirSync(tfrom, { recursive: true });
    writeFileSync(join(tfrom, "config.json"), readFileSync(join(tsrc, "config.json"), "utf8"));
    const found = readFileSync(join(tsrc, "openblas-0.3.21-haswell__netlib-3.11.jsonl"), "utf8").split("\n").find((l) => l.includes('"found":true'))!;
    writeFileSync(join(tfrom, "pair.jsonl"), found + "\n");
    const t = await runCli("experiment", "fig6", "--from", tfrom, "--perturbations", "1", "--out", join(dir, "fig6-vgg-torch"), "--json");
    expect(t.code, t.err).to.equal(0);
    expect(JSON.parse(t.out).curves[0].chimeras).to.equal(1);
    const config = JSON.parse(readFileSync(join(tsrc, "config.json"), "utf8"));
    writeFileSync(join(tfrom, "config.json"), JSON.stringify({ ...config, conv: "onednn" }));
    const unknownConv = await runCli("experiment", "fig6", "--from", tfrom, "--out", join(dir, "bad2"));
    expect(unknownConv.code).to.not.equal(0);
    expect(unknownConv.err).to.match(/names conv "onednn", not one of shared, blas, torch/);
  });

  it("experiments declare typed flags; a name declared twice must have one spec", async () => {
    const fig5 = experiments.find((e) => e.name === "fig5")!;
    const merged = experimentFlagSpecs(experiments);
    expect(Object.entries(merged).filter(([, s]) => s.type === "boolean").map(([k]) => k)).to.deep.equal(["fixture"]);
    const clash = { ...fig5, name: "clash", flags: { verbose: { type: "boolean" as const } } };
    expect(() => experimentFlagSpecs([fig5, clash, { ...fig5, name: "valued", flags: { verbose: { type: "int" as const, min: 0, max: 9 } } }]))
      .to.throw(/experiment valued: --verbose is declared as .*"int".* here but as .*"boolean".* in clash/);
    const eq = await runCli("experiment", "fig5", "--fixture=yes");
    expect(eq.code).to.equal(2);
    expect(eq.err).to.contain("--fixture takes no value");
  });

  it("bad input fails with a reason naming the subject and a non-zero exit code", async () => {
    const unknown = await runCli("experiment", "fig99");
    expect(unknown.code).to.equal(2);
    expect(unknown.err).to.contain('unknown experiment "fig99"');
    expect(unknown.err).to.contain("fig5");
    const one = await runCli("experiment", "fig5", "--backends", "openblas-0.3.21-haswell", "--out", join(dir, "bad"));
    expect(one.code).to.equal(2);
    expect(one.err).to.contain('--backends "openblas-0.3.21-haswell" has 1 item(s); expected 2 or more comma-separated items');
    const badId = await runCli("experiment", "fig5", "--backends", "openblas-0.3.21-haswell,no-such-blas", "--samples", "1", "--fixture", "--out", join(dir, "bad"));
    expect(badId.code).to.equal(2);
    expect(badId.err).to.contain('unknown backend "no-such-blas"; nearest: ');
    const tooMany = await runCli("experiment", "fig5", ...pair, "--fixture", "--out", join(dir, "bad"));
    expect(tooMany.code).to.equal(2);
    expect(tooMany.err).to.contain("--samples 1024 exceeds the 200 images");
    const none = await runCli("experiment");
    expect(none.code).to.equal(2);
    expect(none.err).to.contain("expected an experiment: fig5, ");
  });
});
