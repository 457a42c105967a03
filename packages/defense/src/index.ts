export { exactKernel, exactInfo } from "./exact/exact-kernel.js";
export { grow, scale, roundExpansion, SCRATCH_LENGTH } from "./exact/expansion.js";
