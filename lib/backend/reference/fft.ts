// Reference discrete Fourier transform of rows of complex numbers: the twin of native/src/kernels/fft.cc
// and fft_lanes.inc, the same doubles in the same order, so the same bits. A mixed-radix Stockham
// transform (pocketfft's cfftp: passes of radix 4, 2 and odd primes, each pass's butterflies then its
// twiddles, the output in order without a bit reversal) where n's factors are small, Bluestein's
// chirp-z over a power-of-two convolution where they are not (pocketfft's cost estimate decides);
// direct transforms of FOUR_STEP_FROM and more in four steps (columns, twiddles, rows).
// Every table (twiddles, the odd radices' roots, the chirp, the convolution kernel's transform) comes
// from fftPlan, made here once per length and handed to either backend, so that neither's cos and sin
// decide a bit. The inverse is the forward transform of the conjugate, conjugated: exact negations
// around the same arithmetic.
import { roundingOf } from '../../storage';

/** The radices of a direct length-n transform, in pass order: fours, then a two, then odd primes ascending (pocketfft's order). */
export function fftFactors(n: number): number[] {
  const factors: number[] = [];
  let rest = n;
  while (rest % 4 === 0) {
    factors.push(4);
    rest /= 4;
  }
  if (rest % 2 === 0) {
    factors.push(2);
    rest /= 2;
  }
  for (let p = 3; p * p <= rest; p += 2) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  if (rest > 1) factors.push(rest);
  return factors;
}

/** Ten times pocketfft's cost guess of a direct length-n transform: n times the sum of its radices, those past 5 counted 1.1 times. */
function directCost(n: number): number {
  return n * fftFactors(n).reduce((sum, p) => sum + (p <= 5 ? 10 * p : 11 * p), 0);
}

/**
 * The length of the direct transform a length-n row uses: n itself where its factors make that
 * cheaper than Bluestein (pocketfft's rule: twice the convolution's cost, times 1.5), else
 * Bluestein's convolution length, the least power of two at least 2n - 1.
 */
export function convolutionLength(n: number): number {
  let m = 1;
  while (m < 2 * n - 1) m *= 2;
  return m === n || 3 * directCost(m) >= directCost(n) ? n : m;
}

/**
 * Direct transforms of at least this length go in four steps (fourStepSplit): the native kernel puts
 * one long row's columns (then rows) in its vector lanes, where a row alone had one lane and one
 * thread. From 2^16: there a single row ran 2x faster at one thread (2^13 too, but a batch of rows
 * of 2^13-2^15, which fill the lanes by themselves, 1.5x slower), a batch 2x faster at two threads.
 */
export const FOUR_STEP_FROM = 65536;

/**
 * The n1 x n2 (n = n1 n2) a length-n direct transform is taken as in four steps, or null for its
 * passes: n1 the leading radices' product up to n's square root, both sides at least 16 and below
 * FOUR_STEP_FROM (one level of the split, no more).
 */
export function fourStepSplit(n: number): [number, number] | null {
  if (n < FOUR_STEP_FROM) return null;
  let n1 = 1;
  for (const p of fftFactors(n)) {
    if (n1 * n1 >= n) break;
    n1 *= p;
  }
  const n2 = n / n1;
  return n1 >= 16 && n2 >= 16 && n1 < FOUR_STEP_FROM && n2 < FOUR_STEP_FROM ? [n1, n2] : null;
}

/**
 * The four steps' twiddles e^{-2 pi i j2 k1 / n} by groups of four columns, group j2 / 4's n1 rows of
 * four in turn (fft.h's fft_twiddle_at: a group's twiddles in the order the native lanes read them):
 * the place of (k1, j2) among the real parts; the imaginary parts follow, fourStepHalf(n1, n2) on.
 */
function twiddleAt(k1: number, j2: number, n1: number): number {
  return (j2 >> 2) * 4 * n1 + 4 * k1 + (j2 & 3);
}

