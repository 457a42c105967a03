import { main } from "@chimera/lab/cli";

/** Runs the CLI in-process and captures what it prints. */
export async function runCli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t), isTTY: false });
  return { code, out, err };
}

/** Whether the official Fashion-MNIST files are installed (Debian dataset-fashion-mnist). */
export async function hasFmnist(): Promise<boolean> {
  const { existsSync } = await import("node:fs");
  const dir = process.env.CHIMERA_FMNIST_DIR ?? "/usr/share/datasets/fashion-mnist";
  return existsSync(`${dir}/t10k-images-idx3-ubyte.gz`) || existsSync(`${dir}/t10k-images-idx3-ubyte`);
}

/** Skips the current test with a printed reason, or fails when CHIMERA_REQUIRE_NATIVE=1 (CI). */
export function skipOrFail(ctx: Mocha.Context, reason: string): void {
  if (process.env.CHIMERA_REQUIRE_NATIVE === "1") throw new Error(`required in CI but missing: ${reason}`);
  console.log(`      skipped: ${reason}`);
  ctx.skip();
}
