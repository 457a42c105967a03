export type { Command, ParsedArgs, CommandIO } from "./cli/command.js";
export { zoo, zooEntry, type ZooEntry } from "./model-zoo.js";
export { loadModule, saveModule } from "./weights.js";
export { loadFmnist, type FmnistSplit } from "./fmnist-data.js";
export { getKernel, registry } from "./backends.js";
export { crc32, encodeGrayPng } from "./png.js";
