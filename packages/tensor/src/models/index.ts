/** The paper's models. */
export { fmnistMlp } from "./fmnist-mlp.js";
export { cifarVgg, CifarVgg } from "./cifar-vgg.js";
