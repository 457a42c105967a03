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
  "openblas-0.3.21-zen": "openblas-0.3.21-zen-serial",
  "openblas-0.3.21-sandybridge": "openblas-0.3.21-sandybridge-serial",
  "openblas-0.3.21-nehalem": "openblas-0.3.21-nehalem-serial",
  "blis-0.9.0-generic": "blis-0.9.0-generic-serial",
  "eigen-3.4-o3": "eigen-3.4.0-generic",
  "blis-0.9.0-zen3": "blis-0.9.0-zen3-serial",
  "blis-0.9.0-haswell": "blis-0.9.0-haswell-serial",
  "blis-0.9.0-skx": "blis-0.9.0-skx-serial",
  "blis-0.9.0-zen2": "blis-0.9.0-zen2-serial",
  "blis-0.9.0-zen": "blis-0.9.0-zen-serial",
  "blis-0.9.0-sandybridge": "blis-0.9.0-sandybridge-serial",
  "blis-0.9.0-penryn": "blis-0.9.0-penryn-serial",
  "eigen-3.4-native": "eigen-3.4.0-native",
  "atlas-3.10.3": "atlas-3.10.3-base",
};
