// Rows picked by index and their gradients added back: the specification of the native kernels.

export function indexRows(x: Float32Array, outer: number, len: number, inner: number, index: Int32Array, out: Float32Array): void {
  const count = index.length;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < count; k++) {
      const src = (o * len + index[k]) * inner;
      out.set(x.subarray(src, src + inner), (o * count + k) * inner);
    }
  }
}

export function indexRowsGrad(gy: Float32Array, outer: number, len: number, inner: number, index: Int32Array, gx: Float32Array, skip: number): void {
  const count = index.length;
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < count; k++) {
      if (index[k] === skip) continue;
      const dst = (o * len + index[k]) * inner;
      const src = (o * count + k) * inner;
      for (let i = 0; i < inner; i++) gx[dst + i] += gy[src + i];
    }
  }
}
