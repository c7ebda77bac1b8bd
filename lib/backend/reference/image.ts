// Sliding windows over NCHW images (convolution and pooling): the specification of the native kernels
// in native/src/kernels/image.cc. geom is the window geometry, IMAGE_GEOMETRY in ../backend.ts.
import { roundingOf } from '../../storage';
import { elementsInside, firstInside } from '../../window';
import { gemm } from './gemm';

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

/** Where the windows' entry (image b, channel k, window element (u, v), output position (i, j)) lies. */
type WindowStrides = { b: number; k: number; u: number; v: number; i: number; j: number };

/**
 * Channels [c0, c0 + cg) of gx overwritten with the sums of the windows' entries read from each
 * position (laid out by `at`): each plane one window element (u, v) at a time and, for each, over the
 * output positions (i, j) in order (torch's col2im order; the native kernels' sums).
 */
function sumWindowsBack(windows: Float32Array, at: WindowStrides, geom: Int32Array, c0: number, cg: number, gx: Float32Array): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = geometryOf(geom);
  const round = roundingOf(gx);
  // Only the window elements that some window has inside the image (the others add nothing).
  const [u0, u1] = elementsInside(kh, sh, ph, dh, oh, h);
  const [v0, v1] = elementsInside(kw, sw, pw, dw, ow, w);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < cg; k++) {
      const plane = (b * c + c0 + k) * h * w;
      gx.fill(0, plane, plane + h * w);
      for (let u = u0; u < u1; u++) {
        for (let v = v0; v < v1; v++) {
          const from = b * at.b + k * at.k + u * at.u + v * at.v;
          for (let i = 0; i < oh; i++) {
            const y = i * sh - ph + u * dh;
            if (y < 0 || y >= h) continue;
            for (let j = 0; j < ow; j++) {
              const xx = j * sw - pw + v * dw;
              if (xx >= 0 && xx < w) gx[plane + y * w + xx] = round(gx[plane + y * w + xx] + windows[from + i * at.i + j * at.j]);
            }
          }
        }
      }
    }
  }
}

export function imageRowsGrad(rows: Float32Array, geom: Int32Array, c0: number, cg: number, gx: Float32Array): void {
  const { kh, kw, oh, ow } = geometryOf(geom);
  const width = cg * kh * kw;
  sumWindowsBack(rows, { b: oh * ow * width, k: kh * kw, u: kw, v: 1, i: ow * width, j: width }, geom, c0, cg, gx);
}

export function imageColumns(x: Float32Array, geom: Int32Array, c0: number, cg: number, cols: Float32Array): void {
  windowColumns(x, geom, FLAT, c0, cg, cols);
}

/** The depth geometry of 2-D windows: one slice, one window element, no padding. */
const FLAT = Int32Array.of(1, 1, 1, 0, 1, 1);

/**
 * imageColumns with windows in depth too (dgeom, DEPTH_GEOMETRY): x [n, c, d, h, w], each image's block
 * [cg kd kh kw, od oh ow], cols[(((b cg + k) kd + a) kh + u) kw + v, (z oh + i) ow + j] = x[b, c0 + k,
 * z sd - pd + a dd, i sh - ph + u dh, j sw - pw + v dw], 0 outside x.
 */
export function windowColumns(x: Float32Array, geom: Int32Array, dgeom: Int32Array, c0: number, cg: number, cols: Float32Array): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = geometryOf(geom);
  const [d, kd, sd, pd, dd, od] = dgeom;
  if (od * oh * ow === 0) return; // nothing to write, however wide the kernel (the addon takes a 2^30 one)
  let at = 0;
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < cg; k++) {
      const volume = (b * c + c0 + k) * d * h * w;
      for (let a = 0; a < kd; a++) {
        for (let u = 0; u < kh; u++) {
          for (let v = 0; v < kw; v++) {
            for (let zi = 0; zi < od; zi++) {
              const z = zi * sd - pd + a * dd;
              for (let i = 0; i < oh; i++) {
                const y = i * sh - ph + u * dh;
                const inside = z >= 0 && z < d && y >= 0 && y < h;
                for (let j = 0; j < ow; j++) {
                  const xx = j * sw - pw + v * dw;
                  cols[at++] = inside && xx >= 0 && xx < w ? x[volume + (z * h + y) * w + xx] : 0;
                }
              }
            }
          }
        }
      }
    }
  }
}