/** The number of real parts of the four steps' twiddles: n1 x n2, the last group padded to four columns. */
function fourStepHalf(n1: number, n2: number): number {
  return n1 * (Math.ceil(n2 / 4) * 4);
}

/**
 * The number of doubles a direct length-n transform's tables take: per pass, an odd radix p's 2p
 * roots, then 2 (p - 1)(ido - 1) twiddles; in four steps, n1's tables, n2's, then the twiddles
 * (twiddleAt's places, real parts then imaginary).
 */
function directPlanLength(n: number): number {
  const split = fourStepSplit(n);
  if (split) return directPlanLength(split[0]) + directPlanLength(split[1]) + 2 * fourStepHalf(split[0], split[1]);
  let length = 0, l1 = 1;
  for (const p of fftFactors(n)) {
    const ido = n / (l1 * p);
    length += (p % 2 === 1 ? 2 * p : 0) + 2 * (p - 1) * (ido - 1);
    l1 *= p;
  }
  return length;
}

/** The number of doubles fftPlan(n) holds (fft.cc's fft_plan_length). */
export function fftPlanLength(n: number): number {
  const m = convolutionLength(n);
  return directPlanLength(m) + (m !== n ? 2 * n + 2 * m : 0);
}

/** cos and sin of 2 pi k / n, folded into the first octant so that the large angles keep their digits. */
function unitRoot(k: number, n: number): [number, number] {
  k %= n;
  // By symmetry: exact for the quarter and half turns, and the same digits for k and n - k.
  const flip = 2 * k > n, j = flip ? n - k : k;
  const quarter = 4 * j > n, i = quarter ? n - 2 * j : 2 * j; // angle pi i / n within [0, pi / 2] after the fold
  let c: number, s: number;
  if (4 * i <= n) {
    c = Math.cos((Math.PI * i) / n);
    s = Math.sin((Math.PI * i) / n);
  } else {
    c = Math.sin((Math.PI * (n - 2 * i)) / (2 * n));
    s = Math.cos((Math.PI * (n - 2 * i)) / (2 * n));
  }
  if (quarter) c = -c; // pi - theta
  return [c, flip ? -s : s];
}

/** Fills plan[at...] with a direct length-n transform's tables (directPlanLength(n) doubles). */
function fillDirectPlan(plan: Float64Array, at: number, n: number): void {
  const split = fourStepSplit(n);
  if (split) {
    const [n1, n2] = split;
    fillDirectPlan(plan, at, n1);
    const tw = at + directPlanLength(n1) + directPlanLength(n2);
    fillDirectPlan(plan, at + directPlanLength(n1), n2);
    const half = fourStepHalf(n1, n2);
    for (let k1 = 0; k1 < n1; k1++) {
      for (let j2 = 0; j2 < n2; j2++) {
        const [c, s] = unitRoot(j2 * k1, n);
        plan[tw + twiddleAt(k1, j2, n1)] = c;
        plan[tw + half + twiddleAt(k1, j2, n1)] = -s;
      }
    }
    return;
  }
  let l1 = 1;
  for (const p of fftFactors(n)) {
    const ido = n / (l1 * p);
    if (p % 2 === 1) {
      for (let k = 0; k < p; k++) [plan[at + k], plan[at + p + k]] = unitRoot(k, p);
      at += 2 * p;
    }
    // The twiddle of output u at position i: e^{-2 pi i u l1 i / n}.
    for (let u = 1; u < p; u++) {
      for (let i = 1; i < ido; i++) {
        const [c, s] = unitRoot(u * l1 * i, n);
        const t = at + 2 * ((u - 1) * (ido - 1) + i - 1);
        plan[t] = c;
        plan[t + 1] = -s;
      }
    }
    at += 2 * (p - 1) * (ido - 1);
    l1 *= p;
  }
}

/** Two buffers of n complex numbers (split real and imaginary parts) a transform's passes move between. */
interface Buffers {
  re: Float64Array;
  im: Float64Array;
  re2: Float64Array;
  im2: Float64Array;
}

