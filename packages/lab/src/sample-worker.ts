import { parentPort } from "node:worker_threads";
import { releaseKernel } from "./backends.js";
import { runSample, setupAttack, type AttackSetup } from "./chimera-run.js";
import { runDefendedSample } from "./experiments/table3.js";
import type { SampleJob } from "./sample-pool.js";

/**
 * A worker thread of runSampleJobs: runs whole samples as the main thread sends them and posts each
 * finished record back (the main thread alone writes results). It builds its own setups (model,
 * test images, backends) per distinct spec, since kernels cannot cross threads.
 */
const setups = new Map<string, AttackSetup>();

function setupFor(job: SampleJob): AttackSetup {
  const key = JSON.stringify(job.setup);
  let s = setups.get(key);
  if (!s) {
    const { model, backends, weights, dataDir, fixture, conv } = job.setup;
    s = setupAttack(model, backends, { fixture, ...(dataDir ? { dataDir } : {}), ...(weights ? { weights } : {}), ...(conv ? { conv } : {}) });
    setups.set(key, s);
  }
  return s;
}

parentPort!.on("message", (m: { id: number; job: SampleJob } | { close: true }) => {
  if ("close" in m) {
    for (const s of setups.values()) {
      s.real?.dispose();
      for (const k of s.backends) releaseKernel(k);
    }
    parentPort!.close();
    return;
  }
  try {
    const setup = setupFor(m.job);
    const record = m.job.defense ? runDefendedSample(setup, m.job.index, m.job.settings, m.job.defense) : runSample(setup, m.job.index, m.job.settings);
    parentPort!.postMessage({ id: m.id, record });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error)?.message ?? String(e) });
  }
});
