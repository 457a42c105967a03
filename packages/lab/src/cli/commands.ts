import type { Command } from "./command.js";
import { command as train } from "../commands/train.js";
import { command as evaluate } from "../commands/eval.js";
import { command as probe } from "../commands/probe.js";
import { command as attack } from "../commands/attack.js";
import { command as demo } from "../commands/demo.js";

/** Every `chimera` subcommand, listed once, in the order `chimera --help` shows them. */
export const commands: readonly Command[] = [train, evaluate, probe, demo, attack];