/** The forward radix-p butterflies of one pass from (cr, ci) into (hr, hi), twiddled: fft_lanes.inc's pass, lane by lane. */
function pass(p: number, l1: number, ido: number, plan: Float64Array, at: number, cr: Float64Array, ci: Float64Array, hr: Float64Array, hi: Float64Array): void {
  const tw = at + (p % 2 === 1 ? 2 * p : 0);
  const br = new Float64Array(p), bi = new Float64Array(p);
  const half = (p - 1) / 2;
  const sr = new Float64Array(half + 1), si = new Float64Array(half + 1), dr = new Float64Array(half + 1), di = new Float64Array(half + 1);
  for (let k = 0; k < l1; k++) {
    for (let i = 0; i < ido; i++) {
      const a = i + ido * p * k; // input j at a + ido j
      if (p === 2) {
        br[0] = cr[a] + cr[a + ido];
        bi[0] = ci[a] + ci[a + ido];
        br[1] = cr[a] - cr[a + ido];
        bi[1] = ci[a] - ci[a + ido];
      } else if (p === 4) {
        const t1r = cr[a] + cr[a + 2 * ido], t1i = ci[a] + ci[a + 2 * ido];
        const t2r = cr[a] - cr[a + 2 * ido], t2i = ci[a] - ci[a + 2 * ido];
        const t3r = cr[a + ido] + cr[a + 3 * ido], t3i = ci[a + ido] + ci[a + 3 * ido];
        const t4r = cr[a + ido] - cr[a + 3 * ido], t4i = ci[a + ido] - ci[a + 3 * ido];
        br[0] = t1r + t3r;
        bi[0] = t1i + t3i;
        br[2] = t1r - t3r;
        bi[2] = t1i - t3i;
        // t2 - i t4 and t2 + i t4.
        br[1] = t2r + t4i;
        bi[1] = t2i - t4r;
        br[3] = t2r - t4i;
        bi[3] = t2i + t4r;
      } else {
        // Odd p: the pairs j, p - j as sums and differences; then b_u = a_0 + sum_j cos(2 pi uj / p) s_j
        // - i sin(2 pi uj / p) d_j, and b_{p-u} the same with the sines negated.
        for (let j = 1; j <= half; j++) {
          sr[j] = cr[a + j * ido] + cr[a + (p - j) * ido];
          si[j] = ci[a + j * ido] + ci[a + (p - j) * ido];
          dr[j] = cr[a + j * ido] - cr[a + (p - j) * ido];
          di[j] = ci[a + j * ido] - ci[a + (p - j) * ido];
        }
        let b0r = cr[a], b0i = ci[a];
        for (let j = 1; j <= half; j++) {
          b0r += sr[j];
          b0i += si[j];
        }
        br[0] = b0r;
        bi[0] = b0i;
        for (let u = 1; u <= half; u++) {
          let car = cr[a], cai = ci[a], cbr = 0, cbi = 0;
          for (let j = 1; j <= half; j++) {
            const c = plan[at + ((u * j) % p)], s = plan[at + p + ((u * j) % p)];
            car += c * sr[j];
            cai += c * si[j];
            cbr = j === 1 ? s * dr[j] : cbr + s * dr[j];
            cbi = j === 1 ? s * di[j] : cbi + s * di[j];
          }
          br[u] = car + cbi;
          bi[u] = cai - cbr;
          br[p - u] = car - cbi;
          bi[p - u] = cai + cbr;
        }
      }
      for (let u = 0; u < p; u++) {
        const o = i + ido * (k + l1 * u);
        if (u === 0 || i === 0) {
          hr[o] = br[u];
          hi[o] = bi[u];
        } else {
          const t = tw + 2 * ((u - 1) * (ido - 1) + i - 1), wr = plan[t], wi = plan[t + 1];
          hr[o] = br[u] * wr - bi[u] * wi;
          hi[o] = br[u] * wi + bi[u] * wr;
        }
      }
    }
  }
}

