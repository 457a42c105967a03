import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeNpyF32 } from "@chimera/lab";
import { runCli } from "./run-cli.js";

/** One line on stderr, exit 2, naming the flag: what every argument error must give. */
async function usageError(argv: string[], flag: string, text: string): Promise<void> {
  const r = await runCli(...argv);
  expect(r.code, `${argv.join(" ")}: ${r.err}`).to.equal(2);
  expect(r.out, argv.join(" ")).to.equal("");
  expect(r.err.trim().split("\n"), argv.join(" ")).to.have.length(1);
  expect(r.err, argv.join(" ")).to.contain(`--${flag}`);
  expect(r.err, argv.join(" ")).to.contain(text);
}

/** Issue 16, item 3: empty and misspelled values never change results silently. */
describe("flags: empty, misspelled and conflicting values are usage errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "chimera-flags-"));
  const key = join(dir, "k.key");
  writeFileSync(key, "0123456789abcdef0123456789abcdef");
  writeNpyF32(join(dir, "a.npy"), [2, 3], new Float32Array([1, 2, 3, 4, 5, 6]));
  writeNpyF32(join(dir, "b.npy"), [3, 2], new Float32Array([1, 0, 0, 1, 1, 1]));
  const gemm = ["gemm", "--backend", "reference", "--a", join(dir, "a.npy"), "--b", join(dir, "b.npy"), "--out", join(dir, "c.npy")];
  const attack = ["attack", "--backends", "openblas-0.3.21-haswell,blis-0.9.0-generic", "--fixture", "--out", join(dir, "attack")];
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("empty values: defend --d \"\", gemm --alpha \"\", attack --warmup \"\" and --seed \"\" (and --x= forms)", async () => {
    await usageError(["defend", "--d", "", "--key-file", key, "--fixture", "--limit", "2"], "d", "is empty; expected an integer in [0, 2147483647]");
    await usageError([...gemm, "--alpha", ""], "alpha", "is empty");
    await usageError([...gemm, "--alpha="], "alpha", "is empty");
    await usageError([...attack, "--warmup", ""], "warmup", "is empty");
    await usageError([...attack, "--seed", " "], "seed", "is empty");
  });

  it("misspelled and unknown flags: gemm --alpah, backends --bogus", async () => {
    await usageError([...gemm, "--alpah", "2"], "alpah", "(did you mean --alpha?)");
    await usageError(["backends", "--bogus"], "bogus", "unknown flag --bogus");
    await usageError(["backends", "extra"], "", 'unexpected argument "extra"');
  });

  it("--images with --samples, --fixture with --data-dir, a flag twice, --beta without --c", async () => {
    await usageError([...attack, "--images", "0-1", "--samples", "2"], "images", "--images and --samples exclude each other");
    await usageError([...attack, "--data-dir", dir], "data-dir", "--data-dir and --fixture exclude each other");
    await usageError([...attack, "--seed", "1", "--seed", "2"], "seed", "--seed is given twice");
    await usageError([...gemm, "--beta", "0.5"], "beta", "--beta needs --c");
  });

  it("values a type cannot hold: 1e3 for an integer, 0.1 for a float32-exact alpha, hex, Infinity", async () => {
    await usageError([...attack, "--warmup", "1e3"], "warmup", '"1e3" is not an integer');
    await usageError([...gemm, "--alpha", "0.1"], "alpha", "is not exact in float32");
    await usageError([...attack, "--seed", "0x10"], "seed", "is not an integer");
    await usageError(["compare", "--backends", "reference,reference", "--shape", "1x2x3", "--trials", "Infinity"], "trials", "is not an integer");
  });

  it("the same flags valid: gemm --alpha 2 doubles the product (the value is used, not a default)", async () => {
    const r = await runCli(...gemm, "--alpha", "2");
    expect(r.code, r.err).to.equal(0);
    const { readNpyF32 } = await import("@chimera/lab");
    // [1 2 3; 4 5 6] x [1 0; 0 1; 1 1] = [4 5; 10 11], doubled
    expect(Array.from(readNpyF32(join(dir, "c.npy")).data)).to.deep.equal([8, 10, 20, 22]);
  });
});
