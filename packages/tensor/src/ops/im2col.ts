/**
 * im2col and col2im for one image, in PyTorch's order (aten/src/ATen/native/cpu/Unfold2d.cpp,
 * unfolded2d_copy / unfolded2d_acc, contiguous layout). Column matrix row r = (c·kh + i)·kw + j,
 * column q = oy·ow + ox, value = input[c, oy·sh − ph + i, ox·sw − pw + j] (0 outside the image).
 */
export interface ConvGeometry {
  channels: number;
  height: number;
  width: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
  oh: number;
  ow: number;
}

/** Writes the [channels·kh·kw, oh·ow] column matrix of src[srcOff …] into cols. */
export function im2col(src: Float32Array, srcOff: number, g: ConvGeometry, cols: Float32Array): void {
  const { channels, height, width, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  let r = 0;
  for (let c = 0; c < channels; c++) {
    const plane = srcOff + c * height * width;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, r++) {
        const row = r * oh * ow;
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * sh - ph + i;
          const dst = row + oy * ow;
          if (iy < 0 || iy >= height) {
            cols.fill(0, dst, dst + ow);
            continue;
          }
          const line = plane + iy * width;
          for (let ox = 0; ox < ow; ox++) {
            const ix = ox * sw - pw + j;
            cols[dst + ox] = ix >= 0 && ix < width ? src[line + ix]! : 0;
          }
        }
      }
    }
  }
}

/**
 * Adds the column matrix back into an image gradient: dst[c, iy, ix] += cols[r, q], looping
 * c, i, j, oy, ox (so each pixel's contributions arrive in (i, j) row-major order), binary32 adds.
 */
export function col2im(cols: Float32Array, g: ConvGeometry, dst: Float32Array, dstOff: number): void {
  const { channels, height, width, kh, kw, sh, sw, ph, pw, oh, ow } = g;
  let r = 0;
  for (let c = 0; c < channels; c++) {
    const plane = dstOff + c * height * width;
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++, r++) {
        const row = r * oh * ow;
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * sh - ph + i;
          if (iy < 0 || iy >= height) continue;
          const line = plane + iy * width, srcRow = row + oy * ow;
          for (let ox = 0; ox < ow; ox++) {
            const ix = ox * sw - pw + j;
            if (ix >= 0 && ix < width) dst[line + ix] += cols[srcRow + ox]!;
          }
        }
      }
    }
  }
}
