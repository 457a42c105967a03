import { join } from "node:path";
import { models, type nn } from "@chimera/tensor";
import { weightsDir } from "./paths.js";
import { UsageError } from "./cli/args.js";

/** A model the lab knows by name: how to build it, its committed weights, its data set. */
export interface ZooEntry {
  readonly name: string;
  readonly description: string;
  readonly dataset: "fashion-mnist" | "cifar10";
  /** Builds the architecture with freshly initialised (seeded) parameters. */
  create(seed?: number): nn.Module;
  /** Shape of one input sample, e.g. [1, 28, 28]. */
  readonly sampleShape: readonly number[];
  /** The committed trained weights (safetensors, PyTorch state_dict keys). */
  readonly weightsPath: string;
}

/** Every model the lab knows, listed once. */
export const zoo: readonly ZooEntry[] = [
  {
    name: "fmnist-mlp",
    description: "the paper's Fashion-MNIST network (Table A2): 784-128-ReLU-10, 101,770 parameters",
    dataset: "fashion-mnist",
    create: (seed = 0) => models.fmnistMlp({ seed }),
    sampleShape: [1, 28, 28],
    weightsPath: join(weightsDir, "fmnist-mlp.safetensors"),
  },
  {
    name: "fmnist-vgg",
    description: "Table A1's VGG on Fashion-MNIST, narrowed to 32 channels and 128 hidden units (68,970 parameters)",
    dataset: "fashion-mnist",
    create: (seed = 0) => models.fmnistVgg({ seed }),
    sampleShape: [1, 28, 28],
    weightsPath: join(weightsDir, "fmnist-vgg.safetensors"),
  },
];

/** The zoo entry called `name`; the error (a usage error: the name comes from the command line) lists the known names. */
export function zooEntry(name: string | undefined): ZooEntry {
  const e = zoo.find((z) => z.name === name);
  if (!e) {
    const what = name === undefined ? "no model named" : `unknown model "${name}"`;
    throw new UsageError(`${what}; known models: ${zoo.map((z) => z.name).join(", ")}`);
  }
  return e;
}
