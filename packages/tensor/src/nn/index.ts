/** Layers with PyTorch state_dict names. */
export { Module } from "./module.js";
export { Linear } from "./linear.js";
export { Conv2d, type Conv2dLayerOptions } from "./conv2d.js";
export { BatchNorm2d } from "./batch-norm2d.js";
export { ReLU, SiLU, Flatten, MaxPool2d, AdaptiveAvgPool2d, Dropout } from "./layers.js";
export { Sequential } from "./sequential.js";
export { SqueezeExcitation } from "./squeeze-excitation.js";
export { StochasticDepth } from "./stochastic-depth.js";
export { kaimingUniform, biasUniform } from "./init.js";
export { ConvCache } from "./conv-cache.js";
