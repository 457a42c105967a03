/** Data and weights I/O on plain typed arrays: .npy, safetensors, IDX, Fashion-MNIST, CIFAR-10. See ../../IO.md. */
export { IoFormatError } from "./io-error.js";
export {
  type DType, type DTypeData, type HostArray, type HostData,
  DTYPE_BYTES, isDType, shapeSize, checkHostArray, narrowInt64,
} from "./host-array.js";
export { float16BitsToNumber, numberToFloat16Bits, bfloat16BitsToNumber, numberToBfloat16Bits } from "./half-float.js";
export { readNpy, writeNpy, readNpyFile, writeNpyFile } from "./npy.js";
export {
  type SafetensorsFile, SAFETENSORS_MAX_HEADER_BYTES,
  readSafetensors, writeSafetensors, readSafetensorsFile, writeSafetensorsFile,
} from "./safetensors.js";
export { isGzip, maybeGunzip } from "./gzip.js";
export { type IdxArray, readIdx, readIdxFile, writeIdx } from "./idx.js";
export {
  type FashionMnistSplit, type FashionMnistOptions, FASHION_MNIST_CLASSES, FASHION_MNIST_DEBIAN_DIR, FASHION_MNIST_ENV,
  FASHION_MNIST_FIXTURE_COUNT, loadFashionMnist, fashionMnistFixture,
} from "./fashion-mnist.js";
export {
  type Cifar10Split, type Cifar10Options, CIFAR10_CLASSES, CIFAR10_ENV, CIFAR10_RECORD_BYTES,
  readCifar10Batch, loadCifar10,
} from "./cifar10.js";
export { toFloat01, quantize8 } from "./pixel-scale.js";
export { readFileBounded, readFdAtMost, MAX_FILE_BYTES } from "./bounded-read.js";
