import { cpuInfo } from "@chimera/native";

/**
 * Which native backend each emulation models: the real library, build and load-time settings it was
 * verified against (see each declaration's `verified` note in packages/kernels/src/emulated/libraries).
 * Serial builds and one thread: an emulation models the single-threaded order.
 *
 * cuBLAS and Accelerate exist only on their platforms (an NVIDIA GPU, macOS): their emulations are
 * unverified, and here `chimera fidelity` reports their library as unavailable. The cuBLAS backend's id
 * carries the version read from libcublas's file name where it is found (`cublas-12.4.5-pedantic`), so its
 * pair is written with version `unknown` and matched by `pairedBackend` to whichever version is there.
 */
export const fidelityPairs: Readonly<Record<string, string>> = {
  "netlib-3.11": "netlib-3.11.0-generic",
  "openblas-0.3.21-haswell": "openblas-0.3.21-haswell-serial",
  "openblas-0.3.21-skylakex": "openblas-0.3.21-skylakex-serial",
  "openblas-0.3.21-cooperlake": "openblas-0.3.21-cooperlake-serial",
  "openblas-0.3.21-zen": "openblas-0.3.21-zen-serial",
  "openblas-0.3.21-sandybridge": "openblas-0.3.21-sandybridge-serial",
  "openblas-0.3.21-nehalem": "openblas-0.3.21-nehalem-serial",
  "blis-0.9.0-generic": "blis-0.9.0-generic-serial",
  "eigen-3.4-sse2": "eigen-3.4.0-sse2",
  "blis-0.9.0-zen3": "blis-0.9.0-zen3-serial",
  "blis-0.9.0-haswell": "blis-0.9.0-haswell-serial",
  "blis-0.9.0-skx": "blis-0.9.0-skx-serial",
  "blis-0.9.0-zen2": "blis-0.9.0-zen2-serial",
  "blis-0.9.0-zen": "blis-0.9.0-zen-serial",
  "blis-0.9.0-sandybridge": "blis-0.9.0-sandybridge-serial",
  "blis-0.9.0-penryn": "blis-0.9.0-penryn-serial",
  "eigen-3.4-avx512": "eigen-3.4.0-avx512",
  "eigen-3.4-avx2": "eigen-3.4.0-avx2",
  "atlas-3.10.3": "atlas-3.10.3-base",
  "mkl-2020.4-generic": "mkl-2020.4-auto-sequential",
  "mkl-2020.4-avx512": "mkl-2020.4-avx512-sequential",
  "mkl-2020.4-avx2": "mkl-2020.4-avx2-sequential",
  "mkl-2020.4-sse42": "mkl-2020.4-sse42-sequential",
  "mkl-2020.4-avx": "mkl-2020.4-avx-sequential",
  "cublas-12-sm80-unverified": "cublas-unknown-pedantic",
  "accelerate-unverified-m1-amx": "accelerate-system-default",
};

/**
 * Pairs whose native side is an "auto" variant: what it runs depends on the CPU, so the pair holds only
 * where it runs what the emulation models. MKL 2020.4 runs libmkl_def on every non-Intel CPU (whatever
 * its features); on an Intel CPU its auto path is the Intel code for that CPU (avx2, avx512…), which
 * the named variants pair with instead. Each entry says why the pair does not hold here, or undefined.
 */
const autoPairs: Readonly<Record<string, () => string | undefined>> = {
  "mkl-2020.4-auto-sequential": () => cpuInfo().vendor === "GenuineIntel"
    ? "on an Intel CPU MKL's auto path is its Intel code for that CPU, not the generic libmkl_def that mkl-2020.4-generic models"
    : undefined,
};

/**
 * The backend a pair's native id names among `backends`: the one with that id, else, for an id with
 * version `unknown` (`<library>-unknown-<variant>`), the one backend of that library and variant with any
 * version (an available one first). An "auto" variant that runs something else on this CPU than the
 * emulation models (autoPairs) comes back unavailable, with the reason.
 */
export function pairedBackend<T extends { readonly id: string; readonly available?: boolean; readonly reason?: string }>(backends: readonly T[], realId: string): T | undefined {
  const exact = backends.find((b) => b.id === realId);
  const mismatch = exact && autoPairs[realId]?.();
  if (exact && mismatch) return { ...exact, available: false, reason: mismatch };
  if (exact || !realId.includes("-unknown-")) return exact;
  const at = realId.indexOf("-unknown-");
  const library = realId.slice(0, at), rest = realId.slice(at + "-unknown-".length);
  const same = backends.filter((b) => b.id.startsWith(`${library}-`) && b.id.endsWith(`-${rest}`) &&
    !b.id.slice(library.length + 1, b.id.length - rest.length - 1).includes("-"));
  return same.find((b) => b.available === true) ?? same[0];
}
