import type { Experiment } from "./experiment.js";
import { fig5 } from "./fig5.js";

/** Every `chimera experiment` the lab runs, listed once, in the order its help shows them. */
export const experiments: readonly Experiment[] = [fig5];
