/** All tensor ops. Ops that run a gemm take the kernel (or a ForwardContext) explicitly. */
export { add, sub, mul, div, maximum, fusedMulAdd, broadcastApply } from "./binary.js";
export { neg, exp, log, sqrt, tanh, relu, sigmoid, powScalar } from "./unary.js";
export { sum, mean, max, argmax } from "./reduce.js";
export { reshape, flatten, permute, transpose, contiguous, slice, indexSelect } from "./movement.js";
export { matmul, linear, kernelOf, type KernelSource } from "./matmul.js";
export { conv2d, type Conv2dOptions } from "./conv2d.js";
export { onednnConv2d, torchUsesOnednn, onednnUnsupported } from "./conv2d-onednn.js";
export { maxPool2d, avgPool2d, adaptiveAvgPool2d } from "./pool.js";
export { softmax, logSoftmax, silu, crossEntropy } from "./softmax.js";
export { dropout } from "./dropout.js";
export { batchNorm2d, type BatchNormState } from "./batch-norm.js";