/**
 * The forward length-n transform of b.re / b.im in four steps (fourStepSplit's n1 x n2): x[j1 n2 + j2]
 * as n2 columns of n1, each transformed, its k1-th bin times e^{-2 pi i j2 k1 / n} (bins k1 = 0 and
 * column j2 = 0 as they are), into row k1 of b.re2 / b.im2; then each of those n1 rows of n2
 * transformed, its bin k2 to k1 + n1 k2 of b.re / b.im. fft_lanes.inc's four_step_groups, lane by lane.
 */
function fourStep(b: Buffers, n1: number, n2: number, plan: Float64Array, at: number): void {
  const at2 = at + directPlanLength(n1), tw = at2 + directPlanLength(n2), half = fourStepHalf(n1, n2);
  const column = buffersOf(n1), row = buffersOf(n2);
  for (let j2 = 0; j2 < n2; j2++) {
    for (let j1 = 0; j1 < n1; j1++) {
      column.re[j1] = b.re[j1 * n2 + j2];
      column.im[j1] = b.im[j1 * n2 + j2];
    }
    direct(column, n1, plan, at);
    for (let k1 = 0; k1 < n1; k1++) {
      const t = k1 * n2 + j2, cr = column.re[k1], ci = column.im[k1];
      if (k1 === 0 || j2 === 0) {
        b.re2[t] = cr;
        b.im2[t] = ci;
      } else {
        const wr = plan[tw + twiddleAt(k1, j2, n1)], wi = plan[tw + half + twiddleAt(k1, j2, n1)];
        b.re2[t] = cr * wr - ci * wi;
        b.im2[t] = cr * wi + ci * wr;
      }
    }
  }
  for (let k1 = 0; k1 < n1; k1++) {
    row.re.set(b.re2.subarray(k1 * n2, (k1 + 1) * n2));
    row.im.set(b.im2.subarray(k1 * n2, (k1 + 1) * n2));
    direct(row, n2, plan, at2);
    for (let k2 = 0; k2 < n2; k2++) {
      b.re[k1 + n1 * k2] = row.re[k2];
      b.im[k1 + n1 * k2] = row.im[k2];
    }
  }
}

/** The forward direct transform of the first n of b.re / b.im by the tables at plan[at...]; the result left in b.re / b.im (the buffers swapped as the passes go). */
function direct(b: Buffers, n: number, plan: Float64Array, at: number): void {
  const split = fourStepSplit(n);
  if (split) {
    fourStep(b, split[0], split[1], plan, at);
    return;
  }
  let l1 = 1;
  for (const p of fftFactors(n)) {
    const ido = n / (l1 * p);
    pass(p, l1, ido, plan, at, b.re, b.im, b.re2, b.im2);
    [b.re, b.re2] = [b.re2, b.re];
    [b.im, b.im2] = [b.im2, b.im];
    at += (p % 2 === 1 ? 2 * p : 0) + 2 * (p - 1) * (ido - 1);
    l1 *= p;
  }
}

/**
 * The tables a length-n forward transform reads: those of the direct transform of length m =
 * convolutionLength(n), then for Bluestein (m != n) the chirp e^{-i pi k^2 / n} (n real parts, n
 * imaginary) and the transform of the convolution kernel conj(chirp) (m and m).
 */
export function fftPlan(n: number): Float64Array {
  const m = convolutionLength(n), at = directPlanLength(m);
  const plan = new Float64Array(fftPlanLength(n));
  fillDirectPlan(plan, 0, m);
  if (m === n) return plan;
  const chirpRe = plan.subarray(at, at + n), chirpIm = plan.subarray(at + n, at + 2 * n);
  const b = buffersFor(n);
  for (let k = 0; k < n; k++) {
    // k^2 mod 2n keeps the angle's digits for large k (e^{-i pi k^2 / n} has period 2n in k^2).
    const [c, s] = unitRoot((k * k) % (2 * n), 2 * n);
    chirpRe[k] = c;
    chirpIm[k] = -s;
  }
  for (let k = 0; k < n; k++) {
    b.re[k] = chirpRe[k];
    b.im[k] = -chirpIm[k];
    if (k > 0) {
      b.re[m - k] = chirpRe[k];
      b.im[m - k] = -chirpIm[k];
    }
  }
  direct(b, m, plan, 0);
  plan.set(b.re, at + 2 * n);
  plan.set(b.im, at + 2 * n + m);
  return plan;
}

