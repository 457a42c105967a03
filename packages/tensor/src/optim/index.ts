/** Optimizers with PyTorch semantics, in binary32. */
export { Optimizer } from "./optimizer.js";
export { SGD, type SgdOptions } from "./sgd.js";
export { Adam, type AdamOptions } from "./adam.js";
