export type { Kernel, KernelInfo, KernelKind, GemmCall, GemvCall, DotCall } from "./kernel.js";
export { KernelArgumentError, validateGemm, validateGemv, validateDot } from "./validate.js";
export { referenceKernel, referenceInfo } from "./reference.js";
export { KernelRegistry } from "./registry.js";