/** Two buffers of m complex numbers. */
function buffersOf(m: number): Buffers {
  return { re: new Float64Array(m), im: new Float64Array(m), re2: new Float64Array(m), im2: new Float64Array(m) };
}

/** The working buffers of a length-n transform: two of convolutionLength(n) complex numbers. */
function buffersFor(n: number): Buffers {
  return buffersOf(convolutionLength(n));
}

/** The forward length-n transform of the first n of b.re / b.im (doubles) by fftPlan(n)'s tables at plan[0...]: direct, or Bluestein's; the result left in b.re / b.im. */
function forward(b: Buffers, n: number, plan: Float64Array): void {
  const m = convolutionLength(n), at = directPlanLength(m);
  if (m === n) {
    direct(b, n, plan, 0);
    return;
  }
  const chirpRe = plan.subarray(at, at + n), chirpIm = plan.subarray(at + n, at + 2 * n);
  const kernelRe = plan.subarray(at + 2 * n, at + 2 * n + m), kernelIm = plan.subarray(at + 2 * n + m);
  for (let k = 0; k < n; k++) {
    const xr = b.re[k], xi = b.im[k];
    b.re[k] = xr * chirpRe[k] - xi * chirpIm[k];
    b.im[k] = xr * chirpIm[k] + xi * chirpRe[k];
  }
  b.re.fill(0, n);
  b.im.fill(0, n);
  direct(b, m, plan, 0);
  for (let k = 0; k < m; k++) {
    const pr = b.re[k] * kernelRe[k] - b.im[k] * kernelIm[k];
    // The convolution's inverse transform as the forward one of the conjugate.
    b.im[k] = -(b.re[k] * kernelIm[k] + b.im[k] * kernelRe[k]);
    b.re[k] = pr;
  }
  direct(b, m, plan, 0);
  for (let k = 0; k < n; k++) {
    const cr = b.re[k] / m, ci = -b.im[k] / m;
    b.re[k] = cr * chirpRe[k] - ci * chirpIm[k];
    b.im[k] = cr * chirpIm[k] + ci * chirpRe[k];
  }
}

/**
 * The unscaled DFT (inverse: its conjugate) of each of `count` rows of n complex numbers in x
 * (interleaved real and imaginary parts) into out, by fftPlan(n)'s tables; the Backend contract's fftRows.
 */
export function fftRows(x: Float32Array, n: number, count: number, inverse: boolean, plan: Float64Array, out: Float32Array): void {
  const round = roundingOf(out);
  const b = buffersFor(n);
  const conj = inverse ? -1 : 1;
  for (let r = 0; r < count; r++) {
    const o = 2 * n * r;
    for (let k = 0; k < n; k++) {
      b.re[k] = x[o + 2 * k];
      b.im[k] = conj * x[o + 2 * k + 1];
    }
    forward(b, n, plan);
    for (let k = 0; k < n; k++) {
      out[o + 2 * k] = round(b.re[k]);
      out[o + 2 * k + 1] = round(conj * b.im[k]);
    }
  }
}

/** The number of doubles realFftPlan(n) holds (n even): fftPlan(n / 2)'s, then cos and sin of 2 pi k / n for k < n / 2. */
export function realFftPlanLength(n: number): number {
  return fftPlanLength(n / 2) + n;
}

