import { availableParallelism } from "node:os";
import type { ConvMode } from "./conv-mode.js";
import { Worker } from "node:worker_threads";
import type { ParsedArgs } from "./cli/command.js";
import { maybeNumber } from "./cli/args.js";
import type { FlagSpec } from "./cli/flag-spec.js";
import type { SampleRecord, SampleSettings } from "./chimera-run.js";

/** What a worker needs to build an AttackSetup itself (kernels, native ones above all, cannot be sent). */
export interface SetupSpec {
  model: string;
  backends: string[];
  weights?: string;
  dataDir?: string;
  fixture: boolean;
  /** How the convolutions run (default shared). */
  conv?: ConvMode;
}

/** One sample to run: a search on test image `index` with `settings` (and, for table3, under keyed noise). */
export interface SampleJob {
  setup: SetupSpec;
  index: number;
  settings: SampleSettings;
  /** Table 3's defended arm: the attacker searches under its own key, the defender judges under d and seed. */
  defense?: { d: number; seed: number };
}

/** The spec of --workers N (declare it as `workers: workersSpec`). */
export const workersSpec: FlagSpec = { type: "int", min: 1, max: 256 };

/** --workers N: N worker threads (default: the cores this process may use, os.availableParallelism()). */
export function workersFlag(args: ParsedArgs): number {
  return maybeNumber(args, "workers") ?? availableParallelism();
}

/**
 * Runs `jobs` on up to `workers` worker threads (never more than there are jobs), each handling whole
 * samples and building its own backends; `onDone` runs on this thread, in the order samples finish,
 * so only this thread writes results. With one worker (or one job) the jobs run here, in order, with
 * `local`. A failed sample stops the pool and rejects with the sample named.
 */
export async function runSampleJobs<J extends SampleJob>(
  jobs: readonly J[], workers: number, local: (job: J) => SampleRecord, onDone: (job: J, record: SampleRecord) => void,
): Promise<void> {
  const n = Math.min(workers, jobs.length);
  if (n <= 1) {
    for (const job of jobs) onDone(job, local(job));
    return;
  }
  const url = new URL("./sample-worker.js", import.meta.url);
  const pool: Worker[] = [];
  let next = 0, finished = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const fail = (e: Error) => {
        if (failed) return;
        failed = true;
        reject(e);
      };
      const feed = (w: Worker) => {
        if (next < jobs.length) {
          const id = next++;
          w.postMessage({ id, job: jobs[id] });
        }
      };
      for (let k = 0; k < n; k++) {
        const w = new Worker(url);
        pool.push(w);
        w.on("message", (m: { id: number; record?: SampleRecord; error?: string }) => {
          if (failed) return;
          const job = jobs[m.id]!;
          if (m.error !== undefined) return fail(new Error(`sample ${job.index} on ${job.setup.backends.join(",")}: ${m.error}`));
          try {
            onDone(job, m.record!);
          } catch (e) {
            return fail(e as Error);
          }
          if (++finished === jobs.length) resolve();
          else feed(w);
        });
        w.on("error", (e) => fail(new Error(`worker thread failed: ${e.message}`)));
        w.on("exit", (code) => {
          if (finished < jobs.length) fail(new Error(`worker thread exited (code ${code}) with ${jobs.length - finished} samples unfinished`));
        });
        feed(w);
      }
    });
  } finally {
    // Ask each worker to release its backends (native worker processes) and leave; end it if it hangs.
    await Promise.all(pool.map((w) => new Promise<void>((done) => {
      const timer = setTimeout(() => void w.terminate().then(() => done()), 5000);
      w.once("exit", () => {
        clearTimeout(timer);
        done();
      });
      w.postMessage({ close: true });
    })));
  }
}
