import { existsSync } from "node:fs";
import type { NativeBackend } from "./discover.js";

/** Where cuBLAS usually lives (CUDA toolkit, Debian's nvidia-cuda-toolkit). */
const cublasCandidates = [
  "/usr/local/cuda/lib64/libcublas.so", "/usr/local/cuda/lib64/libcublas.so.12", "/usr/local/cuda/lib64/libcublas.so.11",
  "/usr/lib/x86_64-linux-gnu/libcublas.so", "/usr/lib/x86_64-linux-gnu/libcublas.so.12", "/usr/lib/x86_64-linux-gnu/libcublas.so.11",
];

function unavailable(id: string, library: string, version: string, variant: string, reason: string): NativeBackend {
  return {
    id, kind: "native", library, version, variant, threads: 1, available: false, reason, transport: "worker",
    create: () => { throw new Error(`${id}: unavailable: ${reason}`); },
  };
}

/**
 * Backends that exist on other platforms: cuBLAS (NVIDIA GPUs, TF32 off) and Apple Accelerate. They
 * are listed so `chimera backends` shows them, always with the reason they cannot run here; the
 * bridge has no call path for them yet, so even a found library reports that.
 */
export function platformBackends(env: NodeJS.ProcessEnv = process.env): NativeBackend[] {
  const override = env.CHIMERA_BLAS_CUBLAS;
  const cublas = override ? (existsSync(override) ? override : undefined) : cublasCandidates.find((p) => existsSync(p));
  const cublasReason = cublas
    ? `found ${cublas}, but the bridge has no cuBLAS call path yet`
    : `libcublas not found (looked in ${override ?? cublasCandidates.join(", ")}; set CHIMERA_BLAS_CUBLAS)`;
  const accelerateReason = process.platform === "darwin"
    ? "the bridge has no Accelerate call path yet"
    : `Apple Accelerate exists only on macOS (this is ${process.platform})`;
  return [
    unavailable("cublas-unknown-tf32off", "cublas", "unknown", "tf32off", cublasReason),
    unavailable("accelerate-unknown-default", "accelerate", "unknown", "default", accelerateReason),
  ];
}
