/** 3×5 bitmaps of the digits 0-9 (rows top to bottom, 3 bits each, most significant bit left). */
const DIGITS: readonly number[][] = [
  [7, 5, 5, 5, 7], [2, 6, 2, 2, 7], [7, 1, 7, 4, 7], [7, 1, 7, 1, 7], [5, 5, 7, 1, 1],
  [7, 4, 7, 1, 7], [7, 4, 7, 5, 7], [7, 1, 1, 1, 1], [7, 5, 7, 5, 7], [7, 5, 7, 1, 7],
];

/**
 * The picture of a Chimera example: the side×side image enlarged `scale` times, and below it one
 * white cell per backend holding that backend's label as a black digit (backends left to right in the
 * order given). Returns the pixels and the size, ready for encodeGrayPng.
 */
export function chimeraPicture(image: Uint8Array, side: number, labels: readonly number[], scale = 8): { width: number; height: number; pixels: Uint8Array } {
  if (image.length !== side * side) throw new RangeError(`chimeraPicture: expected ${side}×${side} pixels, got ${image.length}`);
  const width = side * scale, digitScale = Math.max(1, Math.floor(scale / 2)), strip = 7 * digitScale;
  const height = width + strip;
  const pixels = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < width; y++) for (let x = 0; x < width; x++) {
    pixels[y * width + x] = image[Math.floor(y / scale) * side + Math.floor(x / scale)]!;
  }
  const cell = Math.floor(width / Math.max(1, labels.length));
  labels.forEach((label, b) => {
    const glyph = DIGITS[label % 10]!;
    const x0 = b * cell + Math.floor((cell - 3 * digitScale) / 2), y0 = width + digitScale;
    for (let r = 0; r < 5; r++) for (let c = 0; c < 3; c++) {
      if (!((glyph[r]! >> (2 - c)) & 1)) continue;
      for (let dy = 0; dy < digitScale; dy++) for (let dx = 0; dx < digitScale; dx++) {
        pixels[(y0 + r * digitScale + dy) * width + x0 + c * digitScale + dx] = 0;
      }
    }
  });
  return { width, height, pixels };
}
