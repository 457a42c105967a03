/** The paper's models. */
export { fmnistMlp } from "./fmnist-mlp.js";
export { cifarVgg, CifarVgg, fmnistVgg, Vgg, type VggShape } from "./cifar-vgg.js";
export { efficientNetV2S, EfficientNetV2S, IMAGENET_NORMALIZATION, type InputNormalization } from "./efficientnet-v2-s.js";
