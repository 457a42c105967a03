export type { Command, ParsedArgs, CommandIO } from "./cli/command.js";
