import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readSafetensorsFile, writeSafetensorsFile, type HostArray } from "@chimera/tensor";
import { zooEntry } from "@chimera/lab";
import { runCli } from "./run-cli.js";

const cli = fileURLToPath(new URL("../../../packages/lab/bin/chimera.js", import.meta.url));

/** The committed weights with one element of one tensor replaced (as float64 when `f64`). */
function doctoredWeights(path: string, tensor: string, index: number, value: number, f64: boolean): void {
  const { tensors } = readSafetensorsFile(zooEntry("fmnist-mlp").weightsPath);
  if (!tensors.has(tensor)) throw new Error(`no tensor ${tensor} in the committed weights`);
  const out = new Map<string, HostArray>();
  for (const [k, a] of tensors) {
    const data = f64 && k === tensor ? Float64Array.from(a.data as Float32Array) : Float32Array.from(a.data as Float32Array);
    if (k === tensor) data[index] = value;
    out.set(k, { dtype: data instanceof Float64Array ? "float64" : "float32", shape: [...a.shape], data } as HostArray);
  }
  writeSafetensorsFile(path, out);
}

/** Issue 16, items 4, 5 and 8 (files): bad or endless files are refused with a reason naming them. */
describe("user-named files: refused with a reason, read bounded", () => {
  const dir = mkdtempSync(join(tmpdir(), "chimera-files-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("item 4: weights holding NaN, Inf or a float64 beyond float32 are refused, naming the tensor", async () => {
    const cases: [string, number, boolean, RegExp][] = [
      ["1.weight", 1e300, true, /tensor "1\.weight" element 5 is not finite \(float64 value 1e\+300 overflows float32 to Infinity\)/],
      ["3.bias", NaN, false, /tensor "3\.bias" element 5 is not finite \(value NaN\)/],
      ["1.bias", -Infinity, false, /tensor "1\.bias" element 5 is not finite \(value -Infinity\)/],
    ];
    for (const [tensor, value, f64, message] of cases) {
      const path = join(dir, `${tensor}-${value}.safetensors`);
      doctoredWeights(path, tensor, 5, value, f64);
      const r = await runCli("eval", "fmnist-mlp", "--fixture", "--limit", "20", "--weights", path);
      expect(r.code, `${tensor} ${value}: ${r.err}`).to.equal(1);
      expect(r.err).to.match(message);
      expect(r.err.trim().split("\n")).to.have.length(1);
    }
    // the same file with a finite float64 value that float32 holds loads and runs
    const fine = join(dir, "fine.safetensors");
    doctoredWeights(fine, "1.weight", 5, 0.25, true);
    expect((await runCli("eval", "fmnist-mlp", "--fixture", "--limit", "20", "--weights", fine)).code).to.equal(0);
  });

  it("item 5: --key-file /dev/zero is refused after 4 KiB instead of reading until memory runs out", () => {
    const r = spawnSync(process.execPath, [cli, "defend", "--d", "10", "--key-file", "/dev/zero", "--fixture", "--limit", "1"],
      { encoding: "utf8", timeout: 30_000, env: { ...process.env, NODE_OPTIONS: "--max-old-space-size=256" } });
    expect(r.status, `status ${r.status}, signal ${r.signal}: ${r.stderr}`).to.equal(1);
    expect(r.stderr).to.contain("key file /dev/zero holds more than 4096 bytes");
  });

  it("item 8: folders and missing files get a message naming the file and what was expected (EISDIR, ENOENT)", async () => {
    const cases: [string[], string][] = [
      [["eval", "fmnist-mlp", "--fixture", "--weights", dir], `weights file ${dir} is a folder; expected a .safetensors file`],
      [["eval", "fmnist-mlp", "--fixture", "--weights", join(dir, "none.safetensors")], `weights file ${join(dir, "none.safetensors")} does not exist; expected a .safetensors file`],
      [["defend", "--d", "1", "--fixture", "--key-file", dir], `key file ${dir} is a folder; expected 16 to 4096 secret bytes`],
      [["gemm", "--backend", "reference", "--a", dir, "--b", dir, "--out", join(dir, "c.npy")], `--a: .npy file ${dir} is a folder; expected a 2-D float32 .npy array`],
      [["gemm", "--backend", "reference", "--a", join(dir, "no.npy"), "--b", dir, "--out", join(dir, "c.npy")], `--a: .npy file ${join(dir, "no.npy")} does not exist`],
      [["probe", "--backend", `profile:${dir}`, "--shape", "1x1x4"], `probe profile ${dir} is a folder; expected a JSON file from chimera probe --out`],
    ];
    for (const [argv, message] of cases) {
      const r = await runCli(...argv);
      expect(r.code, argv.join(" ")).to.equal(1);
      expect(r.err, argv.join(" ")).to.contain(message);
      expect(r.err).to.not.match(/EISDIR|ENOENT/);
      expect(r.err.trim().split("\n")).to.have.length(1);
    }
  });

  it("item 8: an unknown backend id gives a short message with the nearest ids, not the whole catalog", async () => {
    const r = await runCli("eval", "fmnist-mlp", "--fixture", "--backend", "openblas-0.3.21-haswel");
    expect(r.code).to.equal(2);
    expect(r.err).to.match(/unknown backend "openblas-0\.3\.21-haswel"; nearest: openblas-0\.3\.21-haswell, /);
    expect(r.err.length, r.err).to.be.below(400);
  });
});
