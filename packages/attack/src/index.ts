export { uint8ImageDomain, type InputDomain } from "./input-domain.js";
export { toW, fromW, gradientToW } from "./tanh-reparam.js";
export { chooseTargets, type IntSource } from "./targets.js";
export { moduleAttackModel, crossEntropySeed, meanCrossEntropy, type AttackModel } from "./attack-model.js";
export { verdicts, isChimera, argmaxOf, topTwoMargin, type BackendVerdicts } from "./chimera-check.js";
export { float64GradientKernel, float64GradientInfo } from "./gradient-kernel.js";
export { AdaptiveStepSize, type StepSizeOptions } from "./step-size.js";
export { findChimera, type ChimeraSearchOptions } from "./chimera-search.js";
export { chimeraResult, type ChimeraResult } from "./chimera-result.js";
