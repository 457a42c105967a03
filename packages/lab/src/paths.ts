import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The @chimera/lab package folder (dist/ and src/ are one level below it). */
export const labRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Committed weights of the lab's models. */
export const weightsDir = join(labRoot, "weights");

/** The committed fixture: the first 200 official Fashion-MNIST test images with labels. */
export const fmnistFixtureDir = join(labRoot, "fixtures", "fashion-mnist-test-200");

/** Where experiments and training write results unless told otherwise: ./results under the cwd. */
export function resultsDir(): string {
  return resolve(process.env.CHIMERA_RESULTS_DIR ?? "results");
}