/** The tables realFftRows reads for rows of n (even) real numbers: fftPlan(n / 2), then cos and sin of 2 pi k / n for k < n / 2 (n / 2 each). */
export function realFftPlan(n: number): Float64Array {
  const h = n / 2, at = fftPlanLength(h);
  const plan = new Float64Array(at + n);
  plan.set(fftPlan(h));
  for (let k = 0; k < h; k++) [plan[at + k], plan[at + h + k]] = unitRoot(k, n);
  return plan;
}

/**
 * The one-sided DFT of real rows through a complex transform of half their length (the Backend
 * contract's realFftRows; n even). Forward: each of `count` rows of n reals in x into n / 2 + 1 bins
 * (pairs) in out: the even samples as real parts and the odd as imaginary ones, transformed, then
 * split, X_k = E_k + e^{-2 pi i k / n} O_k. Inverse: each row of n / 2 + 1 bins (the imaginary parts
 * of the first and last ignored) into the n reals of the unscaled inverse of the Hermitian spectrum
 * they begin, by the same split run backwards (twice the even and odd parts' transforms, joined as
 * E + i O, through the inverse of half length). With `block` > 0 (dividing count), each block of that
 * many rows has its bins bins-major: bin k of the block's row r at 2 (k block + r) from the block's
 * start. Forward, with hop > 0 the rows are frames of one signal hop apart, and with a window each
 * sample is first multiplied by its window[i] (a float product).
 */
export function realFftRows(x: Float32Array, n: number, count: number, inverse: boolean, plan: Float64Array, out: Float32Array, block = 0,
  hop = 0, window: Float32Array | null = null): void {
  const round = roundingOf(out);
  const h = n / 2, at = fftPlanLength(h);
  const cos = plan.subarray(at, at + h), sin = plan.subarray(at + h, at + n);
  const b = buffersFor(h);
  const step = block > 0 ? 2 * block : 2; // from a row's bin to its next
  for (let r = 0; r < count; r++) {
    // a row's reals and its bin 0
    const o = (hop > 0 ? hop : n) * r, ob = block > 0 ? (n + 2) * (r - (r % block)) + 2 * (r % block) : (n + 2) * r;
    if (!inverse) {
      for (let k = 0; k < h; k++) {
        b.re[k] = window ? Math.fround(x[o + 2 * k] * window[2 * k]) : x[o + 2 * k];
        b.im[k] = window ? Math.fround(x[o + 2 * k + 1] * window[2 * k + 1]) : x[o + 2 * k + 1];
      }
      forward(b, h, plan);
      out[ob] = round(b.re[0] + b.im[0]);
      out[ob + 1] = 0;
      out[ob + h * step] = round(b.re[0] - b.im[0]);
      out[ob + h * step + 1] = 0;
      for (let k = 1; k < h; k++) {
        const ar = b.re[k], ai = b.im[k], br = b.re[h - k], bi = b.im[h - k];
        const er = 0.5 * (ar + br), ei = 0.5 * (ai - bi), odr = 0.5 * (ai + bi), odi = -0.5 * (ar - br);
        out[ob + k * step] = round(er + (cos[k] * odr + sin[k] * odi));
        out[ob + k * step + 1] = round(ei + (cos[k] * odi - sin[k] * odr));
      }
    } else {
      // Conjugated on the way in and out: the inverse as the forward transform of the conjugate.
      b.re[0] = x[ob] + x[ob + h * step];
      b.im[0] = -(x[ob] - x[ob + h * step]);
      for (let k = 1; k < h; k++) {
        const ar = x[ob + k * step], ai = x[ob + k * step + 1], br = x[ob + (h - k) * step], bi = x[ob + (h - k) * step + 1];
        const er = ar + br, ei = ai - bi, dr = ar - br, di = ai + bi;
        const odr = dr * cos[k] - di * sin[k], odi = dr * sin[k] + di * cos[k];
        b.re[k] = er - odi;
        b.im[k] = -(ei + odr);
      }
      forward(b, h, plan);
      for (let k = 0; k < h; k++) {
        out[o + 2 * k] = round(b.re[k]);
        out[o + 2 * k + 1] = round(-b.im[k]);
      }
    }
  }
}
