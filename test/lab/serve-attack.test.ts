import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { remoteKernel } from "@chimera/lab";
import { runCli } from "./run-cli.js";
import { startServe, type ServeProcess } from "./serve-process.js";

const A = "reference", B = "openblas-0.3.21-haswell";
const settings = ["--warmup", "100", "--iterations", "150", "--fixture"];

/** The records of a results file by sample, without the timing and with backend ids put back to the local ones. */
function records(dir: string, ids: readonly string[]): Record<string, unknown>[] {
  return readFileSync(join(dir, "results.jsonl"), "utf8").trim().split("\n").map((l) => {
    const r = JSON.parse(l) as Record<string, unknown>;
    delete r.seconds;
    r.backends = ids;
    return r;
  }).sort((x, y) => (x.sample as number) - (y.sample as number));
}

describe("chimera attack on backends served by two chimera serve processes", function () {
  this.timeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), "chimera-serve-attack-"));
  let one: ServeProcess | undefined, two: ServeProcess | undefined;
  after(async () => {
    await one?.stop();
    await two?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives the same records as the local run, sample for sample; a server that goes away fails the run clearly and a rerun resumes", async () => {
    one = await startServe(["--backends", A, "--port", "0"]);
    two = await startServe(["--backends", B, "--port", "0"]);
    const remote = `remote:${one.url}/${A},remote:${two.url}/${B}`;
    const local = await runCli("attack", "--backends", `${A},${B}`, "--images", "0-2", ...settings, "--workers", "1", "--out", join(dir, "local"));
    expect(local.code, local.err).to.equal(0);
    const want = records(join(dir, "local"), [A, B]);
    // workers run the samples, so this thread is free to stop the second server once a record is written
    const out = join(dir, "remote"), log = join(out, "results.jsonl");
    const running = runCli("attack", "--backends", remote, "--images", "0-2", ...settings, "--workers", "2", "--out", out);
    const port = two.port;
    for (let t = 0; t < 3000 && !(existsSync(log) && readFileSync(log, "utf8").includes("\n")); t++) await new Promise((r) => setTimeout(r, 20));
    await two.stop();
    const failed = await running;
    expect(failed.code, failed.err).to.equal(1);
    expect(failed.err).to.contain(`remote:${two.url}/${B}`);
    expect(failed.err).to.match(/did not answer.*(ECONNREFUSED|other side closed|socket).*rerun: a run resumes from its results folder/);
    const kept = records(out, [A, B]);
    expect(kept.length).to.be.within(1, 2);
    expect(kept).to.deep.equal(want.filter((r) => kept.some((k) => k.sample === r.sample)));

    two = await startServe(["--backends", B, "--port", String(port)]);
    const resumed = await runCli("attack", "--backends", remote, "--images", "0-2", ...settings, "--workers", "1", "--out", join(dir, "remote"));
    expect(resumed.code, resumed.err).to.equal(0);
    expect(resumed.err).to.contain(`resuming: ${kept.length} of 3 images already`);
    expect(records(join(dir, "remote"), [A, B])).to.deep.equal(want);
  });

  it("a token-protected server refuses requests without the token and serves the kernel with it", async () => {
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "s3cret-token-for-the-test-0123\n");
    const s = await startServe(["--backends", A, "--port", "0", "--token-file", tokenFile]);
    try {
      const bare = await fetch(`${s.url}/backends`);
      expect(bare.status).to.equal(401);
      const wrong = await fetch(`${s.url}/backends`, { headers: { authorization: "Bearer nope-nope-nope-nope" } });
      expect(wrong.status).to.equal(401);
      expect(await wrong.text()).to.not.contain("s3cret");
      const good = await fetch(`${s.url}/backends`, { headers: { authorization: "Bearer s3cret-token-for-the-test-0123" } });
      expect(good.status).to.equal(200);
      expect(() => remoteKernel(`remote:${s.url}/${A}`)).to.throw(/HTTP 401.*CHIMERA_REMOTE_TOKEN_FILE/);
      process.env.CHIMERA_REMOTE_TOKEN_FILE = tokenFile;
      const k = remoteKernel(`remote:${s.url}/${A}`);
      try {
        expect(k.dot({ n: 2, x: new Float32Array([1, 2]), incx: 1, y: new Float32Array([3, 4]), incy: 1 })).to.equal(11);
      } finally {
        k.dispose();
      }
    } finally {
      delete process.env.CHIMERA_REMOTE_TOKEN_FILE;
      await s.stop();
    }
  });

  it("refuses to bind beyond loopback without a token, and rejects malformed remote ids", async () => {
    const r = await runCli("serve", "--backends", A, "--host", "0.0.0.0", "--port", "0");
    expect(r.code).to.equal(2);
    expect(r.err).to.contain("--host 0.0.0.0 is reachable from other machines: give --token-file");
    expect(() => remoteKernel("remote:ftp://127.0.0.1:1/x")).to.throw(/expected remote:http:\/\/HOST:PORT\/ID/);
    expect(() => remoteKernel("remote:http://127.0.0.1:1/")).to.throw(/with a backend id after the port/);
  });
});
