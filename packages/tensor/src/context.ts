import type { Kernel } from "@chimera/kernels";
import type { Rng } from "./rng.js";

/**
 * What a forward pass runs with. `kernel` receives every gemm the model makes (there is no global
 * backend). `training` overrides each module's own train()/eval() mode when given. `rng` feeds
 * dropout masks; it is required when a Dropout with p > 0 runs in training mode.
 */
export interface ForwardContext {
  kernel: Kernel;
  training?: boolean;
  rng?: Rng;
}
