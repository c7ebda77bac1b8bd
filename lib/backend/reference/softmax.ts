// Reference softmax, log-softmax, their backward, and the fused softmax cross-entropy.

export function softmax(x: Float32Array, outer: number, len: number, inner: number, out: Float32Array, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let mx = -Infinity;
      for (let l = 0; l < len; l++) mx = Math.max(mx, x[base + l * inner]);
      let s = 0;
      for (let l = 0; l < len; l++) s += Math.exp(x[base + l * inner] - mx);
      const lse = Math.log(s);
      for (let l = 0; l < len; l++) {
        const z = x[base + l * inner] - mx;
        out[base + l * inner] = log ? z - lse : Math.exp(z) / s;
      }
    }
  }
}

export function softmaxGrad(y: Float32Array, gy: Float32Array, outer: number, len: number, inner: number, gx: Float32Array, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let dot = 0;
      for (let l = 0; l < len; l++) dot += log ? gy[base + l * inner] : gy[base + l * inner] * y[base + l * inner];
      for (let l = 0; l < len; l++) {
        const j = base + l * inner;
        gx[j] = log ? gy[j] - Math.exp(y[j]) * dot : y[j] * (gy[j] - dot);
      }
    }
  }
}

/** The smoothed target q[r, c]: (1 - eps) * (one-hot or given probability) + eps / cols. */
function smoothedTarget(r: number, c: number, cols: number, ti: Int32Array | null, tp: Float32Array | null, eps: number): number {
  const t = ti ? (ti[r] === c ? 1 : 0) : (tp as Float32Array)[r * cols + c];
  return (1 - eps) * t + eps / cols;
}

export function crossEntropy(logits: Float32Array, rows: number, cols: number, ti: Int32Array | null, tp: Float32Array | null, eps: number, lossOut: Float32Array, prob: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let mx = -Infinity;
    for (let c = 0; c < cols; c++) mx = Math.max(mx, logits[base + c]);
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(logits[base + c] - mx);
    const lse = Math.log(s);
    let loss = 0;
    for (let c = 0; c < cols; c++) {
      const logp = logits[base + c] - mx - lse;
      prob[base + c] = Math.exp(logp);
      const q = smoothedTarget(r, c, cols, ti, tp, eps);
      if (q !== 0) loss -= q * logp;
    }
    lossOut[r] = loss;
  }
}

export function crossEntropyGrad(prob: Float32Array, rows: number, cols: number, ti: Int32Array | null, tp: Float32Array | null, eps: number, rowScale: Float32Array, gx: Float32Array): void {
  for (let r = 0; r < rows; r++) {
    let sumQ = 0;
    for (let c = 0; c < cols; c++) sumQ += smoothedTarget(r, c, cols, ti, tp, eps);
    for (let c = 0; c < cols; c++) {
      const j = r * cols + c;
      gx[j] = rowScale[r] * (prob[j] * sumQ - smoothedTarget(r, c, cols, ti, tp, eps));
    }
  }
}