export function gemmWindows(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array,
  x: Float32Array, geom: Int32Array, c0: number, cg: number, beta: number, c: Float32Array, dgeom: Int32Array | null = null): void {
  const { kh, kw, oh, ow } = geometryOf(geom);
  const depth = dgeom ?? FLAT;
  // Of x's own kind: float64 under withFloat64 (the gradient checks).
  const cols = new (x.constructor as Float32ArrayConstructor)(cg * depth[1] * kh * kw * depth[5] * oh * ow);
  windowColumns(x, geom, depth, c0, cg, cols);
  gemm(transA, transB, m, n, k, alpha, a, cols, beta, c, null, 0);
}

export function imageColumnsGrad(cols: Float32Array, geom: Int32Array, c0: number, cg: number, gx: Float32Array): void {
  const { kh, kw, oh, ow } = geometryOf(geom);
  const plane = oh * ow;
  sumWindowsBack(cols, { b: cg * kh * kw * plane, k: kh * kw * plane, u: kw * plane, v: plane, i: ow, j: 1 }, geom, c0, cg, gx);
}

export function maxPool2d(x: Float32Array, geom: Int32Array, out: Float32Array, indices: Int32Array): void {
  maxPool3d(x, geom, ONE_DEEP, out, indices);
}

/** The depth geometry (DEPTH_GEOMETRY) of planes: one deep, one window. */
const ONE_DEEP = Int32Array.of(1, 1, 1, 0, 1, 1);

export function maxPool3d(x: Float32Array, geom: Int32Array, depthGeom: Int32Array, out: Float32Array, indices: Int32Array): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = geometryOf(geom);
  const [d, kd, sd, pd, dd, od] = depthGeom;
  const volume = d * h * w;
  for (let p = 0; p < n * c; p++) {
    for (let t = 0; t < od; t++) {
      // The window's depths, rows and columns inside the volume: stepping by the dilation from the
      // first inside (torch's max pooling visits those alone).
      const z0 = firstInside(t * sd - pd, dd);
      const z1 = Math.min(t * sd - pd + (kd - 1) * dd + 1, d);
      for (let i = 0; i < oh; i++) {
        const y0 = firstInside(i * sh - ph, dh);
        const y1 = Math.min(i * sh - ph + (kh - 1) * dh + 1, h);
        for (let j = 0; j < ow; j++) {
          const x0 = firstInside(j * sw - pw, dw);
          const x1 = Math.min(j * sw - pw + (kw - 1) * dw + 1, w);
          // torch's rule: a larger value or any NaN takes the place (the last NaN, of several); an
          // all -inf window points at its first element inside the volume; a window with none inside
          // (the ops refuse such geometries) at -1.
          let best = -Infinity;
          let at = z0 < z1 && y0 < y1 && x0 < x1 ? p * volume + (z0 * h + y0) * w + x0 : -1;
          for (let z = z0; z < z1; z += dd) {
            for (let y = y0; y < y1; y += dh) {
              const row = p * volume + (z * h + y) * w;
              for (let xx = x0; xx < x1; xx += dw) {
                const v = x[row + xx];
                if (v > best || Number.isNaN(v)) {
                  best = v;
                  at = row + xx;
                }
              }
            }
          }
          const o = ((p * od + t) * oh + i) * ow + j;
          out[o] = best;
          indices[o] = at;
        }
      }
    }
  }
}

