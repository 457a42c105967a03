export type { Kernel, KernelInfo, KernelKind, GemmCall, GemvCall, DotCall } from "./kernel.js";
export { KernelArgumentError, validateGemm, validateGemv, validateDot } from "./validate.js";
export { referenceKernel, referenceInfo } from "./reference.js";
export { KernelRegistry } from "./registry.js";
export { fma32, F32_MAX } from "./fp32/fma.js";
export { toDyadic, mulExact, addExact, roundToF32 } from "./fp32/exact.js";
export type { Dyadic } from "./fp32/exact.js";
export * from "./probe/index.js";
