import { expect } from "chai";
import { appendFileSync, mkdirSync, mkdtempSync, utimesSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32, viewFolder } from "@chimera/lab";
import { hostname } from "node:os";
import { runCli, skipOrFail } from "./run-cli.js";
import { startServe, type ServeProcess } from "./serve-process.js";
import { findChromium, HeadlessChromium } from "./headless-chromium.js";

const pair = "openblas-0.3.21-haswell,blis-0.9.0-generic";

/** The records of every JSONL file in `dir`. */
function recordsIn(dir: string): Record<string, unknown>[] {
  return readdirSync(dir).filter((f) => f.endsWith(".jsonl")).flatMap((f) => readFileSync(join(dir, f), "utf8").trim().split("\n").map((l) => JSON.parse(l)));
}

describe("chimera serve: the dashboard", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "chimera-dashboard-"));
  const seeded = join(dir, "results", "fig5");
  let server: ServeProcess | undefined;
  let found = 0, total = 0;
  before(async () => {
    // a seeded results folder: a small fig5 whose local searches find Chimeras, with its heatmap
    const r = await runCli("experiment", "fig5", "--fixture", "--method", "local", "--max-queries", "20", "--samples", "3", "--backends", pair, "--workers", "1", "--out", seeded);
    expect(r.code, r.err).to.equal(0);
    const recs = recordsIn(seeded);
    total = recs.length;
    found = recs.filter((x) => x.found).length;
    expect(found, "the seeded folder holds a Chimera").to.be.greaterThan(0);
    server = await startServe(["--backends", "reference", "--results", join(dir, "results"), "--port", "0"]);
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("GET /dashboard.json shows the CPU, the backends, the committed fidelity table and the seeded folder; every route validates its input", async () => {
    const d = await (await fetch(`${server!.url}/dashboard.json`)).json() as {
      cpu: { cores: number }; backends: { id: string }[]; fidelity: { source: string; reports: { id: string }[] };
      results: { id: string; kind: string; records: number; planned: number; found: number; status: string; figures: string[]; chimeras: { file: string; sample: number; labels: number[] }[] }[];
    };
    expect(d.cpu.cores).to.be.greaterThan(0);
    expect(d.backends.map((b) => b.id)).to.deep.equal(["reference"]);
    expect(d.fidelity.source).to.match(/docs\/fidelity\/broad-seed-20261202\.json$/);
    expect(d.fidelity.reports.map((r) => r.id)).to.include("openblas-0.3.21-haswell");
    expect(d.results).to.have.length(1);
    const v = d.results[0]!;
    expect(v).to.include({ kind: "fig5", records: total, planned: 3, found, status: "finished" });
    expect(v.figures).to.deep.equal(["fig5.svg"]);
    const c = v.chimeras[0]!;
    const png = Buffer.from(await (await fetch(`${server!.url}/results/${v.id}/images/${c.file}/${c.sample}/chimera.png`)).arrayBuffer());
    expect([...png.subarray(0, 8)]).to.deep.equal([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.readUInt32BE(16)).to.equal(28); // IHDR width
    expect(png.readUInt32BE(29)).to.equal(crc32(png.subarray(12, 29))); // IHDR's CRC
    expect((await fetch(`${server!.url}/results/${v.id}/images/${c.file}/${c.sample}/source.png`)).status).to.equal(200);
    const svg = await fetch(`${server!.url}/results/${v.id}/figures/fig5.svg`);
    expect(svg.headers.get("content-type")).to.match(/^image\/svg\+xml/);
    expect(await svg.text()).to.match(/^<svg xmlns/);
    expect((await fetch(`${server!.url}/?x=1`)).status).to.equal(400);
    expect((await fetch(`${server!.url}/results/${v.id}/figures/..%2Fconfig.json`)).status).to.equal(400);
    expect((await fetch(`${server!.url}/results/${v.id}/images/${c.file}/${c.sample}/other.png`)).status).to.equal(400);
    expect((await fetch(`${server!.url}/results/nope/figures/fig5.svg`)).status).to.equal(404);
  });

  it("a folder's status, rate and ETA come from its lock, plan.json and record count", () => {
    const f = join(dir, "timed"), t0 = Date.parse("2026-12-02T10:00:00Z");
    mkdirSync(f);
    writeFileSync(join(f, "config.json"), JSON.stringify({ format: "chimera-results/2", command: "attack", model: "fmnist-mlp", backends: [{ id: "a" }, { id: "b" }] }));
    writeFileSync(join(f, "plan.json"), JSON.stringify({ planned: { "results.jsonl": 6 }, doneAtStart: 1, started: new Date(t0).toISOString() }));
    const rec = (sample: number) => JSON.stringify({ sample, found: false }) + "\n";
    writeFileSync(join(f, "results.jsonl"), [0, 1, 2, 3].map(rec).join("") + '{"sample": 4, "fou'); // a line being written is not counted
    writeFileSync(join(f, "LOCK"), JSON.stringify({ pid: process.pid, host: hostname(), started: new Date(t0).toISOString() }));
    // running, 60 s in: 3 records made by this run (1 was there) → 3/min, 2 to go → 40 s
    let v = viewFolder("r9", f, t0 + 60_000);
    expect(v).to.deep.include({ kind: "attack", status: "running", records: 4, planned: 6, perMinute: 3, etaSeconds: 40, backends: ["a", "b"] });
    // stopped (no live lock): timed to its last record, 30 s after the start → 6/min, no ETA
    rmSync(join(f, "LOCK"));
    utimesSync(join(f, "results.jsonl"), new Date(t0 + 30_000), new Date(t0 + 30_000));
    v = viewFolder("r9", f, t0 + 3_600_000);
    expect(v).to.deep.include({ status: "stopped", perMinute: 6, etaSeconds: null });
    writeFileSync(join(f, "results.jsonl"), [0, 1, 2, 3, 4, 5].map(rec).join(""));
    expect(viewFolder("r9", f).status).to.equal("finished");
  });

  it("in headless Chromium the page shows the seeded content and updates live when a record is appended", async function () {
    const chromium = findChromium();
    if ("missing" in chromium) return skipOrFail(this, chromium.missing);
    const page = new HeadlessChromium(chromium.bin);
    try {
      await page.open(`${server!.url}/`);
      await page.waitFor(`document.getElementById("live").dataset.state === "open"`);
      const shown = await page.evaluate<{ rows: number; records: string; status: string; chimeras: number; figures: number; backends: string[]; fidelity: number; cpu: string }>(`({
        rows: document.querySelectorAll("#experiments tr").length,
        records: document.querySelector("#experiments tr").dataset.records,
        status: document.querySelector("#experiments tr").dataset.status,
        chimeras: document.querySelectorAll("#gallery .chimera").length,
        figures: [...document.querySelectorAll("#figures img")].filter((i) => i.complete && i.naturalWidth > 0).length,
        backends: [...document.querySelectorAll("#backends tr")].map((r) => r.dataset.backend),
        fidelity: document.querySelectorAll("#fidelity tr").length,
        cpu: document.getElementById("cpu").textContent,
      })`);
      expect(shown).to.deep.include({ rows: 1, records: String(total), status: "finished", chimeras: found, figures: 1, backends: ["reference"] });
      expect(shown.fidelity).to.be.greaterThan(10);
      expect(shown.cpu).to.match(/\d+ cores/);
      const images = await page.evaluate<number>(`[...document.querySelectorAll("#gallery img")].filter((i) => i.complete && i.naturalWidth === 28).length`);
      expect(images).to.equal(2 * found); // each Chimera beside its source, both decoded
      if (process.env.CHIMERA_DASHBOARD_SCREENSHOT) writeFileSync(process.env.CHIMERA_DASHBOARD_SCREENSHOT, await page.screenshot());

      // a run appends a record: the page hears of it through /events, without a reload
      const file = readdirSync(seeded).find((f) => f.endsWith(".jsonl"))!;
      const last = JSON.parse(readFileSync(join(seeded, file), "utf8").trim().split("\n").at(-1)!);
      appendFileSync(join(seeded, file), JSON.stringify({ ...last, sample: 199 }) + "\n");
      const now = await page.waitFor<string>(`document.querySelector("#experiments tr").dataset.records === "${total + 1}" && document.getElementById("updates").dataset.count`);
      expect(Number(now)).to.be.greaterThan(0);
      expect(await page.evaluate<string>(`document.querySelector("#experiments tr td:nth-child(6)").textContent`)).to.equal(`${total + 1} / 3`);
    } finally {
      await page.close();
    }
  });
});
