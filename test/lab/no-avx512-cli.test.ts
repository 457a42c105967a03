import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { discoverNativeBackends } from "@chimera/native";

const runs = (id: string): boolean => discoverNativeBackends({ ...process.env, CHIMERA_CPU_FEATURES: "-avx512f" }).find((b) => b.id === id)?.available === true;

const cli = fileURLToPath(new URL("../../../packages/lab/bin/chimera.js", import.meta.url));

/** Runs `chimera ARGS` in a child process as on a CPU without AVX-512 (CHIMERA_CPU_FEATURES=-avx512f). */
function chimera(args: string[], env: Record<string, string> = { CHIMERA_CPU_FEATURES: "-avx512f" }): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, encoding: "utf8", timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("the CLI on a CPU without AVX-512 (CHIMERA_CPU_FEATURES=-avx512f, in a child process)", function () {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), "chimera-noavx512-")); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("backends --json says no for every AVX-512 variant, with the reason, and hides the features", () => {
    const r = chimera(["backends", "--json"]);
    expect(r.code, r.err).to.equal(0);
    const doc = JSON.parse(r.out) as { cpu: { features: string[]; hidden: string[] }; backends: Array<{ id: string; available: boolean; reason?: string; needs?: string[] }> };
    expect(doc.cpu.features.some((f) => f.startsWith("avx512"))).to.equal(false);
    for (const b of doc.backends) {
      if (b.needs?.some((f) => f.startsWith("avx512"))) {
        expect(b.available, b.id).to.equal(false);
        expect(b.reason, b.id).to.match(/needs .*avx512f.*which this CPU lacks/);
      }
    }
    expect(doc.backends.find((b) => b.id === "openblas-0.3.21-skylakex-serial")?.available).to.equal(false);
  });

  it("backends --check: every variant it says yes to starts and computes a 64x16x32 gemm exactly", () => {
    const r = chimera(["backends", "--check", "--json"]);
    const doc = JSON.parse(r.out) as { backends: Array<{ id: string; kind: string; available: boolean }>; check: Array<{ id: string; ok: boolean; error?: string }> };
    const yes = doc.backends.filter((b) => b.kind === "native" && b.available).map((b) => b.id);
    expect(doc.check.map((c) => c.id)).to.deep.equal(yes);
    const failed = doc.check.filter((c) => !c.ok).map((c) => `${c.id}: ${c.error}`);
    expect(failed, failed.join("\n")).to.deep.equal([]);
    expect(r.code, r.err).to.equal(0);
  });

  it("a malformed or adding override is an error naming the variable", () => {
    const r = chimera(["backends"], { CHIMERA_CPU_FEATURES: "+avx512f" });
    expect(r.code).to.equal(1);
    expect(r.err).to.match(/CHIMERA_CPU_FEATURES="\+avx512f": .*can only hide features/);
  });

  it("demo picks a pair this CPU runs, says which, and finds a Chimera", function () {
    const r = chimera(["demo", "--json", "--out", dir, "--max-images", "20"]);
    expect(r.code, r.err).to.equal(0);
    const doc = JSON.parse(r.out) as { found: boolean; backends: string[]; chosen: string; recheck: unknown[] };
    expect(doc.found).to.equal(true);
    expect(doc.backends).to.not.include("openblas-0.3.21-skylakex-serial");
    expect(r.err).to.match(/demo: .*(the real libraries, which this machine runs \(not openblas-0\.3\.21-skylakex-serial: needs avx512f|their bit-exact emulations)/);
    const pair = ["openblas-0.3.21-haswell-serial", "blis-0.9.0-generic-serial"];
    expect(doc.backends).to.deep.equal(pair.every(runs) ? pair : ["openblas-0.3.21-haswell", "openblas-0.3.21-skylakex"]);
  });

  it("a Chimera found on the SkylakeX emulation is kept, its re-check reported as not re-checked with the reason", () => {
    const r = chimera(["demo", "--json", "--backends", "openblas-0.3.21-haswell,openblas-0.3.21-skylakex", "--out", dir, "--max-images", "20"]);
    expect(r.code, r.err).to.equal(0);
    const doc = JSON.parse(r.out) as { found: boolean; recheck: Array<{ emulated: string; label?: number; notRechecked?: string }> };
    expect(doc.found).to.equal(true);
    const sk = doc.recheck.find((x) => x.emulated === "openblas-0.3.21-skylakex")!;
    expect(sk.notRechecked).to.match(/needs avx512f|not found|not built/);
  });

  it("attack keeps the Chimeras found on emulations and says why they were not re-checked on the real SkylakeX", () => {
    const r = chimera(["attack", "--backends", "openblas-0.3.21-haswell,openblas-0.3.21-skylakex", "--images", "0", "--targets", "runner-up",
      "--out", join(dir, "attack"), "--json"]);
    expect(r.code, r.err).to.equal(0);
    const doc = JSON.parse(r.out) as { found: number; rechecked: number; notRechecked: string | null };
    expect(doc.found).to.equal(1);
    expect(doc.rechecked).to.equal(0);
    expect(doc.notRechecked).to.match(/openblas-0\.3\.21-skylakex-serial is unavailable here: (needs avx512f|not found|the native addon)/);
  });

  it("fidelity lists the emulations it cannot check here and why, and measures the rest", () => {
    const r = chimera(["fidelity", "--backends", "eigen-3.4-avx512,eigen-3.4-avx2", "--random", "0", "--json"]);
    expect(r.code, r.err).to.equal(0);
    const rows = JSON.parse(r.out) as Array<{ id: string; real: string | null; reason?: string; bitIdentical: number | null }>;
    const avx512 = rows.find((x) => x.id === "eigen-3.4-avx512")!;
    expect(avx512.real).to.equal(null);
    expect(avx512.reason).to.match(/eigen-3\.4\.0-avx512: .*(needs avx512f|not built|not found)/);
    const avx2 = rows.find((x) => x.id === "eigen-3.4-avx2")!;
    if (runs("eigen-3.4.0-avx2")) expect(avx2.bitIdentical).to.equal(1);
    else expect(avx2.real).to.equal(null);
  });
});
