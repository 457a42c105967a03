/**
 * Which native backend each emulation models: the real library, build and load-time settings it was
 * verified against (see each declaration's `verified` note in packages/kernels/src/emulated/libraries).
 * Serial builds and one thread: an emulation models the single-threaded order.
 */
export const fidelityPairs: Readonly<Record<string, string>> = {
  "netlib-3.11": "netlib-3.11.0-generic",
  "openblas-0.3.21-haswell": "openblas-0.3.21-haswell-serial",
  "openblas-0.3.21-skylakex": "openblas-0.3.21-skylakex-serial",
  "openblas-0.3.21-cooperlake": "openblas-0.3.21-cooperlake-serial",
  "blis-0.9.0-generic": "blis-0.9.0-generic-serial",
  "eigen-3.4-o3": "eigen-3.4.0-generic",
  "mkl-2020.4-generic": "mkl-2020.4-auto-sequential",
  "mkl-2020.4-avx512": "mkl-2020.4-avx512-sequential",
  "mkl-2020.4-avx2": "mkl-2020.4-avx2-sequential",
  "mkl-2020.4-sse42": "mkl-2020.4-sse42-sequential",
  "mkl-2020.4-avx": "mkl-2020.4-avx-sequential",
};
