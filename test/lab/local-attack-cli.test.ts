import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isChimera, moduleAttackModel, uint8ImageDomain, verdicts } from "@chimera/attack";
import { getKernel, loadFmnist, loadModule, zooEntry } from "@chimera/lab";
import { runCli } from "./run-cli.js";

describe("chimera attack --method local and the experiments' --method", () => {
  const dir = mkdtempSync(join(tmpdir(), "chimera-local-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const backends = "openblas-0.3.21-haswell,openblas-0.3.21-skylakex";

  it("writes records with L0, distances and verdict counts that re-check on the backends, within --max-linf", async () => {
    const out = join(dir, "a");
    const r = await runCli("attack", "--method", "local", "--max-linf", "24", "--backends", backends, "--images", "0-3", "--fixture", "--workers", "1", "--out", out, "--json");
    expect(r.code, r.err).to.equal(0);
    const rows = readFileSync(join(out, "results.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(rows.map((x) => x.sample).sort()).to.deep.equal([0, 1, 2, 3]);
    const entry = zooEntry("fmnist-mlp"), net = entry.create().eval();
    loadModule(entry.weightsPath, net);
    const model = moduleAttackModel(net, entry.sampleShape, 10);
    const fixture = loadFmnist("test", { fixture: true, limit: 4 });
    const kernels = backends.split(",").map((id) => getKernel(id));
    for (const row of rows) {
      const image = new Uint8Array(Buffer.from(row.image, "base64"));
      const source = uint8ImageDomain.encode(fixture.x.slice(row.sample * 784, (row.sample + 1) * 784));
      let l0 = 0, linf = 0;
      image.forEach((v, i) => { const d = Math.abs(v - source[i]!); if (d) l0++; linf = Math.max(linf, d); });
      expect(row.l0).to.equal(l0);
      expect(row.distances.l0).to.equal(l0);
      expect(row.distances.linf).to.equal(linf);
      expect(row.queries).to.equal(row.checks);
      expect(linf).to.be.at.most(24);
      expect(row.checks).to.be.within(1, 200);
      const v = verdicts(model, uint8ImageDomain.decode(image), kernels);
      expect(v.labels).to.deep.equal(row.labels);
      expect(row.found).to.equal(isChimera(v.labels));
    }
    expect(JSON.parse(r.out).found).to.equal(rows.filter((x) => x.found).length);
  });

  it("refuses the local search's bounds with another method, and --method where an experiment runs every method", async () => {
    const a = await runCli("attack", "--max-linf", "16", "--backends", backends, "--images", "0", "--fixture", "--out", join(dir, "b"));
    expect(a.code).to.not.equal(0);
    expect(a.err).to.match(/--max-linf applies to --method local only/);
    const m = await runCli("attack", "--method", "local", "--max-linf", "0", "--backends", backends, "--images", "0", "--fixture", "--out", join(dir, "c"));
    expect(m.code).to.not.equal(0);
    expect(m.err).to.match(/--max-linf/);
    const t = await runCli("experiment", "table2", "--method", "local", "--samples", "1", "--fixture", "--out", join(dir, "d"));
    expect(t.code).to.not.equal(0);
    expect(t.err).to.match(/runs every method/);
    const ab = await runCli("experiment", "ablation", "--method", "local", "--samples", "1", "--fixture", "--out", join(dir, "e"));
    expect(ab.code).to.not.equal(0);
    expect(ab.err).to.match(/ablation is of Algorithm 1/);
  });

  it("--step-min: Algorithm 1 only, in range, pinned in the folder, and it changes the walk", async () => {
    const l = await runCli("attack", "--method", "local", "--step-min", "0.05", "--backends", backends, "--images", "0", "--fixture", "--out", join(dir, "s0"));
    expect(l.code).to.not.equal(0);
    expect(l.err).to.match(/--step-min applies to --method algorithm1 only/);
    const z = await runCli("attack", "--step-min", "0", "--backends", backends, "--images", "0", "--fixture", "--out", join(dir, "s1"));
    expect(z.code).to.not.equal(0);
    expect(z.err).to.match(/--step-min/);
    const run = async (out: string, ...extra: string[]) => {
      const r = await runCli("attack", "--model", "fmnist-mlp", "--warmup", "40", "--iterations", "5", "--backends", backends, "--images", "2", "--fixture", "--workers", "1", "--out", join(dir, out), ...extra);
      expect(r.code, r.err).to.equal(0);
      return JSON.parse(readFileSync(join(dir, out, "results.jsonl"), "utf8").trim()) as { image: string };
    };
    const plain = await run("s2"), floored = await run("s3", "--step-min", "0.2");
    expect(floored.image, "a floor of 0.2 takes another path than the default").to.not.equal(plain.image);
    expect(JSON.parse(readFileSync(join(dir, "s3", "config.json"), "utf8")).settings.stepMin).to.equal(0.2);
    const again = await runCli("attack", "--model", "fmnist-mlp", "--warmup", "40", "--iterations", "5", "--backends", backends, "--images", "2", "--fixture", "--workers", "1", "--out", join(dir, "s3"), "--step-min", "0.1");
    expect(again.code).to.not.equal(0);
    expect(again.err).to.match(/stepMin/);
  });

  it("experiments take --targets runner-up and pin it: a rerun with random targets into the same folder is refused", async () => {
    const out = join(dir, "f5-ru");
    const run = (...extra: string[]) => runCli("experiment", "fig5", "--samples", "1", "--warmup", "5", "--iterations", "5", "--fixture", "--workers", "1", "--backends", backends, "--out", out, ...extra);
    const r = await run("--targets", "runner-up");
    expect(r.code, r.err).to.equal(0);
    const config = JSON.parse(readFileSync(join(out, "config.json"), "utf8")) as { arms: { settings: { targets: string } }[] };
    expect(config.arms.map((a) => a.settings.targets)).to.deep.equal(["runner-up"]);
    const again = await run();
    expect(again.code).to.not.equal(0);
    expect(again.err).to.match(/targets/);
    const bad = await runCli("experiment", "fig5", "--targets", "nearest", "--samples", "1", "--fixture", "--out", join(dir, "f5-bad"));
    expect(bad.code).to.equal(2);
    expect(bad.err).to.match(/random.*runner-up/);
  });

  it("fig5 --method local pins the method: a rerun with Algorithm 1 into the same folder is refused", async () => {
    const out = join(dir, "f5");
    const r = await runCli("experiment", "fig5", "--method", "local", "--samples", "2", "--fixture", "--workers", "1", "--backends", backends, "--out", out, "--json");
    expect(r.code, r.err).to.equal(0);
    const j = JSON.parse(r.out);
    expect(j.method).to.equal("local");
    expect(j.pairs[0].n).to.equal(2);
    const again = await runCli("experiment", "fig5", "--samples", "2", "--fixture", "--workers", "1", "--backends", backends, "--out", out);
    expect(again.code).to.not.equal(0);
  });
});
