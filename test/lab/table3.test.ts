import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { table3Experiment, type CommandIO, type ParsedArgs } from "@chimera/lab";
import { commands } from "@chimera/lab/cli";
import { parsedFor } from "./run-cli.js";

function parsed(flags: Record<string, string | true>): ParsedArgs {
  return parsedFor(commands.find((c) => c.name === "experiment")!, flags, ["table3"]);
}

describe("experiment table3", () => {
  it("runs both arms, writes its table, and resumes without repeating a search", async function () {
    this.timeout(120000);
    const out = mkdtempSync(join(tmpdir(), "chimera-table3-"));
    try {
      let text = "", err = "";
      const io: CommandIO = { out: (t) => void (text += t), err: (t) => void (err += t), isTTY: false };
      const flags = { samples: "2", warmup: "20", iterations: "20", d: "1000", out, json: true as const };
      expect(await table3Experiment.run(parsed(flags), io)).to.equal(0);
      const s = JSON.parse(text) as { n: number; withDefense: number; withoutDefense: number; defendedSuccess: number; attackerFound: number };
      expect(s.n).to.equal(2);
      expect(s.defendedSuccess).to.be.at.most(s.attackerFound);
      const lines = readFileSync(join(out, "defended.jsonl"), "utf8").trim().split("\n");
      expect(lines).to.have.length(2);
      const rec = JSON.parse(lines[0]!) as { defenderLabels: number[]; success: boolean };
      expect(rec.defenderLabels).to.have.length(2);
      expect(readFileSync(join(out, "table3.md"), "utf8")).to.contain("| w/ defense  |");
      text = "";
      expect(await table3Experiment.run(parsed(flags), io)).to.equal(0);
      expect(readFileSync(join(out, "plain.jsonl"), "utf8").trim().split("\n")).to.have.length(2);
      expect(JSON.parse(text)).to.deep.equal(s);
      err = "";
      let message = "";
      try { await table3Experiment.run(parsed({ ...flags, d: "5" }), io); } catch (e) { message = (e as Error).message; }
      expect(message).to.contain("holds results made with d = 1000, but this run has d = 5");
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("--method local runs the local search in both arms (pinned; --max-queries only with it)", async function () {
    this.timeout(120000);
    const out = mkdtempSync(join(tmpdir(), "chimera-table3-local-"));
    try {
      let text = "";
      const io: CommandIO = { out: (t) => void (text += t), err: () => undefined, isTTY: false };
      const flags = { samples: "2", method: "local", "max-queries": "30", d: "1000", out, json: true as const };
      expect(await table3Experiment.run(parsed(flags), io)).to.equal(0);
      const s = JSON.parse(text) as { n: number; defendedSuccess: number; attackerFound: number };
      expect(s.n).to.equal(2);
      expect(s.defendedSuccess).to.be.at.most(s.attackerFound);
      const plain = readFileSync(join(out, "plain.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { queries: number; warmupIterations: number });
      for (const r of plain) expect(r.queries, "the local search's verdict budget").to.be.at.most(30);
      expect(JSON.parse(readFileSync(join(out, "config.json"), "utf8")).settings.method).to.equal("local");
      expect(readFileSync(join(out, "table3.md"), "utf8")).to.contain("the boundary-then-local search, at most 30 verdict queries");
      let message = "";
      try { await table3Experiment.run(parsed({ samples: "1", "max-queries": "30", out: join(out, "x") }), io); } catch (e) { message = (e as Error).message; }
      expect(message).to.contain("--max-queries applies to --method local only");
      message = "";
      const { "max-queries": _budget, ...withoutBudget } = flags;
      try { await table3Experiment.run(parsed({ ...withoutBudget, method: "algorithm1" }), io); } catch (e) { message = (e as Error).message; }
      expect(message).to.match(/holds results made with/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("runs a CNN: --model fmnist-vgg with --conv pinned in the folder (another --conv cannot resume it)", async function () {
    this.timeout(300000);
    const out = mkdtempSync(join(tmpdir(), "chimera-table3-vgg-"));
    try {
      let text = "";
      const io: CommandIO = { out: (t) => void (text += t), err: () => undefined, isTTY: false };
      const flags = { samples: "1", warmup: "5", iterations: "5", model: "fmnist-vgg", conv: "blas", out, json: true as const };
      expect(await table3Experiment.run(parsed(flags), io)).to.equal(0);
      const s = JSON.parse(text) as { model: string; conv: string; n: number };
      expect([s.model, s.conv, s.n]).to.deep.equal(["fmnist-vgg", "blas", 1]);
      expect(JSON.parse(readFileSync(join(out, "config.json"), "utf8")).conv).to.equal("blas");
      expect(readFileSync(join(out, "table3.md"), "utf8")).to.contain("fmnist-vgg (--conv blas)");
      let message = "";
      try { await table3Experiment.run(parsed({ ...flags, conv: "shared" }), io); } catch (e) { message = (e as Error).message; }
      expect(message).to.contain(`holds results made with conv = "blas", but this run has conv = "shared"`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
