export type { Command, ParsedArgs, CommandIO } from "./cli/command.js";
export { allBackends, getKernel, releaseKernel, type BackendEntry } from "./backends.js";
export { command as backendsCommand } from "./commands/backends.js";
export { command as gemmCommand } from "./commands/gemm.js";
export { command as compareCommand, compareKernels, type PairComparison } from "./commands/compare.js";
export { readNpyF32, writeNpyF32, type NpyF32 } from "./npy-f32.js";
export { fidelityPairs } from "./fidelity-pairs.js";
