import type { Experiment } from "./experiment.js";
import { fig5 } from "./fig5.js";
import { table2 } from "./table2.js";
import { ablation } from "./ablation.js";
import { fig6 } from "./fig6.js";
import { experiment as table3 } from "./table3.js";

/** Every `chimera experiment` the lab runs, listed once, in the order its help shows them. */
export const experiments: readonly Experiment[] = [fig5, table2, ablation, fig6, table3];
