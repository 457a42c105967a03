import type { Command } from "./command.js";
import { command as demo } from "../commands/demo.js";
import { command as attack } from "../commands/attack.js";
import { command as train } from "../commands/train.js";
import { command as evaluate } from "../commands/eval.js";
import { command as backends } from "../commands/backends.js";
import { command as gemm } from "../commands/gemm.js";
import { command as compare } from "../commands/compare.js";
import { command as fidelity } from "../commands/fidelity.js";
import { command as probe } from "../commands/probe.js";
import { command as derive } from "../commands/derive.js";
import { command as defend } from "../commands/defend.js";
import { command as experiment } from "../commands/experiment.js";
import { command as verify } from "../commands/verify.js";
import { command as serve } from "../commands/serve.js";
import { command as merge } from "../commands/merge.js";

/** Every `chimera` subcommand, listed once, in the order `chimera --help` shows them. */
export const commands: readonly Command[] = [demo, attack, experiment, merge, train, evaluate, defend, backends, gemm, compare, fidelity, verify, probe, derive, serve];
