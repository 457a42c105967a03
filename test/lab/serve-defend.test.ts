import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { moduleAttackModel } from "@chimera/attack";
import { defendedModel, KeyedNoise } from "@chimera/defense";
import { getKernel, loadFmnist, loadModule, zooEntry } from "@chimera/lab";
import { startServe, type ServeProcess } from "./serve-process.js";

describe("chimera serve --defend: the keyed-noise classifier over HTTP", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "chimera-serve-defend-"));
  const key = randomBytes(32), keyFile = join(dir, "secret.key");
  writeFileSync(keyFile, key);
  const flags = ["--defend", "--key-file", keyFile, "--d", "1000", "--model", "fmnist-mlp", "--backend", "openblas-0.3.21-haswell", "--port", "0"];
  const data = loadFmnist("test", { fixture: true, limit: 6 });
  const images = [...Array(6).keys()].map((i) => Uint8Array.from(data.x.subarray(i * 784, (i + 1) * 784), (v) => Math.round(v * 255)));
  let server: ServeProcess | undefined;
  const leaks = (text: string) => [key.toString("hex"), key.toString("base64"), key.toString("latin1")].some((k) => text.includes(k));
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function labels(s: ServeProcess): Promise<number[]> {
    const out: number[] = [];
    for (const img of images) {
      const r = await fetch(`${s.url}/classify`, { method: "POST", body: img, headers: { "content-type": "application/octet-stream" } });
      const text = await r.text();
      expect(r.status, text).to.equal(200);
      expect(leaks(text)).to.equal(false);
      out.push((JSON.parse(text) as { label: number }).label);
    }
    return out;
  }

  it("labels each image as the defended model does locally, the same after a restart, and never shows the key", async () => {
    server = await startServe(flags);
    const first = await labels(server);
    await server.stop();
    server = await startServe(flags);
    expect(await labels(server)).to.deep.equal(first);
    const entry = zooEntry("fmnist-mlp"), net = entry.create().eval();
    loadModule(entry.weightsPath, net);
    const defended = defendedModel(moduleAttackModel(net, entry.sampleShape, 10), new KeyedNoise(key, 1000));
    const kernel = getKernel("openblas-0.3.21-haswell");
    expect(first).to.deep.equal(images.map((img) => defended.classify(Float32Array.from(img, (v) => Math.fround(v / 255)), kernel)));
    const about = await (await fetch(`${server.url}/classify`)).text();
    expect(JSON.parse(about)).to.deep.equal({ model: "fmnist-mlp", backend: "openblas-0.3.21-haswell", d: 1000, inputBytes: 784, classes: 10 });
    expect(leaks(about) || leaks(server.stderr())).to.equal(false);
  });

  it("answers malformed, oversized and wrongly typed bodies with 4xx and a reason that does not hold the key", async () => {
    server ??= await startServe(flags);
    const send = async (body: Uint8Array | string, type: string, path = "/classify") => {
      const r = await fetch(`${server!.url}${path}`, { method: "POST", body, headers: { "content-type": type } });
      const text = await r.text();
      expect(leaks(text)).to.equal(false);
      return { status: r.status, message: (JSON.parse(text) as { message: string }).message };
    };
    expect(await send(new Uint8Array(100), "application/octet-stream")).to.deep.equal({ status: 400, message: "classify: the body holds 100 bytes; send exactly one 8-bit image of 784 bytes" });
    expect((await send(new Uint8Array(785), "application/octet-stream")).status).to.equal(413);
    const json = await send(JSON.stringify({ image: [1, 2, 3] }), "application/json");
    expect(json.status).to.equal(415);
    expect(json.message).to.contain("application/octet-stream");
    expect((await send("x", "application/json")).status).to.equal(400);
    expect((await send(images[0]!, "application/octet-stream", "/classify?key=1")).message).to.equal('invalid request: unknown parameter "key"');
    expect(leaks(server.stderr())).to.equal(false);
  });
});
