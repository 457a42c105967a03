import { join } from "node:path";
import { models, type nn } from "@chimera/tensor";
import { weightsDir } from "./paths.js";
import { IMAGENET_SAMPLE_SHAPE } from "./imagenet-data.js";
import { UsageError } from "./cli/args.js";
import type { DatasetName } from "./fmnist-data.js";

/** A model the lab knows by name: how to build it, its committed weights, its data set. */
export interface ZooEntry {
  readonly name: string;
  readonly description: string;
  readonly dataset: DatasetName;
  /** Builds the architecture with freshly initialised (seeded) parameters. */
  create(seed?: number): nn.Module;
  /** Shape of one input sample, e.g. [1, 28, 28]. */
  readonly sampleShape: readonly number[];
  /** How many classes the model scores (the length of its logits). */
  readonly classes: number;
  /** The committed trained weights (safetensors, PyTorch state_dict keys). */
  readonly weightsPath: string;
  /** Whether it has convolutions (then --conv shared|blas changes what the backends compute). */
  readonly convolutions: boolean;
  /** sha256 (hex) of the committed weights file, pinned (a test checks the file against it). */
  readonly weightsSha256?: string;
  /** Why there are no committed weights and how to get some (absent: they are committed). */
  readonly missingWeights?: string;
}

/**
 * The weights file to load for `entry`: `given` (--weights), else the committed one; a model without
 * committed weights and no --weights is an error saying how to get them.
 */
export function weightsFor(entry: ZooEntry, given: string | undefined): string {
  if (given !== undefined) return given;
  if (entry.missingWeights !== undefined) throw new UsageError(entry.missingWeights);
  return entry.weightsPath;
}

/** Every model the lab knows, listed once. */
export const zoo: readonly ZooEntry[] = [
  {
    name: "fmnist-mlp",
    description: "the paper's Fashion-MNIST network (Table A2): 784-128-ReLU-10, 101,770 parameters",
    dataset: "fashion-mnist",
    create: (seed = 0) => models.fmnistMlp({ seed }),
    sampleShape: [1, 28, 28],
    classes: 10,
    weightsPath: join(weightsDir, "fmnist-mlp.safetensors"),
    weightsSha256: "8588ab71bfcac43f3b846c0188b208dac7162097a098d67643e9f721dc4573ca",
    convolutions: false,
  },
  {
    name: "fmnist-vgg",
    description: "Table A1's VGG on Fashion-MNIST, narrowed to 32 channels and 128 hidden units (68,970 parameters)",
    dataset: "fashion-mnist",
    create: (seed = 0) => models.fmnistVgg({ seed }),
    sampleShape: [1, 28, 28],
    classes: 10,
    weightsPath: join(weightsDir, "fmnist-vgg.safetensors"),
    weightsSha256: "a79f1afb4b24fd39de382975f25dc0516687cba61c3d60e11bf9b5d2a671c8d4",
    convolutions: true,
  },
  {
    name: "cifar-vgg",
    description: "the paper's CIFAR-10 VGG (Table A1), 1,076,874 parameters; no committed weights: `chimera train cifar-vgg --data-dir DIR`",
    dataset: "cifar10",
    create: (seed = 0) => models.cifarVgg({ seed }),
    sampleShape: [3, 32, 32],
    classes: 10,
    weightsPath: join(weightsDir, "cifar-vgg.safetensors"),
    convolutions: true,
    missingWeights: "cifar-vgg has no committed weights (CIFAR-10 cannot be obtained here): train them with " +
      "`chimera train cifar-vgg --data-dir DIR` on the official CIFAR-10 binary batches, then pass --weights PATH",
  },
  {
    name: "efficientnet-v2-s",
    description: "torchvision's EfficientNetV2-S (ImageNet), 21,458,488 parameters; weights converted by scripts/efficientnet-to-safetensors.py",
    dataset: "imagenet",
    // torchvision's ImageNet weights expect its Normalize after bytes / 255: part of the model here, so an attack
    // perturbs the 8-bit image itself. 384×384: EfficientNet_V2_S_Weights.IMAGENET1K_V1's eval crop.
    create: () => models.efficientNetV2S({ normalization: models.IMAGENET_NORMALIZATION }),
    sampleShape: IMAGENET_SAMPLE_SHAPE,
    classes: 1000,
    weightsPath: join(weightsDir, "efficientnet-v2-s.safetensors"),
    convolutions: true,
    missingWeights: "efficientnet-v2-s has no committed weights (torchvision's cannot be downloaded here): convert them with " +
      "`python3 scripts/efficientnet-to-safetensors.py OUT.safetensors` where torchvision and its weights are, then pass --weights OUT.safetensors",
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
