export { exactKernel, exactInfo } from "./exact/exact-kernel.js";
export { grow, scale, roundExpansion, SCRATCH_LENGTH } from "./exact/expansion.js";
export { ulpStep, ulpDistance, ordinal, fromOrdinal, MAX_ORDINAL } from "./noise/ulp-walk.js";
export { KeyedNoise, MIN_KEY_BYTES } from "./noise/keyed-noise.js";
export { defendedModel, argmaxOf, type LogitsModel, type DefendedModel } from "./noise/defended-model.js";
export { pgdPerturb, type PgdOptions } from "./adversarial/pgd.js";
