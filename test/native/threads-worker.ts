import { parentPort, workerData } from "node:worker_threads";
import { discoverNativeBackends } from "@chimera/native";
import { seededCall } from "./threads-calls.js";

/** Runs `count` seeded gemm calls on one native backend and posts every C back. */
const { id, seed, count } = workerData as { id: string; seed: number; count: number };
const kernel = discoverNativeBackends().find((b) => b.id === id)!.create();
const out: Float32Array[] = [];
for (let i = 0; i < count; i++) {
  const call = seededCall(seed + i);
  kernel.gemm(call);
  out.push(call.c);
}
kernel.dispose();
parentPort!.postMessage(out);
