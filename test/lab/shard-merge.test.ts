import { expect } from "chai";
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { interleavePlan, parseShard, shardOf } from "@chimera/lab";
import { runCli } from "./run-cli.js";

/** Every JSONL file of `dir`, by name: its records in file order, without the timing (seconds). */
function records(dir: string): Record<string, Record<string, unknown>[]> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".jsonl")).sort()) {
    out[f] = readFileSync(join(dir, f), "utf8").trim().split("\n").map((l) => {
      const { seconds: _s, ...r } = JSON.parse(l) as Record<string, unknown>;
      return r;
    });
  }
  return out;
}

/** summary.json without timing fields and with the folder's own path taken out. */
function summary(dir: string): unknown {
  return JSON.parse(readFileSync(join(dir, "summary.json"), "utf8").replaceAll(dir, "OUT"), (k, v) => (k === "meanSeconds" || k === "secondsThisRun" ? undefined : v));
}

/** summary.md with the timing column (the last: mean s/sample) blanked. */
const markdown = (dir: string) => readFileSync(join(dir, "summary.md"), "utf8").replace(/\| [\d.]+ \|$/gm, "| s |");

describe("--shard I/N and chimera merge", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "chimera-shard-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const ids = "openblas-0.3.21-haswell,openblas-0.3.21-skylakex,blis-0.9.0-generic";
  // The local search with 3 verdicts finds some Chimeras and misses others: both kinds of record are merged.
  const fig5 = ["experiment", "fig5", "--fixture", "--method", "local", "--max-queries", "3", "--samples", "7", "--backends", ids];

  it("shards partition the plan round-robin and interleave back; bad --shard values are usage errors", async () => {
    expect(parseShard("2/3")).to.deep.equal({ index: 2, count: 3 });
    for (const bad of ["0/3", "4/3", "1/0", "a/b", "1", "-1/2", "1/2/3"]) expect(parseShard(bad), bad).to.be.a("string");
    const plan = [9, 4, 7, 1, 0, 3, 8];
    const parts = [1, 2, 3].map((index) => shardOf(plan, { index, count: 3 }));
    expect(parts).to.deep.equal([[9, 1, 8], [4, 0], [7, 3]]);
    expect(interleavePlan(parts)).to.deep.equal(plan);
    const r = await runCli(...fig5, "--shard", "4/3", "--out", join(dir, "bad"));
    expect(r.code).to.equal(2);
    expect(r.err).to.contain('--shard "4/3": has I = 4; I counts from 1 to N = 3');
    const many = await runCli(...fig5, "--shard", "1/8", "--out", join(dir, "bad"));
    expect(many.code).to.equal(2);
    expect(many.err).to.contain("more shards than the 7 samples");
  });

  it("fig5 in 3 shards, merged, equals the unsharded run: records in order, config, summary, report and heatmap", async () => {
    const full = await runCli(...fig5, "--workers", "1", "--out", join(dir, "full"));
    expect(full.code, full.err).to.equal(0);
    for (const i of [1, 2, 3]) {
      const r = await runCli(...fig5, "--shard", `${i}/3`, "--workers", i === 1 ? "2" : "1", "--out", join(dir, `shard-${i}`));
      expect(r.code, r.err).to.equal(0);
      expect(JSON.parse(readFileSync(join(dir, `shard-${i}`, "config.json"), "utf8")).shard).to.include({ index: i, count: 3, of: 7 });
    }
    // given out of order: merge orders them by shard
    const m = await runCli("merge", "--out", join(dir, "merged"), join(dir, "shard-3"), join(dir, "shard-1"), join(dir, "shard-2"));
    expect(m.code, m.err).to.equal(0);
    expect(m.err).to.contain("merged 3 shards (7 samples, 21 records in 3 files)");
    const want = records(join(dir, "full")), got = records(join(dir, "merged"));
    expect(Object.keys(want)).to.have.length(3);
    expect(got).to.deep.equal(want);
    const found = Object.values(want).flat().filter((r) => r.found).length;
    expect(found, "some searches find a Chimera").to.be.within(1, 20);
    expect(readFileSync(join(dir, "merged", "config.json"), "utf8")).to.equal(readFileSync(join(dir, "full", "config.json"), "utf8"));
    expect(summary(join(dir, "merged"))).to.deep.equal(summary(join(dir, "full")));
    expect(markdown(join(dir, "merged"))).to.equal(markdown(join(dir, "full")));
    expect(readFileSync(join(dir, "merged", "fig5.svg"), "utf8")).to.equal(readFileSync(join(dir, "full", "fig5.svg"), "utf8"));
    // the merged folder is an ordinary results folder: rerunning the unsharded command there resumes with nothing to do
    const again = await runCli(...fig5, "--workers", "1", "--out", join(dir, "merged"));
    expect(again.code, again.err).to.equal(0);
    expect(again.err).to.contain("resuming: 21 of 21 samples already in");
  });

  it("merge refuses folders that are not shards', mismatched configs, a shard twice, missing shards, duplicate records and unfinished shards", async () => {
    const s = (i: number) => join(dir, `shard-${i}`);
    const merge = (...dirs: string[]) => runCli("merge", "--out", join(dir, `m-${Math.random().toString(36).slice(2)}`), ...dirs);
    const plain = join(dir, "plain");
    mkdirSync(plain);
    writeFileSync(join(plain, "note.txt"), "not a results folder\n");
    let r = await merge(plain, s(2));
    expect([r.code, r.err]).to.deep.equal([2, `chimera merge: ${plain} is not a chimera results folder: it has no config.json (see: chimera merge --help)\n`]);
    r = await merge(join(dir, "full"), s(2));
    expect(r.code).to.equal(2);
    expect(r.err).to.contain("was not run with --shard");
    r = await runCli("merge", "--out", join(dir, "full"), s(1), s(2), s(3));
    expect(r.code).to.equal(2);
    expect(r.err).to.contain("is not empty");
    r = await runCli("merge", s(1));
    expect(r.code).to.equal(2);
    expect(r.err).to.contain("--out DIR is needed");

    const other = await runCli(...fig5.map((a) => (a === "3" ? "4" : a)), "--shard", "2/3", "--out", join(dir, "other-2"));
    expect(other.code, other.err).to.equal(0);
    r = await merge(s(1), join(dir, "other-2"), s(3));
    expect(r.code).to.equal(1);
    expect(r.err).to.match(/other-2 was run with arms\[0\]\.settings\.maxQueries = 4, but .*shard-1 with 3; shards of one run share every setting but the shard/);

    r = await merge(s(1), s(2));
    expect([r.code, r.err]).to.deep.equal([1, "chimera merge: shards missing: 3/3 (got 2 of 3); give every shard's folder\n"]);
    cpSync(s(1), join(dir, "copy-1"), { recursive: true });
    r = await merge(s(1), join(dir, "copy-1"), s(2), s(3));
    expect(r.code).to.equal(1);
    expect(r.err).to.match(/shard 1\/3 is given twice: .*shard-1 and .*copy-1/);
    r = await merge(s(1), s(1), s(2));
    expect(r.code).to.equal(2);
    expect(r.err).to.contain("is given twice");

    const file = "openblas-0.3.21-haswell__blis-0.9.0-generic.jsonl";
    const lines = readFileSync(join(s(1), file), "utf8").trim().split("\n");
    appendFileSync(join(dir, "copy-1", file), lines[0] + "\n");
    r = await merge(join(dir, "copy-1"), s(2), s(3));
    expect(r.code).to.equal(1);
    expect(r.err).to.match(new RegExp(`record ${JSON.parse(lines[0]!).sample} of ${file} appears twice`));
    appendFileSync(join(s(2), file), lines[1] + "\n"); // shard 1's record in shard 2's folder
    r = await merge(s(1), s(2), s(3));
    expect(r.code).to.equal(1);
    expect(r.err).to.contain(`holds sample ${JSON.parse(lines[1]!).sample}, which is not one of shard 2/3's samples`);
    writeFileSync(join(dir, "copy-1", file), lines.slice(1).join("\n") + "\n");
    writeFileSync(join(s(2), file), readFileSync(join(s(2), file), "utf8").trim().split("\n").slice(0, -1).join("\n") + "\n");
    r = await merge(join(dir, "copy-1"), s(2), s(3));
    expect(r.code).to.equal(1);
    expect(r.err).to.match(new RegExp(`shard 1/3 \\(.*copy-1\\) is not finished: ${file} lacks 1 of its 3 samples \\(${JSON.parse(lines[0]!).sample}\\); rerun its job`));
  });

  it("chimera attack --shard: 2 shards merged give the unsharded run's records", async () => {
    const attack = ["attack", "--backends", "openblas-0.3.21-haswell,blis-0.9.0-generic", "--fixture", "--method", "local", "--max-queries", "3", "--images", "2-6"];
    const full = await runCli(...attack, "--workers", "1", "--out", join(dir, "a-full"));
    expect(full.code, full.err).to.equal(0);
    for (const i of [1, 2]) expect((await runCli(...attack, "--shard", `${i}/2`, "--workers", "1", "--out", join(dir, `a-${i}`))).code).to.equal(0);
    const m = await runCli("merge", "--out", join(dir, "a-merged"), join(dir, "a-1"), join(dir, "a-2"), "--json");
    expect(m.code, m.err).to.equal(0);
    expect(JSON.parse(m.out)).to.include({ n: 5 });
    expect(records(join(dir, "a-merged"))).to.deep.equal(records(join(dir, "a-full")));
    expect(records(join(dir, "a-1"))["results.jsonl"]!.map((r) => r.sample).sort()).to.deep.equal([2, 4, 6]);
  });

  it("the Slurm array and Kubernetes Indexed Job files hand each task a --shard the CLI accepts, covering 1…N once", () => {
    const sbatch = readFileSync("docs/cluster/fig5-array.sbatch", "utf8");
    const n = Number(/^#SBATCH --array=1-(\d+)$/m.exec(sbatch)?.[1]);
    expect(n).to.be.greaterThan(1);
    const shardLine = /^SHARD="(.*)"$/m.exec(sbatch)![1]!;
    const slurm = [...Array(n).keys()].map((k) => execFileSync("bash", ["-c", `SLURM_ARRAY_TASK_ID=${k + 1} SLURM_ARRAY_TASK_COUNT=${n}; echo "${shardLine}"`], { encoding: "utf8" }).trim());
    expect(slurm.map((v) => parseShard(v))).to.deep.equal([...Array(n).keys()].map((k) => ({ index: k + 1, count: n })));
    expect(sbatch).to.match(/--shard "\$\{SHARD\}"/);

    const yaml = readFileSync("docs/cluster/fig5-indexed-job.yaml", "utf8");
    expect(yaml).to.match(/^ {2}completionMode: Indexed$/m);
    const completions = Number(/^ {2}completions: (\d+)$/m.exec(yaml)?.[1]);
    expect(Number(/name: SHARDS\n\s+value: "(\d+)"/.exec(yaml)?.[1])).to.equal(completions);
    const expr = /--shard "([^"]+)"/.exec(yaml)![1]!;
    const k8s = [...Array(completions).keys()].map((k) => execFileSync("sh", ["-c", `JOB_COMPLETION_INDEX=${k} SHARDS=${completions}; echo "${expr}"`], { encoding: "utf8" }).trim());
    expect(k8s.map((v) => parseShard(v))).to.deep.equal([...Array(completions).keys()].map((k) => ({ index: k + 1, count: completions })));
  });
});
