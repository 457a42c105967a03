import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** What a loaded library reports about itself (csrc/library-table.c). */
export interface LibraryReport {
  path: string;
  /** "cblas" when the library exports cblas_*, "fortran" when the bridge calls sgemm_ and friends. */
  abi: "cblas" | "fortran";
  openblasCorename?: string;
  openblasConfig?: string;
  blisVersion?: string;
  blisArch?: string;
  mklVersion?: string;
  eigenBuild?: string;
  /** l1, l2, l3 bytes as the Eigen build's manage_caching_sizes holds them (its GEBP blocking uses these). */
  eigenCacheSizes?: number[];
  cublasVersion?: string;
  /** Every shared object in the process (MKL's code path shows as the libmkl_<path>.so it loaded). */
  loadedObjects: string[];
}

/** The functions csrc/addon.c exports. Arguments are positional, exactly as the C side reads them. */
export interface NativeAddon {
  open(path: string): number;
  setThreads(library: number, threads: number): boolean;
  libraryInfo(library: number): LibraryReport;
  gemm(
    library: number, transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, aOffset: number, lda: number, b: Float32Array, bOffset: number, ldb: number,
    beta: number, c: Float32Array, cOffset: number, ldc: number,
  ): void;
  timeGemm(
    library: number, transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, aOffset: number, lda: number, b: Float32Array, bOffset: number, ldb: number,
    beta: number, c: Float32Array, cOffset: number, ldc: number, reps: number,
  ): number;
  gemv(
    library: number, transA: boolean, m: number, n: number, alpha: number, a: Float32Array, aOffset: number,
    lda: number, x: Float32Array, xOffset: number, incx: number, beta: number, y: Float32Array,
    yOffset: number, incy: number,
  ): void;
  dot(library: number, n: number, x: Float32Array, xOffset: number, incx: number, y: Float32Array,
    yOffset: number, incy: number): number;
  /** out[i] = fma(a[i], b[i], c[i]) on the CPU's FMA unit (csrc/hardware-fma.c). */
  fmaf(a: Float32Array, b: Float32Array, c: Float32Array, out: Float32Array): void;
  mkfifo(path: string): void;
  setBlocking(fd: number, blocking: boolean): void;
  waitReadable(fd: number, timeoutMs: number): "readable" | "hangup" | "timeout";
  setPipeSize(fd: number, bytes: number): number;
  /** Maps `bytes` of a file MAP_SHARED (creating it with that size when `create`); unmapped on GC. */
  mapShared(path: string, bytes: number, create: boolean): ArrayBuffer;
  /** CPUID + XGETBV (csrc/cpu-features.c): feature names, caches, and the cache sizes Eigen 3.4 reads. */
  cpuFeatures(): {
    vendor: string; family: number; model: number; features: string[];
    caches: Array<{ level: number; type: "data" | "instruction" | "unified"; bytes: number }>; eigenCaches: number[];
  };
}

/** The folder node-gyp builds into: the addon and the shared objects the bridge builds itself. */
export const buildDir = join(dirname(fileURLToPath(import.meta.url)), "..", "build", "Release");

/** Path of one build product, e.g. `buildProduct("chimera_eigen_avx2")`. */
export function buildProduct(name: string): string {
  return join(buildDir, `${name}.node`);
}

let loaded: { addon?: NativeAddon; reason?: string } | undefined;

/** The addon, or why it cannot be loaded (not built, no C toolchain, wrong platform). */
export function addonStatus(): { addon?: NativeAddon; reason?: string } {
  if (loaded) return loaded;
  const path = buildProduct("chimera_native");
  if (!existsSync(path)) {
    loaded = { reason: `the native addon is not built (${path} missing; run \`npm run build:native\`)` };
    return loaded;
  }
  try {
    loaded = { addon: createRequire(import.meta.url)(path) as NativeAddon };
  } catch (e) {
    loaded = { reason: `the native addon failed to load: ${(e as Error).message}` };
  }
  return loaded;
}

/** The addon; throws with the reason when it is unavailable. */
export function loadAddon(): NativeAddon {
  const s = addonStatus();
  if (!s.addon) throw new Error(`@chimera/native: ${s.reason}`);
  return s.addon;
}