/** The output columns j whose column j sw + shift lies inside a row of w: [j0, j1). */
function columnsInside(shift: number, sw: number, w: number, ow: number): [number, number] {
  const j0 = shift >= 0 ? 0 : Math.ceil(-shift / sw);
  const j1 = Math.min(ow, shift >= w ? 0 : Math.floor((w - 1 - shift) / sw) + 1);
  return [j0, Math.max(j0, j1)];
}

export function depthwiseConv2d(x: Float32Array, geom: Int32Array, m: number, weight: Float32Array, out: Float32Array): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = geometryOf(geom);
  const round = roundingOf(out);
  for (let b = 0; b < n; b++) {
    for (let o = 0; o < c * m; o++) {
      const plane = (b * c + Math.floor(o / m)) * h * w;
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          // The window's elements in order, those inside x.
          let acc = 0;
          for (let u = 0; u < kh; u++) {
            const y = i * sh - ph + u * dh;
            if (y < 0 || y >= h) continue;
            for (let v = 0; v < kw; v++) {
              const xx = j * sw - pw + v * dw;
              if (xx >= 0 && xx < w) acc = round(acc + round(weight[(o * kh + u) * kw + v] * x[plane + y * w + xx]));
            }
          }
          out[((b * c * m + o) * oh + i) * ow + j] = acc;
        }
      }
    }
  }
}

export function depthwiseConv2dGradInput(gy: Float32Array, geom: Int32Array, m: number, weight: Float32Array, gx: Float32Array): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = geometryOf(geom);
  const round = roundingOf(gx);
  for (let b = 0; b < n; b++) {
    for (let k = 0; k < c; k++) {
      const plane = (b * c + k) * h * w;
      gx.fill(0, plane, plane + h * w);
      // The plane's m outputs in turn, each one window element (u, v) at a time over the output
      // positions in order (the native kernel's).
      for (let t = 0; t < m; t++) {
        const o = k * m + t;
        for (let u = 0; u < kh; u++) {
          for (let v = 0; v < kw; v++) {
            const wt = weight[(o * kh + u) * kw + v];
            for (let i = 0; i < oh; i++) {
              const y = i * sh - ph + u * dh;
              if (y < 0 || y >= h) continue;
              for (let j = 0; j < ow; j++) {
                const xx = j * sw - pw + v * dw;
                if (xx >= 0 && xx < w) gx[plane + y * w + xx] = round(gx[plane + y * w + xx] + round(wt * gy[((b * c * m + o) * oh + i) * ow + j]));
              }
            }
          }
        }
      }
    }
  }
}

export function depthwiseConv2dGradWeight(gy: Float32Array, x: Float32Array, geom: Int32Array, m: number, gw: Float32Array): void {
  const { n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow } = geometryOf(geom);
  const round = roundingOf(gw);
  for (let o = 0; o < c * m; o++) {
    for (let u = 0; u < kh; u++) {
      for (let v = 0; v < kw; v++) {
        const shift = v * dw - pw;
        const [j0, j1] = columnsInside(shift, sw, w, ow);
        // Eight partial sums, each row's columns dealt to them in turn from its first inside x.
        const part = [0, 0, 0, 0, 0, 0, 0, 0];
        for (let b = 0; b < n; b++) {
          const plane = (b * c + Math.floor(o / m)) * h * w;
          for (let i = 0; i < oh; i++) {
            const y = i * sh - ph + u * dh;
            if (y < 0 || y >= h) continue;
            for (let j = j0; j < j1; j++) {
              const l = (j - j0) % 8;
              part[l] = round(part[l] + round(gy[((b * c * m + o) * oh + i) * ow + j] * x[plane + y * w + j * sw + shift]));
            }
          }
        }
        const [p0, p1, p2, p3, p4, p5, p6, p7] = part;
        gw[(o * kh + u) * kw + v] = round(round(round(p0 + p1) + round(p2 + p3)) + round(round(p4 + p5) + round(p6 + p7)));
      }
    }
  }
}
