export { main } from "./main.js";
export { commands } from "./commands.js";
export { parseArgs, UsageError } from "./args.js";
export type { Command, ParsedArgs, CommandIO } from "./command.js";
