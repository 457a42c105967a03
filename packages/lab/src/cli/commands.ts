import type { Command } from "./command.js";

/** Every `chimera` subcommand, listed once, in the order `chimera --help` shows them. */
export const commands: readonly Command[] = [];
