// Sliding windows over NCHW images (convolution and pooling): the specification of the native kernels
// in native/src/kernels/image.cc. geom is the window geometry, IMAGE_GEOMETRY in ../backend.ts.
import { roundingOf } from '../../storage';
import { elementsInside, firstInside } from '../../window';

/** The fourteen numbers of a window geometry, by name. */
export function geometryOf(geom: Int32Array): { n: number; c: number; h: number; w: number; kh: number; kw: number; sh: number; sw: number;
  ph: number; pw: number; dh: number; dw: number; oh: number; ow: number } {
  const [n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow] = geom;
  return { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow };
}

export function imageRows(x: Float32Array, geom: Int32Array, c0: number, cg: number, pad: number, rows: Float32Array): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = geometryOf(geom);
  const width = cg * kh * kw;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        let at = ((b * oh + i) * ow + j) * width;
        for (let k = 0; k < cg; k++) {
          const plane = (b * c + c0 + k) * h * w;
          for (let u = 0; u < kh; u++) {
            const y = i * sh - ph + u * dh;
            for (let v = 0; v < kw; v++) {
              const xx = j * sw - pw + v * dw;
              rows[at++] = y >= 0 && y < h && xx >= 0 && xx < w ? x[plane + y * w + xx] : pad;
            }
          }
        }
      }
    }
  }
}

export function imageRowsGrad(rows: Float32Array, geom: Int32Array, c0: number, cg: number, gx: Float32Array): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = geometryOf(geom);
  const round = roundingOf(gx);
  const width = cg * kh * kw;
  // Only the window elements that some window has inside the image (the others add nothing).
  const [u0, u1] = elementsInside(kh, sh, ph, dh, oh, h);
  const [v0, v1] = elementsInside(kw, sw, pw, dw, ow, w);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < cg; k++) {
      const plane = (b * c + c0 + k) * h * w;
      gx.fill(0, plane, plane + h * w);
      // Each plane's sums one window element (u, v) at a time, over the output positions (i, j) in
      // order (torch's col2im order): the native kernel's.
      for (let u = u0; u < u1; u++) {
        for (let v = v0; v < v1; v++) {
          for (let i = 0; i < oh; i++) {
            const y = i * sh - ph + u * dh;
            if (y < 0 || y >= h) continue;
            for (let j = 0; j < ow; j++) {
              const xx = j * sw - pw + v * dw;
              if (xx >= 0 && xx < w) gx[plane + y * w + xx] = round(gx[plane + y * w + xx] + rows[((b * oh + i) * ow + j) * width + (k * kh + u) * kw + v]);
            }
          }
        }
      }
    }
  }
}

export function maxPool2d(x: Float32Array, geom: Int32Array, out: Float32Array, indices: Int32Array): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = geometryOf(geom);
  for (let p = 0; p < n * c; p++) {
    const plane = p * h * w;
    for (let i = 0; i < oh; i++) {
      // The window's rows and columns inside the image: stepping by the dilation from the first
      // inside (torch's max_pool2d visits those alone).
      const y0 = firstInside(i * sh - ph, dh);
      const y1 = Math.min(i * sh - ph + (kh - 1) * dh + 1, h);
      for (let j = 0; j < ow; j++) {
        const x0 = firstInside(j * sw - pw, dw);
        const x1 = Math.min(j * sw - pw + (kw - 1) * dw + 1, w);
        // torch's rule: a larger value or any NaN takes the place (the last NaN, of several); an
        // all -inf window points at its first element inside the image; a window with none inside
        // (the op refuses such geometries) at -1.
        let best = -Infinity;
        let at = y0 < y1 && x0 < x1 ? plane + y0 * w + x0 : -1;
        for (let y = y0; y < y1; y += dh) {
          for (let xx = x0; xx < x1; xx += dw) {
            const v = x[plane + y * w + xx];
            if (v > best || Number.isNaN(v)) {
              best = v;
              at = plane + y * w + xx;
            }
          }
        }
        const o = (p * oh + i) * ow + j;
        out[o] = best;
        indices[o] = at;
      }
    }
  }
}
