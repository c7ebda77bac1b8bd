// Every native kernel against its reference twin, kernel by kernel, over random shapes at the edge
// sizes (1, 7, 8, 9, 63, 64, 65, 300). Run by `npm test` once per kernel set the machine has: the
// widest (AVX-512 where the CPU has it), then with BACKPROP_ISA=avx2 and BACKPROP_ISA=generic (the
// portable set used on machines without AVX2).
import { beforeAll, describe, expect, it } from 'vitest';
import { Backend, Binary, GemmArgs, OptimHyper, Pointwise3, Pointwise3Code, Reduce, RunningFold, RunningFoldCode, ScatterFold, Special, SpecialCode, Unary, UnaryCode } from '../lib/backend/backend';
import { addonPath, loadNative } from '../lib/backend/native';
import * as bp from '../lib/index';
import { allocOutput } from '../lib/storage';
import { referenceBackend as ref } from '../lib/backend/reference';
import { FOUR_STEP_FROM, convolutionLength, fftPlan, fourStepSplit, realFftPlan } from '../lib/backend/reference/fft';
import { windowColumns } from '../lib/backend/reference/image';
import { expectClose, sameBits, sameBitsButNaNs, Tolerance } from './helpers/golden';
import { EDGE_SIZES, randomArray, rng } from './helpers/random';
import { nextU32 } from '../lib/random';
import { cosSinDraw, radiusOf } from '../lib/normal_math';
import { createRequire } from 'node:module';
import { expectedKernelSet, nativeExpected } from './helpers/backends';
import { HYPER_DEFAULTS } from '../lib/optim/optimizer';
import { SideWindows, adaptiveWindows, averageWindows, slidingWindows, wholeSide } from '../lib/ops/avg_pool';
import { outputSize } from '../lib/ops/conv';

const r = rng(12345);
let nat: Backend & { kernelSet?: () => string };

/** How many ulps of t (its relative ulp, 2^-23 |t|, at least `floor`) y is from the exact value t. */
// Generator words whose next draw has its top 24 bits 0 (a uniform draw of exactly 0), found by
// stepping a fixed start: about 2^24 steps.
function wordsBeforeZeroDraw(): Uint32Array {
  const s = Uint32Array.of(1, 2, 3, 4);
  let steps = 0;
  while (nextU32(s) >>> 8 !== 0) steps++;
  const start = Uint32Array.of(1, 2, 3, 4);
  for (let i = 0; i < steps; i++) nextU32(start);
  return start;
}

function ulpsOff(y: number, t: number, floor = 0): number {
  return y === t ? 0 : Math.abs(y - t) / Math.max(Math.abs(t) * 2 ** -23, floor);
}

/**
 * Fails unless each y[i] is within `limit` ulps of f(x[i]) rounded to float (a denormal's ulp being
 * 2^-149), and infinities, NaN (and, with `exactZeros`, zeros and their signs) are f's exactly.
 */
function expectWithinUlps(name: string, x: Float32Array, y: Float32Array, f: (v: number) => number, limit: number, exactZeros = false): void {
  for (let i = 0; i < x.length; i++) {
    const t = Math.fround(f(x[i]));
    if (!Number.isFinite(t) || (exactZeros && t === 0)) {
      if (!Object.is(y[i], t) && !(Number.isNaN(t) && Number.isNaN(y[i]))) expect.fail(`${name}(${x[i]}): ${y[i]}, want ${t}`);
      continue;
    }
    const ulps = ulpsOff(y[i], t, 2 ** -149);
    if (!(ulps <= limit)) expect.fail(`${name}(${x[i]}): ${y[i]}, exact ${t} (${ulps.toFixed(1)} ulp)`);
  }
}

/** A normalization kernel pair's named outputs (null where no array was passed). */
type NormOutputs = Record<string, Float32Array | null>;

/**
 * Runs `run` on the native backend at 1, 2 and 3 threads: each output named in `tolerances` within
 * its tolerance of `want` (the reference's), and every output the same bits at every thread count.
 */
function expectNormLikeReference(run: (be: Backend) => NormOutputs, want: NormOutputs, tolerances: Record<string, Tolerance>, what: string): void {
  let first: NormOutputs | null = null;
  for (const t of [1, 2, 3]) {
    bp.setNumThreads(t);
    const got = run(nat);
    for (const [k, tol] of Object.entries(tolerances)) {
      const [g, w] = [got[k], want[k]];
      if (g && w) expectClose(g, w, tol, `${k} ${what}`);
    }
    if (!first) first = got;
    else {
      for (const [k, g] of Object.entries(got)) {
        const f = first[k];
        if (g && f) expect(sameBits(g, f), `${k} ${what} at ${t} threads`).toBe(true);
      }
    }
  }
}

/** body(ta, tb, a, b, bias) for every transpose of A and B, with random operands of an m x n x k product. */
function forEachTranspose(m: number, n: number, k: number, body: (ta: boolean, tb: boolean, a: Float32Array, b: Float32Array, bias: Float32Array) => void): void {
  for (const ta of [false, true]) {
    for (const tb of [false, true]) body(ta, tb, randomArray(m * k, r), randomArray(k * n, r), randomArray(n, r));
  }
}

/**
 * For every transpose of A and B: rows [i0, i0 + rows) of an m x n x k product, computed alone (op(A)'s
 * rows copied out and stored as A is), must have the bits they have inside the whole product.
 */
function expectRowsAlone(m: number, n: number, k: number, alpha: number, act: number, parts: [number, number][]): void {
  forEachTranspose(m, n, k, (ta, tb, a, b, bias) => {
    const whole = new Float32Array(m * n);
    nat.gemm(ta, tb, m, n, k, alpha, a, b, 0, whole, bias, act);
    for (const [i0, rows] of parts) {
      // op(A)'s rows i0 .. i0 + rows: rows of A, or its columns when it is stored [k][m].
      const aPart = new Float32Array(rows * k);
      for (let i = 0; i < rows; i++) for (let p = 0; p < k; p++) aPart[ta ? p * rows + i : i * k + p] = a[ta ? p * m + i0 + i : (i0 + i) * k + p];
      const part = new Float32Array(rows * n);
      nat.gemm(ta, tb, rows, n, k, alpha, aPart, b, 0, part, bias, act);
      expect(sameBits(part, whole.subarray(i0 * n, (i0 + rows) * n)), `rows ${i0}..${i0 + rows} of ${m}x${n}x${k} ta=${ta} tb=${tb}`).toBe(true);
    }
  });
}

describe.runIf(nativeExpected())('native kernels match the reference', () => {
  beforeAll(() => {
    const n = loadNative();
    if (!n.backend) throw new Error(`native addon missing: ${n.error}`);
    nat = n.backend as Backend & { kernelSet?: () => string };
  });

  it('runs the kernel set this machine and environment call for', () => {
    const want = expectedKernelSet();
    if (want === null) console.log('kernel set check skipped: no /proc/cpuinfo to read the CPU from');
    else expect(nat.kernelSet?.()).toBe(want);
    expect(bp.nativeKernelSet()).toBe(nat.kernelSet?.()); // the public name of the same answer
  });

  describe('gemm', () => {
    const cases: [number, number, number][] = [];
    EDGE_SIZES.forEach((s, i) => {
      cases.push([s, EDGE_SIZES[(i + 3) % 8], EDGE_SIZES[(i + 5) % 8]]);
      cases.push([EDGE_SIZES[(i + 2) % 8], s, EDGE_SIZES[(i + 6) % 8]]);
      cases.push([EDGE_SIZES[(i + 1) % 8], EDGE_SIZES[(i + 4) % 8], s]);
    });
    cases.push([64, 64, 64], [65, 65, 65], [300, 300, 300], [2, 4, 3], [1, 1, 1], [150, 2100, 260]);
    // The tiny and tall-skinny paths: the products of one 2-4-1 training step at batch 100.
    cases.push([100, 4, 2], [100, 1, 4], [4, 2, 100], [1, 4, 100], [100, 4, 1], [64, 16, 2], [17, 3, 16]);
    // Each branch of the tiny path (m * n * k <= 2048): n <= 16 (one or two masked registers), and for
    // wider C the longest of k, m, n.
    cases.push([12, 13, 11], [9, 16, 9], [4, 20, 20], [40, 20, 2], [1, 64, 8], [2, 1024, 1]);
    // The few-row path (batch-1 inference): four weight rows at a time, the rest one by one, threaded
    // by column chunks when large.
    cases.push([1, 301, 65], [3, 1027, 300], [1, 10, 1024], [2, 7, 33]);
    // The few-column path (gemm_narrow: dot products for k >= 16 and at most 8 columns on the vector
    // sets, 4 with SSE2; op(A)'s rows copied out in blocks when A is transposed): edge sizes for the
    // rows (one to three rows included) and the depth, every narrow width and the first past it.
    [2, 3, ...EDGE_SIZES].forEach((m, i) => {
      for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 10, 11]) cases.push([m, n, [16, 17, 63, 64, 65, 300, 1024][(i + n) % 7]]);
    });
    // The shallow path (gemm_shallow: depth below 16, past the tiny path's 2048 multiply-adds): every
    // depth, widths on both sides of one and two 8-float vectors and of the AVX-512 set's pairs of
    // 16-column blocks (a last block of up to 8 columns, of 9 to 16, of a pair), and past a chunk of
    // 256 columns; edge row counts.
    for (let k = 1; k < 16; k++) {
      const n = [1, 2, 3, 7, 8, 9, 15, 16, 17][k % 9];
      cases.push([[63, 64, 65, 300, 1000][k % 5], n, k]);
    }
    cases.push([16384, 2, 3], [4096, 4, 4], [2049, 1, 1], [700, 16, 15], [129, 9, 8]);
    cases.push([65, 24, 5], [63, 31, 9], [9, 33, 14], [300, 40, 2], [70, 45, 10], [17, 64, 7], [257, 300, 10], [8, 1024, 3]);
    const acts = [0, Unary.relu, Unary.sigmoid, Unary.tanh, Unary.gelu, Unary.silu];
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`transA=${ta} transB=${tb} over ${cases.length} shapes, with bias, activations, alpha and beta`, () => {
          cases.forEach(([m, n, k], ci) => {
            const a = randomArray(m * k, r);
            const b = randomArray(k * n, r);
            const c0 = randomArray(m * n, r);
            const bias = ci % 2 ? randomArray(n, r) : null;
            const act = acts[ci % acts.length];
            const alpha = ci % 3 === 0 ? 0.5 : 1;
            const beta = ci % 4 === 1 ? 0.75 : 0;
            const cn = c0.slice();
            const cr = c0.slice();
            nat.gemm(ta, tb, m, n, k, alpha, a, b, beta, cn, bias, act);
            ref.gemm(ta, tb, m, n, k, alpha, a, b, beta, cr, bias, act);
            expectClose(cn, cr, { rtol: 1e-4, atol: 3e-6 * k }, `gemm ${m}x${n}x${k} act ${act}`);
          });
        });
      }
    }
    it(`with a gate (an activation's backward in the epilogue) over ${cases.length} shapes x 4 transposes: the unfused numbers exactly`, () => {
      const gates = [Unary.relu, Unary.sigmoid, Unary.tanh];
      cases.forEach(([m, n, k], ci) => {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const a = randomArray(m * k, r);
            const b = randomArray(k * n, r);
            const gateAct = gates[ci % 3];
            const y = new Float32Array(m * n);
            ref.unary(gateAct, randomArray(m * n, r, -3, 3), y, 0); // relu's output holds exact zeros
            const cn = new Float32Array(m * n).fill(NaN);
            nat.gemm(ta, tb, m, n, k, 1, a, b, 0, cn, null, 0, y, gateAct);
            const what = `gated gemm ${m}x${n}x${k} ta=${ta} tb=${tb} gate ${gateAct}`;
            if ((ci + Number(ta) * 2 + Number(tb)) % 4 === 0) { // the reference's loops once per shape
              const cr = new Float32Array(m * n);
              ref.gemm(ta, tb, m, n, k, 1, a, b, 0, cr, null, 0, y, gateAct);
              expectClose(cn, cr, { rtol: 1e-4, atol: 3e-6 * k }, what);
            }
            // What the unfused backward computes: the product, then unaryGrad from the activation's output.
            const parts = new Float32Array(m * n);
            nat.gemm(ta, tb, m, n, k, 1, a, b, 0, parts, null, 0);
            nat.unaryGrad(gateAct, y, y, parts, parts, 0);
            expect(cn, what).toEqual(parts);
          }
        }
      });
    });
  });

  it('gemmPair gives each product exactly what gemm gives it, paired on two threads or one after the other', () => {
    const threads = bp.getNumThreads();
    // [m, n, k, transA, transB] of each product, as a layer's backward makes them: balanced and large
    // enough to run one per thread at 2 threads (the first with a gate), and pairs that run in turn.
    const pairs: [number, number, number, boolean, boolean][][] = [
      [[256, 300, 200, false, false], [200, 300, 256, true, false]],
      [[257, 301, 199, false, true], [199, 301, 257, true, true]],
      [[7, 9, 65, false, false], [65, 9, 7, true, false]],
      [[512, 300, 200, false, false], [64, 65, 63, true, false]],
    ];
    try {
      for (const t of [2, 1]) {
        bp.setNumThreads(t);
        for (const pair of pairs) {
          const made = pair.map(([m, n, k, ta, tb], i): GemmArgs => {
            const gate = i === 0 ? new Float32Array(m * n) : null;
            if (gate) ref.unary(Unary.relu, randomArray(m * n, r, -3, 3), gate, 0);
            return [ta, tb, m, n, k, 1, randomArray(m * k, r), randomArray(k * n, r), 0, new Float32Array(m * n).fill(NaN), null, 0, gate, gate ? Unary.relu : 0];
          });
          nat.gemmPair(made[0], made[1]);
          const withOwnC = (g: GemmArgs): GemmArgs => { const h: GemmArgs = [...g]; h[9] = new Float32Array(g[9].length); return h; };
          const byRef = made.map(withOwnC);
          if (t === 2) ref.gemmPair(byRef[0], byRef[1]);
          made.forEach((g, i) => {
            const what = `${t} threads, product ${i} of ${JSON.stringify(pair)}`;
            const alone = withOwnC(g);
            nat.gemm(...alone);
            expect(sameBits(g[9], alone[9]), what).toBe(true);
            if (t === 2) expectClose(g[9], byRef[i][9], { rtol: 1e-4, atol: 3e-6 * g[4] }, `${what} against the reference`);
          });
        }
      }
    } finally {
      bp.setNumThreads(threads);
    }
  });

  it('gemmBatch gives each product of the batch gemm\'s bits, cut across threads or not, and the reference\'s values', () => {
    const threads = bp.getNumThreads();
    // [batch, m, n, k]: attention's heads (small products, cut by products at 2 threads), edge sizes,
    // and products large enough to run one after the other on every thread.
    const shapes: [number, number, number, number][] = [[256, 64, 64, 32], [256, 64, 32, 64], [7, 9, 8, 65], [65, 1, 7, 63], [3, 130, 70, 90], [2, 300, 200, 100]];
    try {
      for (const t of [2, 1]) {
        bp.setNumThreads(t);
        for (const [batch, m, n, k] of shapes) {
          for (const ta of [false, true]) {
            for (const tb of [false, true]) {
              const a = randomArray(batch * m * k, r), b = randomArray(batch * k * n, r);
              const c = new Float32Array(batch * m * n).fill(NaN);
              nat.gemmBatch(ta, tb, batch, m, n, k, a, b, c);
              const what = `${t} threads, ${batch} x [${m}, ${n}, ${k}] ta=${ta} tb=${tb}`;
              const alone = new Float32Array(batch * m * n);
              for (let i = 0; i < batch; i++) nat.gemm(ta, tb, m, n, k, 1, a.subarray(i * m * k, (i + 1) * m * k), b.subarray(i * k * n, (i + 1) * k * n), 0, alone.subarray(i * m * n, (i + 1) * m * n), null, 0);
              expect(sameBits(c, alone), what).toBe(true);
              if (t === 1 && batch * m * n * k < 3e6) {
                const cr = new Float32Array(batch * m * n);
                ref.gemmBatch(ta, tb, batch, m, n, k, a, b, cr);
                expectClose(c, cr, { rtol: 1e-4, atol: 3e-6 * k }, `${what} against the reference`);
              }
            }
          }
        }
      }
    } finally {
      bp.setNumThreads(threads);
    }
  });

  it("linearChain gives each layer gemm's bits, at one and two threads, and the reference's values", () => {
    const threads = bp.getNumThreads();
    // [rows, widths, activations]: batch-1 inference (W5's shape among them), the edge sizes, two
    // to five layers, with and without biases.
    const chains: [number, number[], number[]][] = [
      [1, [784, 1024, 1024, 10], [Unary.relu, Unary.relu, 0]],
      [1, [7, 8, 9], [Unary.tanh, 0]],
      [3, [63, 64, 65, 1, 300], [Unary.sigmoid, Unary.gelu, Unary.relu, 0]],
      [9, [1, 300, 7], [Unary.relu, Unary.tanh]],
      [65, [64, 65, 63, 8, 9, 1], [0, Unary.relu, Unary.sigmoid, Unary.tanh, 0]],
      [257, [300, 65, 10], [Unary.relu, 0]],
    ];
    try {
      for (const [rows, widths, acts] of chains) {
        const layers = acts.length;
        const params = acts.flatMap((_, l) => [randomArray(widths[l + 1] * widths[l], r), l % 2 === 1 && rows > 1 ? null : randomArray(widths[l + 1], r)]);
        const dims = Int32Array.from([widths[0], ...acts.flatMap((act, l) => [widths[l + 1], act])]);
        const widest = Math.max(...widths.slice(1, -1));
        const x = randomArray(rows * widths[0], r);
        const what = `${rows} rows through ${widths.join('-')}`;
        // gemm, one layer at a time: what the eager layers compute.
        let h = x;
        for (let l = 0; l < layers; l++) {
          const c = new Float32Array(rows * widths[l + 1]);
          nat.gemm(false, true, rows, widths[l + 1], widths[l], 1, h, params[2 * l] as Float32Array, 0, c, params[2 * l + 1], acts[l]);
          h = c;
        }
        for (const t of [1, 2]) {
          bp.setNumThreads(t);
          const y = new Float32Array(rows * widths[layers]).fill(NaN);
          nat.linearChain(rows, x, params, dims, new Float32Array(rows * widest), layers > 2 ? new Float32Array(rows * widest) : null, y);
          expect(sameBits(y, h), `${what} at ${t} threads`).toBe(true);
        }
        const yr = new Float32Array(rows * widths[layers]);
        ref.linearChain(rows, x, params, dims, new Float32Array(rows * widest), layers > 2 ? new Float32Array(rows * widest) : null, yr);
        expectClose(h, yr, { rtol: 1e-4, atol: 3e-6 * Math.max(...widths) }, `${what} against the reference`);
      }
    } finally {
      bp.setNumThreads(threads);
    }
  });

  it('shallow products (depth below 16): each row the same bits in any block of rows, A and B transposed or not', () => {
    // gemm_shallow takes rows in blocks of 64 (fewer for wide rows: 16 at 256 columns) and the kernel
    // in groups of eight (four when a row is two 8-float vectors), with the rest one at a time: each
    // element is one FMA chain over the depth, wherever its row fell. Parts of 150 rows stay past the
    // tiny path (2048 multiply-adds).
    for (const [m, n, k] of [[1000, 8, 6], [333, 16, 15], [517, 5, 9], [400, 1, 15], [260, 9, 2], [300, 45, 7], [260, 300, 3]] as [number, number, number][]) {
      expectRowsAlone(m, n, k, 0.5, Unary.tanh, [0, 13, 71, m - 150].map((i0) => [i0, 150]));
    }
  });

  it('shallow products of a few columns (rows in the lanes) give the bits of the same columns among more, and both their epilogues after them', () => {
    // gemm_shallow hands 1-4 columns (and 8 on AVX-512) to shallow_few: op(A)'s columns for eight rows
    // loaded in place (A stored [k][m]), split out of runs of 2-4 floats by permutes or read by masked
    // loads (5-15); the sums written into C's rows unless beta reads them; the AVX-512 set packs 8, 4 or 2 rows of 2, 4
    // or 8 columns into a register, their elements of op(A) permuted out of rows loaded together. The
    // same FMA chains as shallow_rows and shallow_wide, which take the product with nine more columns.
    for (const k of [1, 2, 3, 4, 5, 8, 9, 15]) {
      for (const n of [1, 2, 3, 4, 8]) {
        // Past the tiny path (2048 multiply-adds), whose epilogue is its own; row counts past 64 (a block)
        // and not a multiple of 8.
        const past = Math.ceil(2049 / (n * k));
        for (const m of [past + 65, past + 263]) {
          forEachTranspose(m, n + 9, k, (ta, tb, a, wideB) => {
            // op(B)'s first n columns: rows 0..n of B stored [n][k], the first n of each row of [k][n + 4]
            const b = new Float32Array(k * n);
            for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) b[tb ? j * k + p : p * n + j] = wideB[tb ? j * k + p : p * (n + 9) + j];
            const wide = new Float32Array(m * (n + 9));
            nat.gemm(ta, tb, m, n + 9, k, 1, a, wideB, 0, wide, null, 0);
            const plain = new Float32Array(m * n).fill(NaN);
            nat.gemm(ta, tb, m, n, k, 1, a, b, 0, plain, null, 0);
            const want = new Float32Array(m * n);
            for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) want[i * n + j] = wide[i * (n + 9) + j];
            const what = `${m}x${n}x${k} ta=${ta} tb=${tb}`;
            expect(sameBits(plain, want), what).toBe(true);
            // alpha, beta (through a separate sum), a bias and ReLU afterwards, as finish_rows applies them
            const bias = randomArray(n, r);
            const c0 = randomArray(m * n, r);
            const got = Float32Array.from(c0);
            nat.gemm(ta, tb, m, n, k, 0.5, a, b, 0.25, got, bias, Unary.relu);
            const after = plain.map((v, i) => {
              const x = Math.fround(Math.fround(Math.fround(0.5 * v) + Math.fround(0.25 * c0[i])) + bias[i % n]);
              return x < 0 ? 0 : x;
            });
            expect(sameBits(got, after), `${what} with alpha, beta, a bias and ReLU`).toBe(true);
            // A bias alone (finish_rows' rows of a fixed length, in vectors), here and at n + 9 columns.
            for (const [cols, bOf, sums] of [[n, b, plain], [n + 9, wideB, wide]] as [number, Float32Array, Float32Array][]) {
              const bias2 = randomArray(cols, r);
              const withBias = new Float32Array(m * cols).fill(NaN);
              nat.gemm(ta, tb, m, cols, k, 1, a, bOf, 0, withBias, bias2, Unary.relu);
              const unfused = sums.map((v, i) => {
                const x = Math.fround(v + bias2[i % cols]);
                return x < 0 ? 0 : x;
              });
              expect(sameBits(withBias, unfused), `${m}x${cols}x${k} ta=${ta} tb=${tb} with a bias and ReLU`).toBe(true);
            }
          });
        }
      }
    }
  });

  it('shallow products wider than 16 columns write C themselves with a bias and ReLU: the bits of the product, then the bias, then ReLU', () => {
    // gemm_shallow_wide hands whole blocks of 16 columns to the kernels with the bias and ReLU (alpha 1,
    // beta 0, no gate), B read in place when stored [k][n]; a last part block goes through finish_rows.
    for (const [m, n, k] of [[300, 40, 9], [70, 64, 3], [33, 1030, 2], [17, 530, 15]] as [number, number, number][]) {
      forEachTranspose(m, n, k, (ta, tb, a, b, bias) => {
        const fused = new Float32Array(m * n).fill(NaN);
        nat.gemm(ta, tb, m, n, k, 1, a, b, 0, fused, bias, Unary.relu);
        const plain = new Float32Array(m * n);
        nat.gemm(ta, tb, m, n, k, 1, a, b, 0, plain, null, 0);
        const unfused = plain.map((v, i) => {
          const x = Math.fround(v + bias[i % n]);
          return x < 0 ? 0 : x;
        });
        expect(sameBits(fused, unfused), `${m}x${n}x${k} ta=${ta} tb=${tb}`).toBe(true);
      });
    }
  });

  it('products small enough to be read in place give the bits of the packed path', () => {
    // gemm.cc reads operands in place up to 2^24 multiply-adds and packs past that, with the same
    // tiles and order of sums. The same rows of C computed inside a product of 1500 rows (packed)
    // must equal the small product's (in place) bit for bit, for every transpose and an edge width.
    for (const [m, n, k] of [[64, 64, 256], [37, 45, 300], [9, 130, 600]] as [number, number, number][]) {
      const big = 1500;
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const aBig = randomArray(big * k, r);
          const b = randomArray(k * n, r);
          const bias = randomArray(n, r);
          // op(A)'s first m rows: the first m rows of A, or its first m columns when stored [k][m].
          const aSmall = new Float32Array(m * k);
          for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) aSmall[ta ? p * m + i : i * k + p] = aBig[ta ? p * big + i : i * k + p];
          const small = new Float32Array(m * n);
          const whole = new Float32Array(big * n);
          nat.gemm(ta, tb, m, n, k, 1, aSmall, b, 0, small, bias, Unary.relu);
          nat.gemm(ta, tb, big, n, k, 1, aBig, b, 0, whole, bias, Unary.relu);
          expect(big * n * k > 2 ** 24 && m * n * k <= 2 ** 24).toBe(true);
          expect(sameBits(small, whole.subarray(0, m * n)), `${m}x${n}x${k} ta=${ta} tb=${tb}`).toBe(true);
        }
      }
    }
  });

  describe('products of few columns (gemm.cc gemm_narrow; their parity is among the shapes above)', () => {
    it('each row gets the same bits computed alone (one to four rows at a time) or inside the whole product, A transposed or not', () => {
      // The kernels take rows and columns in blocks (4 x 4 with AVX-512, 2 x 2 with AVX2) with smaller
      // ones at the edges, and op(A)'s rows in blocks of 16 copied out when A is transposed; an
      // element's sum must not depend on which block it fell in.
      // The portable set takes up to half its tile's width this way (4 columns with SSE2).
      const vectorSet = /avx/.test(nat.kernelSet?.() ?? '');
      const shapes: [number, number, number][] = vectorSet ? [[67, 8, 300], [65, 7, 1024], [40, 3, 700]] : [[67, 4, 300], [65, 3, 1024], [40, 1, 2100]];
      for (const [m, n, k] of shapes) {
        const parts: [number, number][] = [];
        for (let i0 = 0, rows = 4; i0 + rows <= m; i0 += 3, rows = (rows % 4) + 1) parts.push([i0, rows]);
        expectRowsAlone(m, n, k, 1, Unary.relu, parts);
      }
    });
    it('a batch-1 row (four weight rows at a time) gets the bits the same row gets among four rows of input (dot products)', () => {
      // gemm_small's dot4_rows and gemm_narrow's dot_block sum the same lanes in the same order; the
      // depths past the last whole 16 (0 to 15 of them here) are where GCC's vectorized tail differed.
      const vectorSet = /avx/.test(nat.kernelSet?.() ?? '');
      const cols = vectorSet ? 8 : 4;
      // Deep enough for 4 x cols x k to pass the tiny path (kTinyWork, 2048 multiply-adds).
      const depths = [129, 135, 143, 300, 784, 1023, ...(vectorSet ? [65, 70, 79] : [])];
      for (const k of depths) {
        const x = randomArray(k, r);
        const w = randomArray(256 * k, r);
        const one = new Float32Array(256);
        nat.gemm(false, true, 1, 256, k, 1, x, w, 0, one, null, 0);
        const four = new Float32Array(4 * cols);
        const xs = new Float32Array(4 * k);
        for (let i = 0; i < 4; i++) xs.set(x, i * k);
        for (let j0 = 0; j0 + cols <= 256; j0 += 61) {
          nat.gemm(false, true, 4, cols, k, 1, xs, w.subarray(j0 * k, (j0 + cols) * k), 0, four, null, 0);
          for (let i = 0; i < 4; i++) expect(sameBits(four.subarray(i * cols, (i + 1) * cols), one.subarray(j0, j0 + cols)), `k=${k} rows ${j0}..`).toBe(true);
        }
      }
    });
    it('op(B) stored [k][n] and op(A) stored [k][m] are copied out exactly: the bits of the same product with both stored as rows', () => {
      // gemm_narrow copies op(B)'s columns and op(A)'s rows into rows of depth k (transpose_strip: runs
      // of 2-4 floats deinterleaved by permutes, of 1-7 a stride apart read by masked loads; a single
      // column or row is read in place) and then sums as for operands already stored so: every
      // element must agree.
      // Up to the set's narrow width (the portable set's is 4 with SSE2): wider products go to other
      // paths, whose sums depend on the transposes.
      const widest = /avx/.test(nat.kernelSet?.() ?? '') ? 8 : 4;
      for (const k of [16, 63, 64, 65, 1000, 4099]) {
        for (const [m, n] of [[1, 1], [3, 3], [3, 2], [10, 1], [2, 4], [7, 5], [19, 6], [9, 7], [5, 8], [17, 3]].filter(([, n]) => n <= widest)) {
          const a = randomArray(m * k, r);
          const b = randomArray(k * n, r);
          const aT = new Float32Array(k * m);
          const bT = new Float32Array(n * k);
          for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) aT[p * m + i] = a[i * k + p];
          for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) bT[p * n + j] = b[j * k + p];
          const want = new Float32Array(m * n);
          nat.gemm(false, true, m, n, k, 1, a, b, 0, want, null, 0);
          for (const [ta, tb] of [[true, true], [false, false], [true, false]]) {
            const got = new Float32Array(m * n).fill(NaN);
            nat.gemm(ta, tb, m, n, k, 1, ta ? aT : a, tb ? b : bT, 0, got, null, 0);
            expect(sameBits(got, want), `${m}x${n}x${k} ta=${ta} tb=${tb}`).toBe(true);
          }
        }
      }
    });
    it('a Linear layer with three outputs: its gradients agree with central differences of its forward pass (float32, native)', () => {
      // linear's forward takes the dot-product path (8 x 3 x 96), its backward the tile paths; the
      // output is linear in x and in the weight, so the differences are exact up to float rounding.
      bp.manualSeed(21);
      const x = bp.randn([8, 96]).requiresGrad_();
      const w = bp.randn([3, 96]).requiresGrad_();
      const bias = bp.randn([3]).requiresGrad_();
      const g = bp.randn([8, 3]);
      bp.linear(x, w, bias).mul(g).sum().backward();
      const f = () => bp.noGrad(() => bp.linear(x, w, bias).mul(g).sum().item());
      const h = 0.25;
      for (const t of [x, w, bias]) {
        const grad = t.grad!.toFloat32Array();
        for (const j of [0, 1, t.size - 1, Math.floor(t.size / 2)]) {
          const old = t.data[j];
          t.data[j] = old + h;
          const up = f();
          t.data[j] = old - h;
          const down = f();
          t.data[j] = old;
          expect(Math.abs((up - down) / (2 * h) - grad[j]), `d/d[${j}] of shape [${t.shape.join(', ')}]`).toBeLessThan(1e-3 * (1 + Math.abs(grad[j])));
        }
      }
    });
  });

  it('gemm with beta 0 never reads C: outputs allocated without clearing may hold NaN', () => {
    // One shape per path: tiny, few-row, packed with one and with several K blocks.
    for (const [m, n, k] of [[3, 5, 7], [2, 300, 40], [65, 70, 33], [40, 50, 600]]) {
      for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]]) {
        const a = randomArray(m * k, r);
        const b = randomArray(k * n, r);
        const bias = randomArray(n, r);
        const cn = new Float32Array(m * n).fill(NaN);
        const cr = new Float32Array(m * n).fill(NaN);
        nat.gemm(ta, tb, m, n, k, 1, a, b, 0, cn, bias, Unary.relu);
        ref.gemm(ta, tb, m, n, k, 1, a, b, 0, cr, bias, Unary.relu);
        expect(cn.every(Number.isFinite), `native gemm ${m}x${n}x${k} ta=${ta} tb=${tb}`).toBe(true);
        expect(cr.every(Number.isFinite), `reference gemm ${m}x${n}x${k} ta=${ta} tb=${tb}`).toBe(true);
        expectClose(cn, cr, { rtol: 1e-4, atol: 3e-6 * k }, `gemm over NaN ${m}x${n}x${k}`);
      }
    }
  });

  const unaryInput = (op: number, n: number): Float32Array => {
    const positive = [Unary.log, Unary.sqrt, Unary.log1p, Unary.powScalar, Unary.rdivScalar].includes(op as 3);
    if (positive) return randomArray(n, r, 0.1, 3);
    if ([Unary.asin, Unary.acos, Unary.atanh].includes(op as 40)) return randomArray(n, r, -0.99, 0.99);
    if (op === Unary.acosh) return randomArray(n, r, 1, 5);
    return randomArray(n, r, -4, 4);
  };
  const unaryParam = (op: number): number => (op === Unary.powScalar ? 2.5 : op === Unary.leakyRelu ? 0.01 : op === Unary.clampAbs ? 0.5 : 1.3);

  it('unary and unaryGrad: every op at every edge size', () => {
    for (const op of Object.values(Unary)) {
      for (const n of [...EDGE_SIZES, 40000]) {
        const x = unaryInput(op, n);
        const p = unaryParam(op);
        const yn = new Float32Array(n);
        const yr = new Float32Array(n);
        nat.unary(op, x, yn, p);
        ref.unary(op, x, yr, p);
        expectClose(yn, yr, { rtol: 2e-6, atol: 2e-7 }, `unary op ${op} n ${n}`);
        const gy = randomArray(n, r);
        const gn = new Float32Array(n);
        const gr = new Float32Array(n);
        nat.unaryGrad(op, x, yr, gy, gn, p);
        ref.unaryGrad(op, x, yr, gy, gr, p);
        expectClose(gn, gr, { rtol: 2e-6, atol: 2e-7 }, `unaryGrad op ${op} n ${n}`);
      }
    }
  });

  it('special: lgamma, digamma, trigamma, erfinv, I0 and I1 over their ranges, poles and specials, at every edge size and threaded', () => {
    // Each in double and rounded once on both sides: the two differ only where the C library's log,
    // exp, sin or tan and V8's differ in a double's last bit, which can move a float near a tie by an
    // ulp. Near lgamma's roots (1, 2) and digamma's (1.4616...) the value is a difference of terms
    // near 1: the absolute tolerance covers the double cancellation there.
    const n = 70000;
    const spread = (lo: number, hi: number): Float32Array => randomArray(n, r, lo, hi);
    const specials = [0, -0, 1, 2, -1, -2.5, 0.5, 1e-30, -1e-30, 1.4616321, Infinity, -Infinity, NaN, 1e30, -7.25, 3e38];
    const cases: [SpecialCode, Float32Array, number][] = [
      [Special.lgamma, spread(-20, 40), 2e-6],
      [Special.digamma, spread(-20, 40), 2e-6],
      [Special.trigamma, spread(-20, 40), 2e-6],
      [Special.erfinv, spread(-1, 1), 2e-6],
      [Special.besselI0, spread(-90, 90), 2e-6],
      [Special.besselI1, spread(-90, 90), 2e-6],
    ];
    for (const [op, x, rtol] of cases) {
      x.set(specials);
      for (const m of [...EDGE_SIZES, n]) {
        const xs = x.subarray(0, m);
        const yn = new Float32Array(m), yr = new Float32Array(m);
        nat.special(op, xs, yn);
        ref.special(op, xs, yr);
        expectClose(yn, yr, { rtol, atol: 1e-7 }, `special ${op} n ${m}`);
      }
    }
    expect(() => nat.special(6 as SpecialCode, new Float32Array(2), new Float32Array(2))).toThrow(/op/);
    expect(() => nat.special(Special.lgamma, new Float32Array(4), new Float32Array(2))).toThrow(/out/);
  });

  it("erf and erfc (vector lanes in double): the reference's floats but for the rarest ties (at most 1 in 10^5, an ulp apart), over their ranges, across the pieces' joins (1, 4, 10.1) and at the specials", () => {
    const spreads = [1e-6, 0.5, 1, 2, 4, 6, 11];
    const x = Float32Array.from({ length: 140000 }, (_, i) => (2 * r() - 1) * spreads[i % spreads.length]);
    const joins = [1, 4, 10.1, 3.92, 10.06];
    for (let i = 0; i < joins.length; i++) for (const d of [-2, -1, 0, 1, 2]) {
      const v = Math.fround(joins[i]);
      const bits = new Uint32Array(Float32Array.of(v).buffer)[0] + d;
      x[20 + i * 10 + d + 2] = new Float32Array(Uint32Array.of(bits).buffer)[0];
      x[80 + i * 10 + d + 2] = -x[20 + i * 10 + d + 2];
    }
    x.set([0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 3e38, -3e38]);
    for (const op of [Unary.erf, Unary.erfc]) {
      for (const n of [...EDGE_SIZES, x.length]) {
        const xs = x.subarray(0, n);
        const yn = new Float32Array(n), yr = new Float32Array(n);
        nat.unary(op, xs, yn, 0);
        ref.unary(op, xs, yr, 0);
        let differing = 0;
        for (let i = 0; i < n; i++) {
          if (Object.is(yn[i], yr[i]) || (Number.isNaN(yn[i]) && Number.isNaN(yr[i]))) continue;
          differing++;
          const apart = Math.abs(new Int32Array(Float32Array.of(yn[i]).buffer)[0] - new Int32Array(Float32Array.of(yr[i]).buffer)[0]);
          expect(apart, `unary ${op} at ${xs[i]}: ${yn[i]} against ${yr[i]}`).toBe(1);
        }
        expect(differing, `unary ${op} n ${n}: ${differing} floats differ`).toBeLessThanOrEqual(Math.floor(n / 1e5));
      }
    }
  });

  it('pointwise3 (addcmul, addcdiv, the two lerps): the reference\'s bits at every edge size and past a thread\'s share, in place too', () => {
    const ops = [Pointwise3.addcmul, Pointwise3.addcdiv, Pointwise3.lerpNear, Pointwise3.lerpFar];
    for (const n of [...EDGE_SIZES, 100000]) {
      const x = randomArray(n, r), a = randomArray(n, r), b = randomArray(n, r, 0.5, 2);
      for (const op of ops) {
        for (const p of [1, 0.3, -1.75]) {
          const got = new Float32Array(n), want = new Float32Array(n);
          nat.pointwise3(op, x, a, b, p, got);
          ref.pointwise3(op, x, a, b, p, want);
          expect(sameBits(got, want), `pointwise3 ${op} p ${p} n ${n}`).toBe(true);
          const inPlace = x.slice();
          nat.pointwise3(op, inPlace, a, b, p, inPlace);
          expect(sameBits(inPlace, want), `pointwise3 ${op} in place n ${n}`).toBe(true);
        }
      }
    }
    expect(() => nat.pointwise3(4 as Pointwise3Code, new Float32Array(2), new Float32Array(2), new Float32Array(2), 1, new Float32Array(2))).toThrow(/pointwise3: argument 0 \(op\)/);
    expect(() => nat.pointwise3(Pointwise3.addcmul, new Float32Array(3), new Float32Array(2), new Float32Array(3), 1, new Float32Array(3))).toThrow('pointwise3: a has 2 elements, expected 3');
  });

  it('signbit and nanTo: the same bits as the reference on the specials (negative NaN, -0, infinities) at every edge size; their gradients', () => {
    const x = randomArray(70000, r, -2, 2);
    const bits = new Uint32Array(x.buffer);
    // NaNs of both signs, signed zeros, infinities and denormals, spread over the array.
    const specials = [0x7fc00000, 0xffc00000, 0x7f800001, 0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x00000001, 0x80000001];
    for (let i = 0; i < x.length; i += 5) bits[i] = specials[(i / 5) % specials.length];
    for (const op of [Unary.signbit, Unary.nanTo]) {
      for (const n of [...EDGE_SIZES, x.length]) {
        const xs = x.subarray(0, n);
        const yn = new Float32Array(n), yr = new Float32Array(n);
        nat.unary(op, xs, yn, 2.5);
        ref.unary(op, xs, yr, 2.5);
        expect(sameBitsButNaNs(yn, yr), `unary ${op} n ${n}`).toBe(true);
        const gy = randomArray(n, r), gn = new Float32Array(n), gr = new Float32Array(n);
        nat.unaryGrad(op, xs, yr, gy, gn, 2.5);
        ref.unaryGrad(op, xs, yr, gy, gr, 2.5);
        expect(sameBits(gn, gr), `unaryGrad ${op} n ${n}`).toBe(true);
      }
    }
    const y = new Float32Array(specials.length);
    nat.unary(Unary.signbit, new Float32Array(new Uint32Array(specials).buffer), y, 0);
    expect(Array.from(y)).toEqual([0, 1, 0, 0, 1, 0, 1, 0, 1]);
    nat.unary(Unary.nanTo, new Float32Array(new Uint32Array(specials).buffer), y, 2.5);
    expect(Array.from(y)).toEqual([2.5, 2.5, 2.5, 0, -0, Infinity, -Infinity, 1e-45, -1e-45].map(Math.fround));
  });

  it("sin and cos (vector lanes in double): the reference's bits, Math.sin and Math.cos rounded, from tiny to 2^28 and past it, with the specials; their gradients", () => {
    const spreads = [1e-6, 1, 4, 100, 1e4, 1e6, 3e8];
    const x = Float32Array.from({ length: 70000 }, (_, i) => (2 * r() - 1) * spreads[i % spreads.length]);
    x.set([0, -0, Infinity, -Infinity, NaN, 1e-45, -3e38, Math.PI / 2, Math.PI, 268435456, -268435440, 2 ** 27, 1e-30]);
    const sinCos = [Unary.sin, Unary.cos];
    for (const op of sinCos) {
      for (const n of [...EDGE_SIZES, x.length]) {
        const xs = x.subarray(0, n);
        const yn = new Float32Array(n), yr = new Float32Array(n);
        nat.unary(op, xs, yn, 0);
        ref.unary(op, xs, yr, 0);
        expect(sameBitsButNaNs(yn, yr), `unary ${op === Unary.sin ? 'sin' : 'cos'} n ${n}`).toBe(true);
      }
      const gy = randomArray(x.length, r), gn = new Float32Array(x.length), gr = new Float32Array(x.length);
      nat.unaryGrad(op, x, x, gy, gn, 0);
      ref.unaryGrad(op, x, x, gy, gr, 0);
      expect(sameBitsButNaNs(gn, gr), `unaryGrad ${op === Unary.sin ? 'sin' : 'cos'}`).toBe(true);
    }
  });

  it("tan, atan, asin, acos, sinh, cosh, asinh, acosh, atanh, expm1, log2, log10 and atan2 (vector lanes in double): the reference's bits, its Math functions rounded, over their ranges and past them, with the specials; sinh's and cosh's gradients", () => {
    // (0.5321365594863892: asin's root near |x| = 1/2 once rounded it to the wrong float.)
    const specials = [0, -0, Infinity, -Infinity, NaN, 1e-45, -3e38, 3e38, 89.4, -89.5, 90, 1, -1, 1e-30, 268435456, 0.5321365594863892, -0.5321365594863892, 0.5, -0.5, 1.0000001];
    const spread = (scale: number) => Float32Array.from({ length: 20000 }, (_, i) => (i < specials.length ? specials[i] : (2 * r() - 1) * scale * 10 ** (3 * r() - 3)));
    const cases: [UnaryCode, number][] = [[Unary.tan, 1e4], [Unary.atan, 1e6], [Unary.sinh, 95], [Unary.cosh, 95], [Unary.expm1, 110], [Unary.log2, 1e30], [Unary.log10, 1e30], [Unary.asin, 1.2], [Unary.acos, 1.2],
      [Unary.asinh, 1e30], [Unary.asinh, 3], [Unary.atanh, 1.2], [Unary.acosh, 1e30], [Unary.acosh, 3]];
    for (const [op, scale] of cases) {
      const x = spread(scale);
      for (const n of [...EDGE_SIZES, x.length]) {
        const xs = x.subarray(0, n), yn = new Float32Array(n), yr = new Float32Array(n);
        nat.unary(op, xs, yn, 0);
        ref.unary(op, xs, yr, 0);
        expect(sameBitsButNaNs(yn, yr), `unary ${op} n ${n}`).toBe(true);
      }
      if (op === Unary.sinh || op === Unary.cosh) {
        const gy = randomArray(x.length, r), gn = new Float32Array(x.length), gr = new Float32Array(x.length);
        nat.unaryGrad(op, x, x, gy, gn, 0);
        ref.unaryGrad(op, x, x, gy, gr, 0);
        expect(sameBitsButNaNs(gn, gr), `unaryGrad ${op}`).toBe(true);
      }
    }
    // acosh just above 1, where t = x - 1 is all there is, and atanh near +-1.
    for (const [op, x] of [[Unary.acosh, Float32Array.from(spread(1e-2), (v) => 1 + Math.abs(v))], [Unary.atanh, Float32Array.from(spread(1e-2), (v) => Math.sign(v) - v)]] as const) {
      const yn = new Float32Array(x.length), yr = new Float32Array(x.length);
      nat.unary(op, x, yn, 0);
      ref.unary(op, x, yr, 0);
      expect(sameBitsButNaNs(yn, yr), `unary ${op} near its domain's edge`).toBe(true);
    }
    const a = spread(1e3), b = Float32Array.from(spread(1e3)).reverse();
    for (const [sa, sb] of [[1, 1], [1, 0], [0, 1]]) {
      const [yn, yr] = [new Float32Array(a.length), new Float32Array(a.length)];
      nat.binary(Binary.atan2, a, Int32Array.of(sa), b, Int32Array.of(sb), yn, Int32Array.of(a.length));
      ref.binary(Binary.atan2, a, Int32Array.of(sa), b, Int32Array.of(sb), yr, Int32Array.of(a.length));
      expect(sameBitsButNaNs(yn, yr), `atan2 strides ${sa}, ${sb}`).toBe(true);
    }
  });

  it("hardswish, hardsigmoid, hardshrink, softshrink, smoothL1 and huber (vector selects): the reference's bits, forward and gradient, at every edge size, through the kinks, NaN, infinities and signed zeros", () => {
    const x = Float32Array.from(randomArray(4000, r, -8, 8), (v, i) => [v, -3, 3, NaN, -0, 0, Infinity, -Infinity, 2.9999998, -3.0000002, 0.5, -0.5, v / 8][i % 13]);
    for (const [op, p] of [[Unary.hardswish, 0], [Unary.hardsigmoid, 0], [Unary.hardshrink, 0.5], [Unary.softshrink, 0.5], [Unary.softshrink, 0],
      [Unary.smoothL1, 0.5], [Unary.smoothL1, 3], [Unary.smoothL1, 0], [Unary.huber, 0.5], [Unary.huber, 3]] as [UnaryCode, number][]) {
      for (const n of [...EDGE_SIZES, x.length]) {
        const xs = x.subarray(0, n), gy = randomArray(n, r);
        const yn = new Float32Array(n), yr = new Float32Array(n), gn = new Float32Array(n), gr = new Float32Array(n);
        nat.unary(op, xs, yn, p);
        ref.unary(op, xs, yr, p);
        nat.unaryGrad(op, xs, yr, gy, gn, p);
        ref.unaryGrad(op, xs, yr, gy, gr, p);
        expect(sameBitsButNaNs(yn, yr) && sameBitsButNaNs(gn, gr), `op ${op} (${p}) n ${n}`).toBe(true);
      }
    }
  });

  it('exp, sigmoid, tanh and softmax keep NaN, infinities and tiny results (vector lanes and tails)', () => {
    // The vector exp clamps its input; lanes outside its range must still give expf's answer:
    // exp(100) is Infinity and exp(NaN) NaN, not 2.4e38 and 0, and sigmoid(-100) is 3.8e-44, not 0.
    const x = Float32Array.from([100, NaN, -100, -90, 89, 88.5, Infinity, -Infinity, 0, 1, -1, 87.5, -87.4, -87.3, 20, -20, NaN]);
    // expectClose counts the same infinity, or NaN against NaN, as a match.
    const same = (a: Float32Array, e: Float32Array, what: string, rtol = 2e-6, atol = 1e-44) => expectClose(a, e, { rtol, atol }, what);
    for (const op of [Unary.exp, Unary.log, Unary.sigmoid, Unary.tanh, Unary.relu]) {
      const yn = new Float32Array(x.length);
      const yr = new Float32Array(x.length);
      nat.unary(op, x, yn, 0);
      ref.unary(op, x, yr, 0);
      same(yn, yr, `unary op ${op}`);
      expect(Number.isNaN(yr[1]) && Number.isNaN(yn[1]), `unary op ${op} of NaN is NaN (PyTorch: relu(nan) = nan)`).toBe(true);
    }
    // The GEMM epilogue's activations too (register paths of both kernel sets, edge tiles, the
    // unpacked paths): a NaN in row 3 of A makes row 3 of C NaN after relu, sigmoid or tanh.
    for (const [m, n, k] of [[40, 70, 33], [2, 300, 20], [3, 3, 3]]) {
      const a = randomArray(m * k, r);
      a[3 % m * k] = NaN;
      const b = randomArray(k * n, r);
      for (const act of [Unary.relu, Unary.sigmoid, Unary.tanh]) {
        const cn = new Float32Array(m * n);
        const cr = new Float32Array(m * n);
        nat.gemm(false, false, m, n, k, 1, a, b, 0, cn, null, act);
        ref.gemm(false, false, m, n, k, 1, a, b, 0, cr, null, act);
        same(cn, cr, `gemm ${m}x${n}x${k} act ${act}`, 1e-4, 3e-6 * k);
        expect(Number.isNaN(cn[(3 % m) * n + n - 1]), `gemm ${m}x${n}x${k} act ${act}: NaN row`).toBe(true);
      }
    }
    // Softmax rows: a NaN anywhere makes the whole row NaN, as in PyTorch; a row of huge logits stays finite.
    const rows = Float32Array.from([1, 2, NaN, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1000, -1000, 0, 1000, 3, 2, 1, 0, 5, 6, 7, 8, 9, 10, -5, -6, -7, -8]);
    for (const log of [false, true]) {
      const yn = new Float32Array(rows.length);
      const yr = new Float32Array(rows.length);
      nat.softmax(rows, 2, 18, 1, yn, log);
      ref.softmax(rows, 2, 18, 1, yr, log);
      same(yn, yr, `softmax log=${log}`);
    }
  });

  it('log within 2 ulp of the exact value from denormals to the largest float; zero, negatives, infinity and NaN as logf', () => {
    // The vector log (Cephes' polynomial) takes positive normal lanes; the rest go to logf.
    const n = 20000;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = i % 3 ? 10 ** (-45 + (83.5 * i) / n) : 0.5 + (3 * i) / n;
    x.set([0, -0, -1, -1e-40, Infinity, -Infinity, NaN, 1e-45, 1.17549435e-38, 1.1754942e-38, 3.4028235e38, 1, 2], n - 13);
    const y = new Float32Array(n);
    nat.unary(Unary.log, x, y, 0);
    expectWithinUlps('log', x, y, Math.log, 2);
  });

  it('log1p and ELU within 1 ulp of the exact value (double series, then one rounding); -1, below it, zeros, infinities and NaN as libm', () => {
    // Over (-1, 1e38] (a log sweep each side of 0 and a linear one over (-1, 4)) and, for ELU, x <= 0
    // down to -200; the generic set's log1pf and expm1f are within 1 ulp too.
    const n = 30000;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const u = i / n;
      x[i] = i % 3 === 0 ? -1 + 5 * u : i % 3 === 1 ? 10 ** (-44 + 82 * u) : -(10 ** (-44 + 46 * u));
    }
    const specials = [0, -0, -1, -1.5, -0.99999994, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1.8626451e-9, -1.8626451e-9, 3.4028235e38, -104, -105, -200];
    x.set(specials, n - specials.length);
    const y = new Float32Array(n);
    nat.unary(Unary.log1p, x, y, 0);
    expectWithinUlps('log1p', x, y, Math.log1p, 1, true);
    for (const alpha of [1, 0.5]) {
      nat.unary(Unary.elu, x, y, alpha);
      expectWithinUlps(`elu alpha=${alpha}`, x, y, (v) => (v > 0 || Number.isNaN(v) ? v : Math.fround(alpha * Math.fround(Math.expm1(v)))), 1, true);
    }
  });

  it('exp, sigmoid and tanh within 2 ulp of the exact value, tiny arguments included', () => {
    // The parity test above allows 2e-7 absolute: tanh by (1 - e^-2x) / (1 + e^-2x) passed it while
    // 11% off at x = 1e-7. Here the error is relative to each value, over a linear and a log sweep.
    const cases: [UnaryCode, (x: number) => number, number][] = [[Unary.exp, Math.exp, 80], [Unary.sigmoid, (x) => 1 / (1 + Math.exp(-x)), 80], [Unary.tanh, Math.tanh, 10]];
    for (const [op, f, span] of cases) {
      const n = 20000;
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = (i % 2 ? -1 : 1) * (i < n / 2 ? (span * i) / n : 10 ** (-8 + (9 * (i - n / 2)) / (n / 2)));
      const y = new Float32Array(n);
      nat.unary(op, x, y, 0);
      for (let i = 0; i < n; i++) {
        const t = Math.fround(f(x[i]));
        const ulps = ulpsOff(y[i], t);
        if (!(ulps <= 2)) expect.fail(`unary op ${op} at x = ${x[i]}: ${y[i]}, exact ${t} (${ulps.toFixed(1)} ulp)`);
      }
    }
  });

  it("exp, sigmoid, SiLU and softplus past exp's polynomial range: overflow, denormal results, underflow within 2 ulp (2^-149 a denormal's)", () => {
    // Lanes outside [-87.34, 88.38] take the vector's wide form (exp8_wide), which builds denormal
    // results from their bits: a linear sweep over [-110, 95] with the boundaries of each regime.
    const n = 41000;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = -110 + (205 * i) / n;
    const edges = [-87.3365478515625, -87.33655, -87.5, -88.72283, -89, -103.27893, -103.972, -103.97208, -104, -104.5,
      88.37626, 88.3763, 88.72283, 88.72284, 89, 90, Infinity, -Infinity, NaN];
    x.set(edges, n - edges.length);
    const y = new Float32Array(n);
    const exp = (v: number) => Math.exp(v);
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    const softplus = (v: number) => (v > 20 ? v : Math.log1p(Math.exp(v)));
    const cases: [UnaryCode, (v: number) => number][] = [[Unary.exp, exp], [Unary.sigmoid, sigmoid], [Unary.softplus, softplus]];
    for (const [op, f] of cases) {
      nat.unary(op, x, y, op === Unary.softplus ? 20 : 0);
      expectWithinUlps(`unary op ${op}`, x, y, f, 2, true);
    }
    // SiLU is torch's x sigmoid(x) with its sigmoid rounded: a denormal sigmoid's error, scaled by
    // x, is many ulps of the product, so it is checked against the native sigmoid just tested.
    const s = new Float32Array(n);
    nat.unary(Unary.sigmoid, x, s, 0);
    nat.unary(Unary.silu, x, y, 0);
    for (let i = 0; i < n; i++) {
      const want = Math.fround(x[i] * s[i]);
      if (!Object.is(y[i], want) && !(Number.isNaN(want) && Number.isNaN(y[i]))) expect.fail(`silu(${x[i]}): ${y[i]}, x sigmoid(x) ${want}`);
    }
  });

  it('gelu within 6 ulp of the exact value into the far negative tail, its gradient within 6 ulp of its scale', () => {
    // The vector GELU (erfc by a Chebyshev fit, x^2 / 2 carried in two floats) against the
    // reference's double erfc: a linear sweep over [-16, 16] and a log sweep of tiny arguments. The
    // gradient Phi(x) + x phi(x) cancels at x = -0.7518, so its error is measured against
    // |Phi(x)| + |x phi(x)|, the size of what is summed.
    const n = 100000;
    const x = new Float32Array(n);
    for (let i = 0; i < n; i++) x[i] = i < n / 2 ? -16 + (32 * i) / (n / 2) : (i % 2 ? -1 : 1) * 10 ** (-30 + (31 * (i - n / 2)) / (n / 2));
    const y = new Float32Array(n);
    const exact = new Float32Array(n);
    nat.unary(Unary.gelu, x, y, 0);
    ref.unary(Unary.gelu, x, exact, 0);
    const g = new Float32Array(n);
    const gExact = new Float32Array(n);
    const ones = new Float32Array(n).fill(1);
    nat.unaryGrad(Unary.gelu, x, y, ones, g, 0);
    ref.unaryGrad(Unary.gelu, x, exact, ones, gExact, 0);
    for (let i = 0; i < n; i++) {
      const t = exact[i];
      if (Math.abs(t) >= 1.2e-38) {
        const ulps = ulpsOff(y[i], t);
        if (!(ulps <= 6)) expect.fail(`gelu at x = ${x[i]}: ${y[i]}, exact ${t} (${ulps.toFixed(1)} ulp)`);
      } else if (!(Math.abs(y[i] - t) <= 1e-44)) expect.fail(`gelu at x = ${x[i]}: ${y[i]}, exact ${t}`);
      const density = Math.exp((-x[i] * x[i]) / 2) / Math.sqrt(2 * Math.PI);
      const scale = Math.abs(gExact[i] - x[i] * density) + Math.abs(x[i] * density);
      // Where the gradient is denormal (x below -13), within two of the smallest denormals.
      const gulps = g[i] === gExact[i] ? 0 : Math.abs(g[i] - gExact[i]) / (Math.max(scale, 2 ** -126) * 2 ** -23);
      if (!(gulps <= 6)) expect.fail(`gelu' at x = ${x[i]}: ${g[i]}, exact ${gExact[i]} (${gulps.toFixed(1)} ulp of ${scale})`);
    }
    // Infinities, NaN and signed zeros as the scalar formula (and PyTorch: gelu(-inf) = -inf * 0).
    const special = Float32Array.from([Infinity, -Infinity, NaN, 0, -0, 14.6, -14.6, 1e30, -1e30]);
    const sn = new Float32Array(special.length);
    const sr = new Float32Array(special.length);
    nat.unary(Unary.gelu, special, sn, 0);
    ref.unary(Unary.gelu, special, sr, 0);
    expect(Array.from(sn)).toEqual(Array.from(sr));
  });

  it('powScalar and its gradient at every power with a loop of its own, and log with every kind of lane in one vector', () => {
    // Each special power (and each special power less one, for the gradient) has a loop of its own
    // in the native set; the reference computes them all one way. Specials sit at every offset.
    const specials = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40, 3.4e38, -2.5, 1.5];
    const x = randomArray(301, r, -3, 3);
    specials.forEach((v, i) => { x[i * 29] = v; x[i * 29 + 8] = v; });
    const gy = randomArray(x.length, r);
    for (const p of [0, 1, 2, 3, 4, 0.5, 1.5, -0.5, -1, -2, -3, 2.5]) {
      const yn = new Float32Array(x.length), yr = new Float32Array(x.length);
      nat.unary(Unary.powScalar, x, yn, p);
      ref.unary(Unary.powScalar, x, yr, p);
      expectClose(yn, yr, { rtol: 2e-6, atol: 1e-44 }, `x ** ${p}`);
      const gn = new Float32Array(x.length), gr = new Float32Array(x.length);
      nat.unaryGrad(Unary.powScalar, x, yr, gy, gn, p);
      ref.unaryGrad(Unary.powScalar, x, yr, gy, gr, p);
      expectClose(gn, gr, { rtol: 2e-6, atol: 1e-44 }, `gradient of x ** ${p}`);
    }
    // log: normal, negative, zero, infinite, NaN and denormal lanes mixed in every vector.
    const kinds = [2.5, -1, 0, -0, Infinity, -Infinity, NaN, 1e-40, 1.17549435e-38, 3.4e38, 0.3];
    const lx = Float32Array.from({ length: 203 }, (_, i) => kinds[(i * 7) % kinds.length]);
    const ln = new Float32Array(lx.length), lr = new Float32Array(lx.length);
    nat.unary(Unary.log, lx, ln, 0);
    ref.unary(Unary.log, lx, lr, 0);
    for (let i = 0; i < lx.length; i++) {
      const same = Number.isNaN(lr[i]) ? Number.isNaN(ln[i]) : Object.is(ln[i], lr[i]) || Math.abs(ln[i] - lr[i]) <= 2e-6 * Math.abs(lr[i]);
      if (!same) expect.fail(`log(${lx[i]}) at ${i}: ${ln[i]}, reference ${lr[i]}`);
    }
  });

  it("fmod, remainder and floorDiv in vector form (exact in double where |a / b| < 2^24): the reference's bits, contiguous and broadcast, with quotients next to integers, past 2^24, zeros, infinities and NaN", () => {
    const n = 30000;
    // Mostly ordinary pairs (blocks of 8 in vector form), with zeros, halves and near-integer
    // quotients among them; the specials that send a block to libm (b 0 or infinite, a infinite or
    // NaN, quotients past 2^24) only in some blocks.
    const a = Float32Array.from(randomArray(n, r, -50, 50), (v, i) => (i % 64 < 56 ? [v, v, -0, 0, 7.5, -7.5, 0.9, -6][i % 8] : [Infinity, NaN, v * 1e7, 1e30, v, v, v, v][i % 8]));
    const b = Float32Array.from(randomArray(n, r, -3, 3), (v, i) => (i % 64 < 56 ? [v, 0.3, -2, 3, -2, 2, 0.3, -0.3][(i >> 3) % 8] : [v, v, 1e-6, v, 0, -Infinity, v, Infinity][i % 8]));
    const run = (be: Backend, op: number, sa: number, sb: number, len: number): Float32Array => {
      const y = new Float32Array(len);
      be.binary(op as (typeof Binary)['fmod'], a.subarray(0, len), Int32Array.of(sa), b.subarray(0, len), Int32Array.of(sb), y, Int32Array.of(len));
      return y;
    };
    for (const op of [Binary.fmod, Binary.remainder, Binary.floorDiv]) {
      for (const len of [...EDGE_SIZES, n]) {
        for (const [sa, sb] of [[1, 1], [1, 0], [0, 1]]) {
          expect(sameBitsButNaNs(run(nat, op, sa, sb, len), run(ref, op, sa, sb, len)), `binary ${op} ${len} strides ${sa}, ${sb}`).toBe(true);
        }
      }
    }
  });

  it('pow in vector form: the bits of the reference over the powers inside the normal floats, within an ulp of them outside', () => {
    // The AVX2 and AVX-512 sets compute a ** b as 2^(b log2 a) in double, 16 floats at a time, for
    // positive normal bases, finite exponents and powers in [2^-126, 2^126]: the float nearest the
    // exact power, as the reference's rounded double pow. Any other lane sends its 16 to libm's powf,
    // as the generic set does everywhere (within an ulp there: 0.82 ulp at most, glibc says).
    const vectorSet = bp.nativeKernelSet() !== 'generic';
    // (A gradient, gy (p x ** q), rounds twice more: three float roundings' worth there, 3.6e-7;
    // 2.57e-7 was seen once the inputs drawn before this test changed.)
    const withinUlp = (yn: Float32Array, yr: Float32Array, what: string, rtol = 1.2e-7): void => {
      for (let i = 0; i < yr.length; i++) {
        const same = Number.isNaN(yr[i]) ? Number.isNaN(yn[i]) : Object.is(yn[i], yr[i]) || Math.abs(yn[i] - yr[i]) <= rtol * Math.abs(yr[i]);
        if (!same) expect.fail(`${what} at ${i}: ${yn[i]}, reference ${yr[i]}`);
      }
    };
    const agree = (yn: Float32Array, yr: Float32Array, what: string, rtol?: number): void => {
      if (vectorSet) expect(sameBits(yn, yr), what).toBe(true);
      else withinUlp(yn, yr, what, rtol);
    };
    const logUniform = (n: number, lo: number, hi: number): Float32Array => {
      const u = randomArray(n, r, Math.log(lo), Math.log(hi));
      return u.map((v) => Math.exp(v));
    };
    const n = 40000;
    const base = logUniform(n, 1e-3, 1e3);
    const exponent = randomArray(n, r, -10, 10);
    const unit = Int32Array.of(1);
    const run = (be: Backend, a: Float32Array, sa: Int32Array, b: Float32Array, sb: Int32Array, len: number): Float32Array => {
      const y = new Float32Array(len);
      be.binary(Binary.pow, a, sa, b, sb, y, Int32Array.of(len));
      return y;
    };
    for (const len of [...EDGE_SIZES.filter((s) => s <= n), 15, 16, 17, n]) {
      const [a, b] = [base.subarray(0, len), exponent.subarray(0, len)];
      agree(run(nat, a, unit, b, unit, len), run(ref, a, unit, b, unit, len), `a ** b, ${len} elements`);
      // a scalar exponent or base, broadcast (stride 0)
      agree(run(nat, a, unit, b, Int32Array.of(0), len), run(ref, a, unit, b, Int32Array.of(0), len), `a ** b0, ${len}`);
      agree(run(nat, a, Int32Array.of(0), b, unit, len), run(ref, a, Int32Array.of(0), b, unit, len), `a0 ** b, ${len}`);
    }
    // powScalar's general powers and their gradients take the same path.
    const gy = randomArray(n, r);
    for (const p of [2.5, -1.7, 0.3, 7.25]) {
      const [yn, yr, gn, gr] = [0, 1, 2, 3].map(() => new Float32Array(n));
      nat.unary(Unary.powScalar, base, yn, p);
      ref.unary(Unary.powScalar, base, yr, p);
      agree(yn, yr, `x ** ${p}`);
      nat.unaryGrad(Unary.powScalar, base, yr, gy, gn, p);
      ref.unaryGrad(Unary.powScalar, base, yr, gy, gr, p);
      agree(gn, gr, `gradient of x ** ${p}`, 3.6e-7);
    }
    // Lanes outside: zeros, negative bases (integer exponents or NaN), infinities, NaN, denormals,
    // powers past the floats (inf, 0 or denormal results), one in a block of ordinary lanes.
    const odd: [number, number][] = [[0, 2], [-0, 3], [0, -1], [-2, 3], [-2, 0.5], [Infinity, 2], [Infinity, -2], [-Infinity, 3],
      [NaN, 1], [2, NaN], [1, NaN], [1, Infinity], [-1, Infinity], [2, Infinity], [0.5, Infinity], [1e-40, 0.5], [3, 200], [3, -200],
      [1e30, 5], [1e-30, 5], [2, 0], [NaN, 0], [7, 1], [1.5, 126], [2, -126], [2, -140], [2, 5000], [2, -5000],
      [2, 2048], [2, -2048], [4, 1024.25], [1e30, 1e6], [0.5, -3e38],
      [0, 0.01], [1e-40, 0.05], [-2, 0.01], [Infinity, 0.01]];
    for (const [va, vb] of odd) {
      for (const at of [0, 5, 15, 16, 31, 38]) {
        const a = base.slice(0, 40), b = exponent.slice(0, 40);
        a[at] = va;
        b[at] = vb;
        withinUlp(run(nat, a, unit, b, unit, 40), run(ref, a, unit, b, unit, 40), `${va} ** ${vb} placed at ${at}`);
      }
    }
  });

  it('unary: an element gets the same bits wherever it sits (the vector formula covers array tails)', () => {
    // The GEMM epilogues apply activations to rows of tiles 16 or 32 columns wide, and the two
    // kernel sets must agree bit for bit: a value may not depend on its offset from a row's end.
    for (const op of Object.values(Unary)) {
      const x = unaryInput(op, 17);
      const p = unaryParam(op);
      const whole = new Float32Array(x.length);
      nat.unary(op, x, whole, p);
      for (let start = 1; start < x.length; start++) {
        const y = new Float32Array(x.length - start);
        nat.unary(op, x.slice(start), y, p);
        expect(sameBits(y, whole.subarray(start)), `unary op ${op} from element ${start}`).toBe(true);
      }
    }
  });

  it('biasActGrad: the activation backward and bias column sums, one pass or two, equal to the parts', () => {
    const shapes: [number, number][] = EDGE_SIZES.map((s, i) => [s, EDGE_SIZES[(i + 3) % 8]]);
    shapes.push([256, 1024], [300, 300], [1, 70000], [70000, 1], [257, 333]); // past 65536: the one-pass path
    // Past 2M elements, threaded: tall in blocks of rows, short and wide in one band of columns per thread.
    shapes.push([1100, 2000], [100, 24000]);
    for (const act of [Unary.relu, Unary.sigmoid, Unary.tanh]) {
      for (const [rows, cols] of shapes) {
        const n = rows * cols;
        const y = new Float32Array(n);
        ref.unary(act, randomArray(n, r, -3, 3), y, 0);
        const gy = randomArray(n, r);
        const gzn = new Float32Array(n), gzr = new Float32Array(n), gbn = new Float32Array(cols).fill(7), gbr = new Float32Array(cols);
        nat.biasActGrad(act, y, gy, gzn, rows, cols, gbn);
        ref.biasActGrad(act, y, gy, gzr, rows, cols, gbr);
        expectClose(gzn, gzr, { rtol: 2e-6, atol: 2e-7 }, `biasActGrad gz act ${act} [${rows}, ${cols}]`);
        expectClose(gbn, gbr, { rtol: 1e-5, atol: 2e-6 * Math.sqrt(rows) }, `biasActGrad gb act ${act} [${rows}, ${cols}]`);
        // Exactly the native parts' numbers, so the fused and eager training loops agree bit for bit.
        const gzParts = new Float32Array(n), gbParts = new Float32Array(cols);
        nat.unaryGrad(act, y, y, gy, gzParts, 0);
        nat.reduce(Reduce.sum, gzParts, 1, rows, cols, gbParts, null);
        // Compared as bits: toEqual walks a 2M-element array for a minute.
        expect(sameBits(gzn, gzParts), `gz [${rows}, ${cols}]`).toBe(true);
        expect(sameBits(gbn, gbParts), `gb [${rows}, ${cols}]`).toBe(true);
        const gzOnly = new Float32Array(n);
        nat.biasActGrad(act, y, gy, gzOnly, rows, cols, null);
        expect(sameBits(gzOnly, gzParts), `gz alone [${rows}, ${cols}]`).toBe(true);
      }
    }
  });

  it('binary: every op over same-shape, row, column, scalar and 3-D broadcasts', () => {
    const patterns: [number[], number[], number[]][] = [];
    for (const s of EDGE_SIZES) {
      patterns.push([[s, 9], [s, 9], [s, 9]]);
      patterns.push([[7, s], [s], [7, s]]);
      patterns.push([[s, 1], [1, 8], [s, 8]]);
      patterns.push([[s], [1], [s]]);
      patterns.push([[1], [s, 3], [s, 3]]);
      patterns.push([[3, 1, s], [4, 1], [3, 4, s]]);
    }
    patterns.push([[2, 40000], [40000], [2, 40000]]);
    // Many short runs, cut between threads in the middle of every dim: each part finds its first run
    // by division and counts its way to the rest (elementwise.cc's for_each_run).
    patterns.push([[300, 1, 5], [1, 70, 5], [300, 70, 5]], [[40, 1, 30, 6], [1, 50, 30, 1], [40, 50, 30, 6]]);
    for (const op of Object.values(Binary)) {
      for (const [sa, sb, so] of patterns) {
        const na = sa.reduce((x, y) => x * y, 1);
        const nb = sb.reduce((x, y) => x * y, 1);
        const probs = op === Binary.bce || op === Binary.bceGrad;
        const powers: number[] = [Binary.pow, Binary.powGradBase, Binary.powGradExponent];
        const a = powers.includes(op) ? randomArray(na, r, 0.2, 2) : probs ? randomArray(na, r, 0.01, 0.99) : randomArray(na, r, -3, 3);
        const b = probs ? randomArray(nb, r, 0, 1) : op === Binary.div ? randomArray(nb, r, 0.5, 2) : randomArray(nb, r, -2, 2);
        const stridesFor = (s: number[]): Int32Array => {
          const cs: number[] = [];
          let acc = 1;
          for (let i = s.length - 1; i >= 0; i--) { cs[i] = acc; acc *= s[i]; }
          const out = new Int32Array(so.length);
          const off = so.length - s.length;
          for (let i = 0; i < so.length; i++) out[i] = i < off || s[i - off] === 1 ? 0 : cs[i - off];
          return out;
        };
        const n = so.reduce((x, y) => x * y, 1);
        const yn = new Float32Array(n);
        const yr = new Float32Array(n);
        const shape = Int32Array.from(so);
        nat.binary(op, a, stridesFor(sa), b, stridesFor(sb), yn, shape);
        ref.binary(op, a, stridesFor(sa), b, stridesFor(sb), yr, shape);
        expectClose(yn, yr, { rtol: 2e-6, atol: 2e-6 }, `binary op ${op} ${JSON.stringify([sa, sb])}`);
      }
    }
  });

  it('binary cross-entropy at the edges of [0, 1]: the vector log path and the lanes it hands back', () => {
    // 0, 1, denormals and values a hair inside the interval, scattered over vectors of 8 and tails.
    const edge = [0, 1, 1e-40, 1 - 2 ** -24, 2 ** -24, 0.5, 1e-30, 0.999, 1e-7, 0.25, 3e-39];
    for (const n of [8, 9, 16, 63, 64, 65, 300]) {
      const a = randomArray(n, r, 0.001, 0.999);
      const b = randomArray(n, r, 0, 1);
      for (let i = 0; i < n; i += 3) a[i] = edge[(i / 3) % edge.length];
      for (let i = 1; i < n; i += 5) b[i] = i % 2;
      const unit = Int32Array.of(1);
      const yn = new Float32Array(n);
      const yr = new Float32Array(n);
      nat.binary(Binary.bce, a, unit, b, unit, yn, Int32Array.of(n));
      ref.binary(Binary.bce, a, unit, b, unit, yr, Int32Array.of(n));
      expectClose(yn, yr, { rtol: 2e-6, atol: 2e-6 }, `bce edges n ${n}`);
    }
  });

  it('BCE with logits and its gradient over the whole logit range: the vector exp, log1p and sigmoid', () => {
    // A dense grid from -120 to 120 (exp's scalar lanes below -87.3, log1p's u = 1 + e rounding to 1
    // above 17), infinities, NaN and -0, against targets 0, 1 and between.
    const grid = Array.from({ length: 4801 }, (_, i) => -120 + i * 0.05);
    const a = Float32Array.from([...grid, Infinity, -Infinity, NaN, -0, 0, 1e-30, 17.3, -17.3]);
    const b = Float32Array.from(a, (_, i) => [0, 1, 0.3, 0.75, 1e-7][i % 5]);
    const unit = Int32Array.of(1);
    for (const op of [Binary.bceLogits, Binary.bceLogitsGrad]) {
      const yn = new Float32Array(a.length);
      const yr = new Float32Array(a.length);
      nat.binary(op, a, unit, b, unit, yn, Int32Array.of(a.length));
      ref.binary(op, a, unit, b, unit, yr, Int32Array.of(a.length));
      // The loss relative to itself (its log1p part alone where the linear part is 0); the gradient
      // sigmoid(a) - t cancels near t, so within an ulp of 1 there.
      expectClose(yn, yr, { rtol: 4e-7, atol: op === Binary.bceLogits ? 1e-38 : 1.2e-7 }, `op ${op} over the logit range`);
    }
  });

  it('stridedCopy: transposes, permutations and expands', () => {
    for (const s of EDGE_SIZES) {
      const x = randomArray(s * 5 * 3, r);
      const views: [Int32Array, number[]][] = [
        [Int32Array.of(1, 15), [15, s]], // transpose of [s, 15]
        [Int32Array.of(1, 3, 15), [3, 5, s]], // full reversal of [s, 5, 3]
        [Int32Array.of(0, 15, 1), [4, s, 15]], // expand a new leading dim
        [Int32Array.of(1, s), [s, 15]], // transpose of [15, s]
        [Int32Array.of(5 * 3, 1, 3), [s, 3, 5]], // the last two dims of [s, 5, 3] swapped: s planes
        [Int32Array.of(1, s, 5 * s), [s, 5, 3]], // [3, 5, s] -> [s, 5, 3]: strips across planes
      ];
      for (const [strides, shape] of views) {
        const n = shape.reduce((a, b) => a * b, 1);
        const yn = new Float32Array(n);
        const yr = new Float32Array(n);
        nat.stridedCopy(x, strides, yn, Int32Array.from(shape));
        ref.stridedCopy(x, strides, yr, Int32Array.from(shape));
        expect(Array.from(yn)).toEqual(Array.from(yr));
      }
    }
  });

  it('stridedCopy: transposes into fewer than 8 rows, from packed runs and from runs a stride apart', () => {
    // transpose_strip's short strips: [s, R] -> [R, s] deinterleaves runs of R floats (permutes for R
    // of 2 to 4, masked loads for 5 to 7); the first R columns of [s, R + 3] have runs a stride apart
    // (masked loads for every R).
    for (const s of EDGE_SIZES) {
      for (let rows = 1; rows < 8; rows++) {
        for (const ld of [rows, rows + 3]) {
          const x = randomArray(s * ld, r);
          const shape = Int32Array.of(rows, s);
          const yn = new Float32Array(rows * s).fill(NaN);
          const yr = new Float32Array(rows * s);
          nat.stridedCopy(x, Int32Array.of(1, ld), yn, shape);
          ref.stridedCopy(x, Int32Array.of(1, ld), yr, shape);
          expect(sameBits(yn, yr), `[${s}, ${rows}] of rows ${ld} apart, transposed`).toBe(true);
        }
      }
    }
  });

  it('stridedCopy: transposes of short runs kept whole (complex pairs, pixels), and runs a copy cannot take as elements', () => {
    // [a, b, w] -> [b, a, w] moves runs of w floats as the elements of a transpose (w 2 to 8); runs
    // whose outer strides are not whole runs (the first w of rows of w + 1) go run by run.
    for (const s of [...EDGE_SIZES, 700]) {
      for (const w of [2, 3, 4, 7, 8, 9]) {
        const a = 5;
        const x = randomArray(s * a * (w + 1), r);
        const views: [Int32Array, number[]][] = [
          [Int32Array.of(w, a * w, 1), [a, s, w]], // [s, a, w] -> [a, s, w]
          [Int32Array.of(s * w, w, 1), [a, s, w]], // already in order: one run
          [Int32Array.of(w, s * w, 1), [s, a, w]], // [a, s, w] -> [s, a, w]
          [Int32Array.of(w + 1, a * (w + 1), 1), [a, s, w]], // rows of w + 1, the first w of each
          [Int32Array.of(2 * s, 1, s), [a, s, 2]], // [a, 2, s] -> [a, s, 2]: pairs gathered a stride apart
        ];
        for (const [strides, shape] of views) {
          const n = shape.reduce((p, q) => p * q, 1);
          const yn = new Float32Array(n).fill(NaN);
          const yr = new Float32Array(n);
          nat.stridedCopy(x, strides, yn, Int32Array.from(shape));
          ref.stridedCopy(x, strides, yr, Int32Array.from(shape));
          expect(sameBits(yn, yr), `[${shape}] through strides [${strides}]`).toBe(true);
        }
      }
    }
  });

  it('stridedCopy into strided places: columns of a wider array, transposed, and large (threaded)', () => {
    for (const s of [...EDGE_SIZES, 3000]) {
      const x = randomArray(s * 7, r);
      // [s, 7] rows into columns 2..8 of [s, 12]; a [7, s] transpose into rows of 3 * s; one long run
      // into every other element; [s, 7] into the columns of a [7, 20] block, transposed
      const views: [Int32Array, Int32Array, number[], number][] = [
        [Int32Array.of(7, 1), Int32Array.of(12, 1), [s, 7], s * 12],
        [Int32Array.of(1, 7), Int32Array.of(3 * s, 1), [7, s], 7 * 3 * s],
        [Int32Array.of(1), Int32Array.of(2), [s * 7], s * 14],
        [Int32Array.of(7, 1), Int32Array.of(1, s + 3), [s, 7], 7 * (s + 3)],
        // [7, s] rows into rows s + 5 apart (cat's pieces: each row a run copied by vectors, off lines)
        [Int32Array.of(s, 1), Int32Array.of(s + 5, 1), [7, s], 7 * (s + 5)],
      ];
      for (const [xs, os, shape, outLength] of views) {
        const yn = randomArray(outLength, r); // what the copy does not reach stays as it was
        const yr = Float32Array.from(yn);
        nat.stridedCopy(x, xs, yn, Int32Array.from(shape), os);
        ref.stridedCopy(x, xs, yr, Int32Array.from(shape), os);
        expect(sameBits(yn, yr), `${shape} through ${xs} into ${os}`).toBe(true);
      }
    }
  });

  it('stridedCopy: large transposes, cut into strips for threads, streamed into line-aligned outputs', () => {
    // Outputs of 4 MiB and more whose rows start on cache lines (allocOutput's) are written with
    // streaming stores, 16 columns at a time: square, wide, tall and skinny, and 3-d permutations
    // (planes of strips; row length not a multiple of 16: a scalar tail after the streamed columns).
    const views: [number[], Int32Array, number[]][] = [];
    for (const [rows, cols] of [[2048, 2048], [1024, 4096], [4112, 1040], [1000, 333], [7, 5000], [5000, 9]]) {
      views.push([[rows, cols], Int32Array.of(1, cols), [cols, rows]]);
    }
    views.push([[3, 1040, 1024], Int32Array.of(1040 * 1024, 1, 1024), [3, 1024, 1040]]); // last two dims swapped
    views.push([[1024, 3, 1040], Int32Array.of(1, 1040, 3 * 1040), [1040, 3, 1024]]); // first and last swapped
    views.push([[16, 1030, 256], Int32Array.of(1030 * 256, 1, 256), [16, 256, 1030]]);
    views.push([[1000, 16, 300], Int32Array.of(1, 300, 16 * 300), [300, 16, 1000]]); // streamed rows of 1000: a tail of 8
    // Short output rows (a convolution's gradient into rows of channels, attention-sized planes):
    // strips of 32, 48 and 64 columns, each row's line streamed whole.
    views.push([[64, 32, 784], Int32Array.of(32 * 784, 1, 784), [64, 784, 32]]);
    views.push([[32, 48, 700], Int32Array.of(48 * 700, 1, 700), [32, 700, 48]]);
    views.push([[256, 64, 256], Int32Array.of(64 * 256, 1, 256), [256, 256, 64]]);
    for (const [from, strides, shape] of views) {
      const n = from.reduce((a, b) => a * b, 1);
      const x = randomArray(n, r);
      for (const yn of [allocOutput(n), new Float32Array(n)]) {
        const yr = new Float32Array(n);
        nat.stridedCopy(x, strides, yn, Int32Array.from(shape));
        ref.stridedCopy(x, strides, yr, Int32Array.from(shape));
        expect(sameBits(yn, yr), `${from} -> ${shape}`).toBe(true);
      }
    }
  });

  it('axpy', () => {
    for (const n of [...EDGE_SIZES, 70000]) {
      const x = randomArray(n, r);
      const y0 = randomArray(n, r);
      const yn = y0.slice();
      const yr = y0.slice();
      nat.axpy(-0.7, x, yn);
      ref.axpy(-0.7, x, yr);
      expectClose(yn, yr, { rtol: 1e-6, atol: 1e-7 }, `axpy ${n}`);
    }
  });

  it('clamp: the same bits as the reference, with NaN, -0, bounds that are not floats, lo > hi, in place', () => {
    for (const n of [...EDGE_SIZES, 70000]) {
      const x = randomArray(n, r, -2, 2);
      for (let i = 0; i < n; i += 7) x[i] = [NaN, -0, Infinity, -Infinity, 0.1][(i / 7) % 5];
      for (const [lo, hi] of [[-0.5, 0.3], [0.1, 0.7], [0, Infinity], [-Infinity, 0], [1, -1]]) {
        const yn = new Float32Array(n);
        const yr = new Float32Array(n);
        nat.clamp(x, lo, hi, yn);
        ref.clamp(x, lo, hi, yr);
        expect(sameBits(yn, yr), `clamp ${n} [${lo}, ${hi}]`).toBe(true);
        const inPlace = x.slice();
        nat.clamp(inPlace, lo, hi, inPlace);
        expect(sameBits(inPlace, yr), `clamp in place ${n}`).toBe(true);
      }
    }
  });

  it('select: the same bits as the reference, in place too (cond with zeros, -0, NaN)', () => {
    for (const n of [...EDGE_SIZES, 70000]) {
      const cond = Float32Array.from({ length: n }, (_, i) => [0, 1, -0, NaN, 2.5, 0][(i * 7 + n) % 6]);
      const a = randomArray(n, r);
      const b = randomArray(n, r);
      const yn = new Float32Array(n);
      const yr = new Float32Array(n);
      nat.select(cond, a, b, yn);
      ref.select(cond, a, b, yr);
      expect(sameBits(yn, yr), `select ${n}`).toBe(true);
      const inPlace = a.slice();
      nat.select(cond, inPlace, b, inPlace);
      expect(sameBits(inPlace, yr), `select in place ${n}`).toBe(true);
    }
  });

  it('indexRows and indexRowsGrad: the same bits as the reference (repeated indices, a skipped row, threaded sizes)', () => {
    // [outer, len, inner] with `count` indices: every edge size in each place, gather's one-float
    // rows, an embedding table's shape, and sizes past the threading threshold.
    // [300, 400, 1, 350] and [65, 9, 1, 64]: indexSelect along the last dim (one loop per outer block).
    const cases: [number, number, number, number][] = [
      [1, 50000, 1, 70000], [1, 5000, 128, 4096], [3, 1000, 65, 300], [300, 400, 1, 350], [65, 9, 1, 64],
    ];
    EDGE_SIZES.forEach((s, i) => cases.push([s, EDGE_SIZES[(i + 2) % 8], 3, 5], [2, s, EDGE_SIZES[(i + 5) % 8], 9], [1, 7, s, s]));
    for (const [outer, len, inner, count] of cases) {
      // Indices drawn from a few rows so that most repeat (their sums then depend on the order).
      const index = Int32Array.from({ length: count }, () => Math.floor(r() * Math.min(len, 5 + len / 8)));
      const x = randomArray(outer * len * inner, r);
      const yn = new Float32Array(outer * count * inner);
      const yr = new Float32Array(outer * count * inner);
      nat.indexRows(x, outer, len, inner, index, yn);
      ref.indexRows(x, outer, len, inner, index, yr);
      const what = `[${outer}, ${len}, ${inner}] by ${count} indices`;
      expect(sameBits(yn, yr), `indexRows ${what}`).toBe(true);
      for (const skip of [-1, index[0]]) {
        const gy = randomArray(outer * count * inner, r);
        const start = randomArray(outer * len * inner, r); // added to, not overwritten
        const gn = start.slice();
        const gr = start.slice();
        nat.indexRowsGrad(gy, outer, len, inner, index, gn, skip);
        ref.indexRowsGrad(gy, outer, len, inner, index, gr, skip);
        expect(sameBits(gn, gr), `indexRowsGrad ${what}, skipping ${skip}`).toBe(true);
        if (skip >= 0) expect(gn[skip * inner]).toBe(start[skip * inner]);
      }
    }
  });

  it('gather: the same values and positions as the reference (and the positions alone), and the same first bad index', () => {
    // [x shape, index shape, dim]: index smaller than x outside dim, edge sizes, a large one.
    // The 3-D ones of 1.2M elements are cut into chunks for threads that start inside the middle dimension.
    const cases: [number[], number[], number][] = [[[2048, 700], [2048, 700], 1], [[300, 9, 65], [7, 9, 64], 0], [[5, 8, 63], [5, 3, 63], 1],
      [[40, 50, 600], [40, 50, 600], 1], [[40, 50, 600], [39, 50, 600], 0], [[3, 2500], [3, 2500], 1]];
    EDGE_SIZES.forEach((s, i) => cases.push([[s, EDGE_SIZES[(i + 3) % 8]], [Math.max(1, s - 1), 9], 1], [[s], [EDGE_SIZES[(i + 5) % 8]], 0], [[3, s, 2], [2, s, 2], 2]));
    for (const [xs, is, dim] of cases) {
      const count = is.reduce((a, b) => a * b, 1);
      const size = xs[dim];
      const x = randomArray(xs.reduce((a, b) => a * b, 1), r);
      const index = Float32Array.from({ length: count }, () => Math.floor(r() * size));
      const args = [Int32Array.from(is), Int32Array.from(xs), dim] as const;
      const [yn, yr, yk] = [0, 1, 2].map(() => new Float32Array(count));
      const wn = new Int32Array(count);
      const wr = new Int32Array(count);
      const what = `${xs} by ${is} along ${dim}`;
      expect(nat.gather(x, index, ...args, yn, wn), what).toBe(-1);
      expect(ref.gather(x, index, ...args, yr, wr)).toBe(-1);
      expect(nat.gather(x, index, ...args, yk, null), `${what}, no positions kept`).toBe(-1);
      expect(wn.findIndex((v, i) => v !== wr[i]), `first differing position, ${what}`).toBe(-1);
      expect(yn.findIndex((v, i) => !Object.is(v, yr[i])), `first differing value, ${what}`).toBe(-1);
      expect(yk.findIndex((v, i) => !Object.is(v, yr[i])), `first differing value without positions, ${what}`).toBe(-1);
      // The positions alone (scatter's: out null), on both backends.
      const [pn, pr] = [new Int32Array(count).fill(-7), new Int32Array(count).fill(-7)];
      expect([nat.gather(x, index, ...args, null, pn), ref.gather(x, index, ...args, null, pr)], `${what}, positions alone`).toEqual([-1, -1]);
      expect(pn.findIndex((v, i) => v !== wr[i]) + pr.findIndex((v, i) => v !== wr[i]), `first differing position alone, ${what}`).toBe(-2);
      // Each bad kind at a random place, and once in the scalar tail of a run (its last element).
      for (const bad of [size, -1, -size, 0.5, NaN, -Infinity, 2 ** 25]) {
        for (const at of [Math.floor(r() * count), count - 1]) {
          const broken = index.slice();
          broken[at] = bad;
          expect(nat.gather(x, broken, ...args, yn, wn), `${bad} at ${at} of ${what}`).toBe(at);
          expect(nat.gather(x, broken, ...args, yn, null), `${bad} at ${at} of ${what}, no positions kept`).toBe(at);
          expect(nat.gather(x, broken, ...args, null, wn), `${bad} at ${at} of ${what}, positions alone`).toBe(at);
          expect(ref.gather(x, broken, ...args, yr, wr)).toBe(at);
        }
      }
    }
  });

  it('gather past float-exact sizes: a dimension of 2^24 + 3 takes its last indices', () => {
    // A float bound would round to 2^24 + 4 and let 2^24 + 4 in, or to 2^24 and keep 2^24 + 2 out.
    const size = 2 ** 24 + 3;
    const x = Float32Array.from({ length: size }, (_, i) => i % 1000);
    const index = Float32Array.from([size - 1, 2 ** 24 + 2, 2 ** 24, 5, size - 1, 0, 1, 2, 3]); // all exact floats
    const args = [x, index, Int32Array.from([9]), Int32Array.from([size]), 0] as const;
    const yn = new Float32Array(9);
    const yr = new Float32Array(9);
    expect(nat.gather(...args, yn, null)).toBe(-1);
    expect(ref.gather(...args, yr, null)).toBe(-1);
    expect(Array.from(yn)).toEqual(Array.from(yr));
    expect(Array.from(yn)).toEqual(Array.from(index, (i) => i % 1000));
    index[7] = 2 ** 24 + 4; // the nearest float above the last index
    expect(nat.gather(...args, yn, null)).toBe(7);
    expect(ref.gather(...args, yr, null)).toBe(7);
  });

  it('variance: the same bits as the reference (double sums in a fixed order) at every shape, correction and thread count', () => {
    // Rows (inner 1: four partial sums) and columns (inner > 1: blocks of 64 summed down the rows)
    // at the edge sizes, long enough to be threaded, with special values, at 1, 2 and 3 threads.
    const shapes: [number, number, number][] = [[1, 100003, 1], [300, 1000, 1], [2, 700, 300], [1, 0, 5], [4, 0, 1]];
    for (const s of EDGE_SIZES) shapes.push([s, 9, 1], [3, s, 1], [1, s, 7], [2, 5, s], [s, 64, 65]);
    const threadsBefore = bp.getNumThreads();
    for (const threads of [1, 2, 3]) {
      bp.setNumThreads(threads);
      for (const [o, l, i] of shapes) {
        const x = randomArray(o * l * i, r, -3, 3);
        // Values far from 0 that vary little: a mean or sums kept in float would show here.
        const offset = Float32Array.from(x, (v) => 1e4 + v * 1e-2);
        if (x.length > 8) { x[3] = 1e30; x[x.length - 2] = -2e19; }
        for (const [data, correction] of [[x, 1], [x, 0], [x, 2.5], [x, l + 1], [offset, 1]] as const) {
          for (const takeSqrt of [false, true]) {
            const yn = new Float32Array(o * i), yr = new Float32Array(o * i);
            nat.variance(data, o, l, i, correction, takeSqrt, yn);
            ref.variance(data, o, l, i, correction, takeSqrt, yr);
            const what = `[${o}, ${l}, ${i}]${data === offset ? ' near 1e4' : ''} correction ${correction} sqrt ${takeSqrt} at ${threads} threads`;
            expect(sameBits(yn, yr), what).toBe(true);
          }
        }
      }
    }
    bp.setNumThreads(threadsBefore);
    // std of values past float's square root is finite, as torch's (its square root taken in double).
    const big = Float32Array.of(-0.5895252227783203, -0.1329822540283203, -1.4459705352783203, -1e30);
    const sd = new Float32Array(1);
    nat.variance(big, 1, 4, 1, 1, true, sd);
    expect(sd[0]).toBe(Math.fround(5.000000075237331e29)); // torch: tensor(big).std()
    nat.variance(big, 1, 4, 1, 1, false, sd);
    expect(sd[0]).toBe(Infinity);
    const f = new Float32Array(6);
    expect(() => nat.variance(f, 2, 3, 1, -1, false, new Float32Array(2))).toThrow(/^variance: correction must be a non-negative number/);
    expect(() => nat.variance(f, 2, 3, 1, 1, false, new Float32Array(3))).toThrow(/^variance: out has 3 elements, expected 2/);
    expect(() => nat.variance(f, 2, 3, 1, 1, false, f.subarray(1, 3))).toThrow(/^variance: out must not overlap x/);
    expect(() => nat.variance(f, 2, 3, 1, 1, 1 as unknown as boolean, new Float32Array(2))).toThrow(/^variance: argument 5 \(takeSqrt\) must be a boolean/);
  });

  it('reduce: sum, mean, max and min (with their indices), sumSquares over [outer, len, inner] and one long run', () => {
    // Columns big enough to be threaded: [1, 1100, 2000] and [2, 700, 3000] sum tall columns in
    // blocks of rows (and take extremes in one run of rows per thread); [1, 100, 24000], too short
    // for row blocks, sums in one band of columns per thread.
    // [40, 300, 200]: many slices, each small, one run of slices per thread.
    const shapes: [number, number, number][] = [[1, 40000, 1], [1, 100000, 1], [1, 1100, 2000], [2, 700, 3000], [1, 100, 24000], [40, 300, 200]];
    for (const s of EDGE_SIZES) shapes.push([s, 9, 1], [3, s, 1], [1, s, 7], [2, 5, s], [s, 64, 65]);
    for (const op of Object.values(Reduce)) {
      for (const [o, l, i] of shapes) {
        const x = randomArray(o * l * i, r);
        const yn = new Float32Array(o * i);
        const yr = new Float32Array(o * i);
        const extreme = op === Reduce.max || op === Reduce.min;
        const an = extreme ? new Int32Array(o * i) : null;
        const ar = extreme ? new Int32Array(o * i) : null;
        nat.reduce(op, x, o, l, i, yn, an);
        ref.reduce(op, x, o, l, i, yr, ar);
        expectClose(yn, yr, { rtol: 1e-5, atol: 2e-6 * Math.sqrt(l) }, `reduce op ${op} [${o},${l},${i}]`);
        if (an && ar) expect(Array.from(an)).toEqual(Array.from(ar));
      }
    }
  });

  it('countBins (bincount): the reference\'s bins, counted and weighted, at every edge size; the first bad element\'s position', () => {
    for (const count of [...EDGE_SIZES, 300000]) {
      for (const n of [1, 7, 1024]) {
        const x = Float32Array.from({ length: count }, () => Math.floor(r() * n));
        const w = randomArray(count, r);
        for (const weights of [null, w]) {
          const got = new Float32Array(n).fill(NaN), want = new Float32Array(n);
          expect(nat.countBins(x, weights, got)).toBe(-1);
          expect(ref.countBins(x, weights, want)).toBe(-1);
          expect(sameBits(got, want), `countBins ${count} into ${n}${weights ? ' weighted' : ''}`).toBe(true);
        }
        if (count < 9) continue;
        // A bad element among good ones: the position of the first (a later one is found second).
        for (const bad of [-1, 0.5, NaN, n, Infinity, -0.25]) {
          const y = x.slice();
          y[count - 3] = bad;
          y[count - 1] = -7;
          expect(nat.countBins(y, null, new Float32Array(n)), `countBins bad ${bad}`).toBe(count - 3);
          expect(ref.countBins(y, null, new Float32Array(n))).toBe(count - 3);
        }
      }
    }
    const x = Float32Array.of(0, 1, -0, 2);
    const bins = new Float32Array(3);
    expect(nat.countBins(x, null, bins)).toBe(-1);
    expect(Array.from(bins)).toEqual([2, 1, 1]);
    expect(() => nat.countBins(x, new Float32Array(3), bins)).toThrow('countBins: weights has 3 elements, expected 4');
    expect(() => nat.countBins(x, null, x.subarray(1, 3))).toThrow('countBins: bins (argument 2) shares memory with x or weights');
  });

  it("distinct (unique's): the reference's values in first-met order and places, with ties, both zeros and NaNs, at every edge size and past the table's growth; argument errors", () => {
    const sizes = [...EDGE_SIZES, 300000];
    for (const count of sizes) {
      for (const spread of [5, 1000, 0]) {
        // spread 0: every value its own (random floats), the table doubling again and again.
        const x = Float32Array.from({ length: count }, () => (spread ? Math.floor(r() * spread) - spread / 2 : r() * 2 - 1));
        for (let k = 3; k < count; k += 41) x[k] = k % 2 ? -0 : 0;
        for (let k = 5; k < count; k += 997) x[k] = NaN;
        const vn = new Float32Array(count), vr = new Float32Array(count), inN = new Int32Array(count), inR = new Int32Array(count);
        const cn = nat.distinct(x, vn, inN), cr = ref.distinct(x, vr, inR);
        expect(cn, `distinct count ${count} spread ${spread}`).toBe(cr);
        expect(sameBitsButNaNs(vn.subarray(0, cn), vr.subarray(0, cr)), `distinct values ${count} spread ${spread}`).toBe(true);
        expect(sameBits(new Float32Array(inN.buffer), new Float32Array(inR.buffer)), `distinct places ${count} spread ${spread}`).toBe(true);
      }
    }
    const x = Float32Array.of(-0, 2, 0, NaN, 2, NaN);
    const values = new Float32Array(6), inverse = new Int32Array(6);
    expect(nat.distinct(x, values, inverse)).toBe(4);
    expect(Object.is(values[0], -0)).toBe(true);
    expect(Array.from(inverse)).toEqual([0, 1, 0, 2, 1, 3]);
    expect(() => nat.distinct(x, new Float32Array(5), inverse)).toThrow('distinct: values has 5 elements, fewer than x\'s 6');
    expect(() => nat.distinct(x, values, new Int32Array(5))).toThrow('distinct: inverse has 5 elements, expected 6');
  });

  it("runningPicks (cummax's and cummin's positions): the reference's over [outer, len, inner] at every edge size, with ties, signed zeros and NaNs, at 1-3 threads; argument errors", () => {
    const shapes: [number, number, number][] = [[3, 100000, 1], [40, 300, 200], [2, 7, 3000], [5, 0, 3]];
    for (const e of EDGE_SIZES) shapes.push([e, 9, 1], [3, e, 1], [1, e, 7], [2, 5, e]);
    for (const [o, l, i] of shapes) {
      // Few distinct values (ties everywhere), a zero of each sign, NaNs now and then.
      const x = Float32Array.from(randomArray(o * l * i, r), (v) => Math.round(v * 4) / 4);
      for (let k = 0; k < x.length; k += 97) x[k] = k % 2 === 0 ? -0 : 0;
      for (let k = 13; k < x.length; k += 1009) x[k] = NaN;
      for (const largest of [true, false]) {
        const want = new Float32Array(x.length);
        ref.runningPicks(x, o, l, i, largest, want);
        for (const t of [1, 2, 3]) {
          bp.setNumThreads(t);
          const got = new Float32Array(x.length).fill(-1);
          nat.runningPicks(x, o, l, i, largest, got);
          expect(sameBits(got, want), `runningPicks [${o}, ${l}, ${i}] ${largest ? 'max' : 'min'} at ${t} threads`).toBe(true);
        }
      }
    }
    bp.setNumThreads(1);
    const shared = new Float32Array(12);
    expect(() => nat.runningPicks(shared.subarray(0, 6), 2, 3, 1, true, shared.subarray(6, 11))).toThrow('runningPicks: at has 5 elements, expected 6');
    expect(() => nat.runningPicks(shared.subarray(0, 6), 2, 3, 1, true, shared.subarray(3, 9))).toThrow('runningPicks: at (argument 5) shares memory with x');
  });

  it("runningFold (cumsum, cumprod, logcumsumexp) and products (prod): the reference's bits over [outer, len, inner] at every edge size, rows in interleaved chains and alone, at 1-3 threads; in place; argument errors", () => {
    const shapes: [number, number, number][] = [[65536 / 64, 64, 1], [3, 100000, 1], [1, 50000, 1], [40, 300, 200], [2, 7, 3000]];
    for (const e of EDGE_SIZES) shapes.push([e, 9, 1], [3, e, 1], [e, 64, 1], [1, e, 7], [2, 5, e], [e % 17 + 1, e, 1]);
    const folds = [RunningFold.sum, RunningFold.product, RunningFold.logAddExp];
    for (const [o, l, i] of shapes) {
      // Products of values near 1, so that long rows neither vanish nor overflow, with a zero, a -0,
      // an infinity of each sign and a NaN among them.
      const x = Float32Array.from(randomArray(o * l * i, r), (v) => 1 + v / 64);
      x[Math.floor(x.length / 3)] = 0;
      x[Math.floor(x.length / 2)] = -0;
      if (x.length > 9) x[x.length - 2] = Infinity;
      if (x.length > 12) x[x.length - 5] = -Infinity;
      if (x.length > 20) x[7] = NaN;
      const what = `[${o}, ${l}, ${i}]`;
      for (const op of folds) {
        // logcumsumexp's terms from the log side: -40..40, so that the log1p(exp) step is exercised.
        const xs = op === RunningFold.logAddExp ? x.map((v) => (Number.isFinite(v) ? (v - 1) * 2560 : v)) : x;
        for (const reverse of [false, true]) {
          const want = new Float32Array(x.length);
          ref.runningFold(op, xs, o, l, i, want, reverse);
          for (const t of [1, 2, 3]) {
            bp.setNumThreads(t);
            const got = new Float32Array(x.length).fill(NaN);
            nat.runningFold(op, xs, o, l, i, got, reverse);
            if (op === RunningFold.logAddExp) expectClose(got, want, { rtol: 1e-6, atol: 1e-6 }, `runningFold ${op} ${what}${reverse ? ' reversed' : ''} at ${t} threads`);
            else expect(sameBitsButNaNs(got, want), `runningFold ${op} ${what}${reverse ? ' reversed' : ''} at ${t} threads`).toBe(true);
          }
          const inPlace = Float32Array.from(xs);
          nat.runningFold(op, inPlace, o, l, i, inPlace, reverse);
          expectClose(inPlace, want, { rtol: 1e-6, atol: 1e-6 }, `runningFold ${op} ${what} in place`);
        }
      }
      const want = new Float32Array(o * i);
      ref.products(x, o, l, i, want);
      for (const t of [1, 2, 3]) {
        bp.setNumThreads(t);
        const got = new Float32Array(o * i).fill(NaN);
        nat.products(x, o, l, i, got);
        expect(sameBits(got, want), `products ${what} at ${t} threads`).toBe(true);
      }
    }
    bp.setNumThreads(1);
    // logcumsumexp's infinities as torch's: +inf from the first +inf on, -inf before anything else.
    const inf = Float32Array.from([-Infinity, 1, Infinity, -Infinity, 2]), got = new Float32Array(5), want = new Float32Array(5);
    nat.runningFold(RunningFold.logAddExp, inf, 1, 5, 1, got, false);
    ref.runningFold(RunningFold.logAddExp, inf, 1, 5, 1, want, false);
    expect(Array.from(got)).toEqual([-Infinity, 1, Infinity, Infinity, Infinity]);
    expect(Array.from(want)).toEqual([-Infinity, 1, Infinity, Infinity, Infinity]);
    expect(() => nat.runningFold(RunningFold.sum, new Float32Array(6), 2, 3, 1, new Float32Array(5), false)).toThrow('runningFold: out has 5 elements, expected 6');
    const shared = new Float32Array(10);
    expect(() => nat.runningFold(RunningFold.product, shared.subarray(0, 6), 2, 3, 1, shared.subarray(2, 8), false)).toThrow('runningFold: out (argument 5) overlaps x without being it');
    expect(() => nat.runningFold(3 as RunningFoldCode, new Float32Array(6), 2, 3, 1, new Float32Array(6), false)).toThrow(/runningFold: argument 0 \(op\)/);
    expect(() => nat.products(new Float32Array(6), 2, 3, 1, new Float32Array(3))).toThrow('products: out has 3 elements, expected 2');
    expect(() => nat.products(shared.subarray(0, 6), 2, 3, 1, shared.subarray(4, 6))).toThrow('products: out (argument 4) shares memory with x');
  });

  it("distances and distancesGrad (cdist): the reference's bits for p 1, 2 and Infinity at every edge size of each dim, batched, at 1-3 threads, with NaN, infinities, -0 and rows at distance 0; argument errors", () => {
    const shapes: [number, number, number, number][] = [[1, 300, 300, 64], [2, 33, 70, 3]];
    for (const e of EDGE_SIZES) shapes.push([1, e, 9, 5], [2, 7, e, 3], [1, 5, 6, e], [3, (e % 5) + 1, e, 17], [e % 3 + 1, e, e, 1]);
    for (const [b, m, n, c] of shapes) {
      const x1 = randomArray(b * m * c, r), x2 = randomArray(b * n * c, r), g = randomArray(b * m * n, r);
      // x2's first row is x1's (distance 0); special values past the first rows.
      x2.set(x1.subarray(0, c));
      if (x1.length > 2 * c) x1[2 * c] = NaN;
      if (x2.length > 3 * c) x2[3 * c + c - 1] = Infinity;
      if (x1.length > 4 * c + 1) x1[4 * c + 1] = -0;
      const what = `[${b}, ${m}, ${n}, ${c}]`;
      for (const p of [1, 2, Infinity]) {
        const want = new Float32Array(b * m * n), w1 = new Float32Array(x1.length), w2 = new Float32Array(x2.length);
        ref.distances(x1, x2, b, m, n, c, p, want);
        ref.distancesGrad(x1, x2, want, g, b, m, n, c, p, w1, w2);
        for (const t of [1, 2, 3]) {
          bp.setNumThreads(t);
          const got = new Float32Array(want.length).fill(NaN), g1 = new Float32Array(x1.length).fill(NaN), g2 = new Float32Array(x2.length).fill(NaN);
          nat.distances(x1, x2, b, m, n, c, p, got);
          nat.distancesGrad(x1, x2, want, g, b, m, n, c, p, g1, g2);
          expect(sameBits(got, want), `distances ${what} p ${p} at ${t} threads`).toBe(true);
          // (An infinite column meets x1's NaN row in x2's gradient: NaN terms of both signs.)
          expect(sameBitsButNaNs(g1, w1) && sameBitsButNaNs(g2, w2), `distancesGrad ${what} p ${p} at ${t} threads`).toBe(true);
        }
      }
    }
    bp.setNumThreads(1);
    const f = (n: number) => new Float32Array(n);
    expect(() => nat.distances(f(6), f(6), 1, 2, 2, 3, 3, f(4))).toThrow('distances: p must be 1, 2 or Infinity, got 3');
    expect(() => nat.distances(f(6), f(5), 1, 2, 2, 3, 2, f(4))).toThrow('distances: x2 has 5 elements, expected 6');
    expect(() => nat.distances(f(6), f(6), 1, 2, 2, 3, 2, f(5))).toThrow('distances: out has 5 elements, expected 4');
    const shared = f(12);
    expect(() => nat.distances(shared.subarray(0, 6), f(6), 1, 2, 2, 3, 2, shared.subarray(4, 8))).toThrow('distances: out (argument 7) shares memory with x1 or x2');
    expect(() => nat.distancesGrad(f(6), f(6), f(4), f(4), 1, 2, 2, 3, 2, f(6), f(5))).toThrow('distancesGrad: gx2 has 5 elements, expected 6');
    expect(() => nat.distancesGrad(shared.subarray(0, 6), f(6), f(4), f(4), 1, 2, 2, 3, 2, shared.subarray(6, 12), f(6))).not.toThrow();
    expect(() => nat.distancesGrad(shared.subarray(0, 6), f(6), f(4), f(4), 1, 2, 2, 3, 2, shared.subarray(5, 11), f(6))).toThrow(/distancesGrad: gx1 and gx2 \(arguments 9, 10\) must not share memory with x1, x2, dist or g/);
    expect(() => nat.distancesGrad(f(6), f(6), f(4), f(4), 1, 2, 2, 3, 2, shared.subarray(0, 6), shared.subarray(3, 9))).toThrow('distancesGrad: gx1 and gx2 (arguments 9, 10) share memory');
    expect(() => nat.distances(f(6), f(6), -1, 2, 2, 3, 2, f(4))).toThrow(/distances: argument 2 \(batch\) must be an integer/);
  });

  it('sortOrder (sort, argsort, topk): the reference positions for whole rows (comparison and radix sorts) and a few of many (partial), ascending and descending, with ties, NaN, infinities and signed zeros, at 1-3 threads; argument errors', () => {
    const shapes: [number, number, number][] = [[3, 5000, 1], [2, 300, 3], [1, 255, 1], [1, 256, 1], [4, 1, 2]];
    for (const e of EDGE_SIZES) shapes.push([e, 9, 1], [2, e, 1], [1, e, 3], [e % 4 + 1, e, e % 3 + 1]);
    for (const [o, l, i] of shapes) {
      // Few distinct values (ties), and the special ones among them.
      const x = Float32Array.from(randomArray(o * l * i, r), (v) => Math.round(v * 8) / 4);
      for (let j = 0; j < x.length; j += 5) x[j] = [NaN, -0, 0, Infinity, -Infinity, NaN, 1e-45][(j / 5) % 7];
      for (const desc of [false, true]) {
        for (const k of new Set([l, Math.floor(l / 9), Math.min(l, 3), 0])) {
          const want = new Float32Array(o * k * i);
          ref.sortOrder(x, o, l, i, desc, k, want);
          for (const t of [1, 2, 3]) {
            bp.setNumThreads(t);
            const got = new Float32Array(want.length).fill(-1);
            nat.sortOrder(x, o, l, i, desc, k, got);
            expect(sameBits(got, want), `sortOrder [${o}, ${l}, ${i}] k ${k}${desc ? ' descending' : ''} at ${t} threads`).toBe(true);
          }
        }
      }
    }
    bp.setNumThreads(1);
    const f = (n: number) => new Float32Array(n);
    expect(() => nat.sortOrder(f(6), 2, 3, 1, false, 4, f(8))).toThrow(/sortOrder: argument 5 \(k\) must be an integer in \[0, 3\]/);
    expect(() => nat.sortOrder(f(6), 2, 3, 1, false, 2, f(5))).toThrow('sortOrder: out has 5 elements, expected 4');
    const shared = f(10);
    expect(() => nat.sortOrder(shared.subarray(0, 6), 2, 3, 1, true, 2, shared.subarray(5, 9))).toThrow('sortOrder: out (argument 6) shares memory with x');
  });

  it("reduce's float sums along rows: element i into lane i mod 32, then the tree (l += l + 16, 8, 4, 2, 1), bit for bit, at every tail length, with signed zeros, infinities and NaN", () => {
    // The native sums are float lanes (the reference's are doubles, compared above within a tolerance):
    // this pins their exact order, which no row length or kernel set may change.
    const model = (row: Float32Array) => {
      const lanes = new Float32Array(32);
      row.forEach((v, i) => { lanes[i % 32] = Math.fround(lanes[i % 32] + v); });
      for (let w = 16; w >= 1; w /= 2) for (let l = 0; l < w; l++) lanes[l] = Math.fround(lanes[l] + lanes[l + w]);
      return lanes[0];
    };
    for (const len of [1, 2, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40, 63, 64, 65, 96, 100, 255, 256, 257, 1000]) {
      const rows = 6;
      // Values of mixed scale, so that the order of the adds shows in the bits; -0 rows (the lanes
      // start at +0), and an infinity and a NaN in rows of their own.
      const x = Float32Array.from(randomArray(rows * len, r), (v, i) => v * 2 ** ((i * 7) % 23 - 11));
      x.fill(-0, 0, len);
      x[len + (len >> 1)] = Infinity;
      x[2 * len + (len >> 2)] = NaN;
      for (const op of [Reduce.sum, Reduce.mean]) {
        const got = new Float32Array(rows);
        nat.reduce(op, x, rows, len, 1, got, null);
        const want = Float32Array.from({ length: rows }, (_, o) => {
          const s = model(x.subarray(o * len, (o + 1) * len));
          return op === Reduce.mean ? Math.fround(s / len) : s;
        });
        expect(sameBits(got, want), `reduce op ${op}, rows of ${len}: [${Array.from(got)}] against [${Array.from(want)}]`).toBe(true);
      }
    }
  });

  it('max and min along rows: the first extreme, the first NaN, ties, signed zeros, infinite rows, at every lane and in the tail', () => {
    // For min every planted value has its sign flipped: the same cases mirrored.
    for (const [op, sign] of [[Reduce.max, 1], [Reduce.min, -1]] as const) {
      for (const len of [1, 7, 8, 9, 15, 16, 17, 31, 33, 64, 65, 300]) {
        const rows: Float32Array[] = [];
        for (const at of [0, 3, 8, 15, len - 1]) {
          if (at >= len || at < 0) continue;
          const nanRow = randomArray(len, r);
          nanRow[at] = NaN;
          if (at + 5 < len) nanRow[at + 5] = NaN;
          const tie = randomArray(len, r);
          tie[at] = 2 * sign;
          tie[len - 1] = 2 * sign;
          const zeros = new Float32Array(len).fill(-1 * sign);
          zeros[at] = -0;
          zeros[len - 1] = 0;
          rows.push(nanRow, tie, zeros);
        }
        rows.push(new Float32Array(len).fill(-Infinity * sign), Float32Array.from({ length: len }, (_, i) => (i === len - 1 ? Infinity : -Infinity) * sign));
        if (len >= 16) {
          // +0 first and -0 in an earlier lane of a later vector: a vector reduction of the lanes meets
          // -0 first, and the answer is the +0.
          const laneOrder = new Float32Array(len).fill(-1 * sign);
          laneOrder[3] = 0;
          laneOrder[9] = -0;
          rows.push(laneOrder);
        }
        const x = new Float32Array(rows.length * len);
        rows.forEach((row, i) => x.set(row, i * len));
        const yn = new Float32Array(rows.length);
        const yr = new Float32Array(rows.length);
        const an = new Int32Array(rows.length);
        const ar = new Int32Array(rows.length);
        nat.reduce(op, x, rows.length, len, 1, yn, an);
        ref.reduce(op, x, rows.length, len, 1, yr, ar);
        expect(Array.from(an), `arg of op ${op}, rows of ${len}`).toEqual(Array.from(ar));
        for (let i = 0; i < rows.length; i++) expect(Object.is(yn[i], yr[i]), `op ${op} of row ${i} of ${len}: ${yn[i]} vs ${yr[i]}`).toBe(true);
        // Values alone (no index wanted: the kernels may skip their search), the same bits, the
        // signed zeros' rows included.
        const values = new Float32Array(rows.length);
        nat.reduce(op, x, rows.length, len, 1, values, null);
        for (let i = 0; i < rows.length; i++) expect(Object.is(values[i], yr[i]), `op ${op} of row ${i} of ${len} without its index: ${values[i]} vs ${yr[i]}`).toBe(true);
      }
    }
  });

  it('max and min along columns: the first extreme, the first NaN, ties, signed zeros, infinite columns, where the threads split the rows', () => {
    // 1000 x 2100: past the size at which each thread takes a run of rows (at 2 threads rows 0-499
    // and 500-999, at 3 a third each), so each planted pair straddles a split at some thread count.
    const len = 1000;
    const inner = 2100;
    const threadsBefore = bp.getNumThreads();
    try {
      for (const [op, sign] of [[Reduce.max, 1], [Reduce.min, -1]] as const) {
        const x = randomArray(len * inner, r);
        const set = (row: number, col: number, v: number) => { x[row * inner + col] = v; };
        for (let c = 0; c < inner; c++) {
          const a = (c * 37) % 480;
          const b = 500 + ((c * 53) % 490);
          switch (c % 8) {
            case 0: set(a, c, NaN); set(b, c, NaN); break;
            case 1: set(a, c, 2 * sign); set(b, c, 2 * sign); break;
            case 2: set(b, c, 2 * sign); set(len - 1, c, 2 * sign); break;
            case 3: for (let l = 0; l < len; l++) set(l, c, -sign); set(a, c, -0); set(b, c, 0); break;
            case 4: for (let l = 0; l < len; l++) set(l, c, -Infinity * sign); break;
            case 5: for (let l = 0; l < len; l++) set(l, c, -Infinity * sign); set(len - 1, c, Infinity * sign); break;
            case 6: set(a, c, 2 * sign); set(b, c, NaN); break;
            default: break;
          }
        }
        const yr = new Float32Array(inner);
        const ar = new Int32Array(inner);
        ref.reduce(op, x, 1, len, inner, yr, ar);
        for (const threads of [1, 2, 3]) {
          bp.setNumThreads(threads);
          const yn = new Float32Array(inner);
          const an = new Int32Array(inner);
          nat.reduce(op, x, 1, len, inner, yn, an);
          expect(Array.from(an), `arg of op ${op} at ${threads} threads`).toEqual(Array.from(ar));
          for (let i = 0; i < inner; i++) {
            if (!Object.is(yn[i], yr[i])) expect.fail(`op ${op} of column ${i} at ${threads} threads: ${yn[i]} vs ${yr[i]}`);
          }
          // Without an index output the values are the same.
          const bare = new Float32Array(inner);
          nat.reduce(op, x, 1, len, inner, bare, null);
          expect(sameBits(bare, yn)).toBe(true);
        }
      }
    } finally {
      bp.setNumThreads(threadsBefore);
    }
  });

  it('softmaxGrad may write its result over gy (plain and log, rows and columns)', () => {
    for (const log of [false, true]) {
      for (const [o, l, i] of [[3, 70, 1], [2, 300, 1], [2, 9, 5]] as [number, number, number][]) {
        const y = new Float32Array(o * l * i);
        nat.softmax(randomArray(y.length, r, -3, 3), o, l, i, y, log);
        const gy = randomArray(y.length, r);
        const apart = new Float32Array(y.length);
        nat.softmaxGrad(y, gy, o, l, i, apart, log);
        const inPlace = gy.slice();
        nat.softmaxGrad(y, inPlace, o, l, i, inPlace, log);
        expect(sameBits(inPlace, apart), `log ${log} [${o}, ${l}, ${i}]`).toBe(true);
      }
    }
  });

  it('softmax and softmaxGrad, plain and log, along inner and outer dims, with logits of 1000', () => {
    for (const log of [false, true]) {
      for (const s of EDGE_SIZES) {
        // Then columns cut into per-thread ranges and 64-wide blocks with tails (inner 1000, 300).
        const wide: [number, number, number][] = s === 300 ? [[1, 300, 1000], [2, 65, 300], [5, 3, 300]] : [];
        for (const [o, l, i] of [[s, 10, 1], [4, s, 1], [3, s, 5], [2, 7, s], ...wide] as [number, number, number][]) {
          const x = randomArray(o * l * i, r, -8, 8);
          if (s === 9) x[0] = 1000;
          const yn = new Float32Array(x.length);
          const yr = new Float32Array(x.length);
          nat.softmax(x, o, l, i, yn, log);
          ref.softmax(x, o, l, i, yr, log);
          expectClose(yn, yr, { rtol: 1e-5, atol: 1e-6 }, `softmax log=${log} [${o},${l},${i}]`);
          expect(yn.every(Number.isFinite)).toBe(true);
          const gy = randomArray(x.length, r);
          const gn = new Float32Array(x.length);
          const gr = new Float32Array(x.length);
          nat.softmaxGrad(yr, gy, o, l, i, gn, log);
          ref.softmaxGrad(yr, gy, o, l, i, gr, log);
          expectClose(gn, gr, { rtol: 1e-5, atol: 1e-6 * Math.sqrt(l) }, `softmaxGrad log=${log}`);
        }
      }
    }
  });

  it('crossEntropy and its gradient: index and probability targets, label smoothing', () => {
    for (const s of EDGE_SIZES) {
      for (const cols of [1, 10, s]) {
        const rows = (s % 17) + 1;
        const logits = randomArray(rows * cols, r, -6, 6);
        logits[0] = 1000;
        const ti = Int32Array.from({ length: rows }, () => Math.floor(r() * cols));
        const tp = randomArray(rows * cols, r, 0, 1);
        for (const [idx, prob] of [[ti, null], [null, tp]] as [Int32Array | null, Float32Array | null][]) {
          for (const eps of [0, 0.1]) {
            const ln = new Float32Array(rows);
            const lr = new Float32Array(rows);
            const pn = new Float32Array(rows * cols);
            const pr = new Float32Array(rows * cols);
            nat.crossEntropy(logits, rows, cols, idx, prob, eps, ln, pn);
            ref.crossEntropy(logits, rows, cols, idx, prob, eps, lr, pr);
            expectClose(ln, lr, { rtol: 1e-5, atol: 1e-5 }, `crossEntropy loss ${rows}x${cols}`);
            expectClose(pn, pr, { rtol: 1e-5, atol: 1e-7 }, 'crossEntropy prob');
            const scale = randomArray(rows, r);
            const gn = new Float32Array(rows * cols);
            const gr = new Float32Array(rows * cols);
            nat.crossEntropyGrad(pr, rows, cols, idx, prob, eps, scale, gn);
            ref.crossEntropyGrad(pr, rows, cols, idx, prob, eps, scale, gr);
            expectClose(gn, gr, { rtol: 1e-5, atol: 1e-6 }, 'crossEntropyGrad');
          }
        }
      }
    }
  });

  const base: OptimHyper = { ...HYPER_DEFAULTS, kind: 0, lr: 0.05, step: 1 };
  const configs: Partial<OptimHyper>[] = [
    { kind: 0 }, { kind: 0, momentum: 0.9, weightDecay: 0.01 }, { kind: 0, momentum: 0.9, nesterov: true },
    { kind: 0, momentum: 0.5, dampening: 0.3 }, { kind: 1 }, { kind: 1, weightDecay: 0.1 }, { kind: 1, amsgrad: true },
    { kind: 1, decoupled: true, weightDecay: 0.01 }, { kind: 2 }, { kind: 2, momentum: 0.9, centered: true, weightDecay: 0.1 },
    { kind: 3 }, { kind: 3, lrDecay: 0.1, weightDecay: 0.05 },
    // maximize: the gradient negated before the decay reads it, in every kind.
    { kind: 0, momentum: 0.9, nesterov: true, weightDecay: 0.01, maximize: true }, { kind: 1, amsgrad: true, weightDecay: 0.1, maximize: true },
    { kind: 1, decoupled: true, weightDecay: 0.01, maximize: true }, { kind: 2, momentum: 0.9, centered: true, weightDecay: 0.1, maximize: true },
    { kind: 3, lrDecay: 0.1, weightDecay: 0.05, maximize: true },
    // Adamax, NAdam (its product of coefficients past the first step), RAdam (rectified from step 6
    // at beta2 0.9), Adadelta, Rprop (step sizes from 0.05, bounded), ASGD.
    { kind: 4 }, { kind: 4, weightDecay: 0.1, maximize: true }, { kind: 5, muProduct: 0.8 }, { kind: 5, weightDecay: 0.05, momentumDecay: 0.1, muProduct: 0.5 },
    { kind: 6 }, { kind: 6, beta2: 0.9, weightDecay: 0.01 }, { kind: 7 }, { kind: 7, rho: 0.5, weightDecay: 0.1, maximize: true },
    { kind: 8 }, { kind: 8, etaMinus: 0.3, etaPlus: 1.5, stepSizeMin: 0.01, stepSizeMax: 0.06, maximize: true },
    // ASGD: its step size decaying (lambd 0.5) and its average started (t0 1: mu 1/2 at step 4).
    { kind: 9 }, { kind: 9, lambd: 0.5, power: 0.6, t0: 1, weightDecay: 0.1, maximize: true },
  ];
  for (const cfg of configs) {
    it(`optimStep ${JSON.stringify(cfg)}: 4 steps over tensors of every edge size and one large`, () => {
      const sizes = [...EDGE_SIZES, 50000];
      const mk = () => sizes.map((n) => randomArray(n, r));
      const pn = mk();
      const pr = pn.map((p) => p.slice());
      const state = (init: number) => sizes.map((n) => new Float32Array(n).fill(init));
      const sn = [state(cfg.kind === 3 ? 0.1 : 0), state(cfg.kind === 8 ? 0.05 : 0), state(0)];
      const sr = sn.map((s) => s.map((b) => b.slice()));
      for (let step = 1; step <= (cfg.kind === 6 ? 8 : 4); step++) {
        const g = mk();
        const h = { ...base, ...cfg, step };
        // Where g + weightDecay * p cancels to a few ulps the decayed gradient has no digits left,
        // and the AVX2 set's fused multiply-add and the portable set's two roundings rightly differ
        // (RMSprop divides by its own tiny size and amplifies that): the data keeps clear of it.
        g.forEach((gt, t) => gt.forEach((v, i) => {
          if (Math.abs((h.maximize ? -v : v) + h.weightDecay * pn[t][i]) < 1e-3 * Math.abs(v)) gt[i] = v + 1e-2;
        }));
        nat.optimStep(h, pn, g, sn[0], sn[1], sn[2]);
        ref.optimStep(h, pr, g, sr[0], sr[1], sr[2]);
      }
      // float32 against double arithmetic. The absolute part scales with the tensor's largest value:
      // a momentum buffer sums terms of either sign up to ~30 (RMSprop's g / sqrt(v)), and where they
      // cancel to ~0.02 the float rounding of the terms (a few ulp of 30, ~1e-5) is all that is left
      // (native against a float32 emulation of the formula: the same 1.5e-5).
      const tol = (want: Float32Array) => ({ rtol: 1e-4, atol: 1e-5 * want.reduce((m, v) => Math.max(m, Math.abs(v)), 1) });
      pn.forEach((p, i) => expectClose(p, pr[i], tol(pr[i]), `param ${i}`));
      sn.forEach((s, k) => s.forEach((b, i) => expectClose(b, sr[k][i], tol(sr[k][i]), `state ${k} of param ${i}`)));
    });
  }

  it('layerNorm and layerNormGrad: every edge size, with and without weight and bias, constant rows, the same bits at 1-3 threads', () => {
    const threadsBefore = bp.getNumThreads();
    try {
      const shapes: [number, number][] = EDGE_SIZES.map((s, i) => [EDGE_SIZES[(i + 3) % 8], s]);
      shapes.push([300, 700], [2, 100000]);
      for (const [rows, cols] of shapes) {
        for (const affine of [true, false]) {
          const x = randomArray(rows * cols, r, -3, 3);
          x.fill(1.5, 0, cols); // a constant row: variance 0
          const w = affine ? randomArray(cols, r) : null;
          const b = affine ? randomArray(cols, r) : null;
          const gy = randomArray(rows * cols, r);
          const run = (be: Backend) => {
            const y = new Float32Array(rows * cols), mean = new Float32Array(rows), rstd = new Float32Array(rows);
            be.layerNorm(x, rows, cols, w, b, 1e-5, y, mean, rstd);
            const gx = new Float32Array(rows * cols);
            const gw = affine ? new Float32Array(cols).fill(7) : null;
            const gb = affine ? new Float32Array(cols).fill(7) : null;
            be.layerNormGrad(gy, x, rows, cols, w, mean, rstd, gx, gw, gb);
            return { y, mean, rstd, gx, gw, gb };
          };
          const want = run(ref);
          const what = `[${rows}, ${cols}] affine ${affine}`;
          const sums = { rtol: 1e-4, atol: 1e-5 * Math.sqrt(rows) };
          // The reference adds a row's squares one after another in float: over 100000 columns its
          // rstd is ~1e-5 off (relative), which y = xhat w + b carries at |xhat w| (up to ~4) even
          // where b cancels y to near 0 (a run with other data failed at 1.07e-5 on y = -0.0024).
          const yTol = { rtol: 1e-4, atol: 1e-5 * Math.max(1, cols / 10000) };
          expectNormLikeReference(run, want, {
            mean: { rtol: 1e-5, atol: 1e-6 }, rstd: { rtol: 1e-4, atol: 1e-6 }, y: yTol, gx: { rtol: 1e-4, atol: 2e-5 },
            gw: sums, gb: sums,
          }, what);
        }
      }
      const f = (n: number) => new Float32Array(n);
      expect(() => nat.layerNorm(f(6), 2, 3, null, null, 0, f(6), f(2), f(2))).toThrow(/layerNorm: eps must be positive, got 0/);
      expect(() => nat.layerNorm(f(6), 2, 3, f(4), null, 1e-5, f(6), f(2), f(2))).toThrow(/layerNorm: w has 4 elements, expected 3/);
      expect(() => nat.layerNormGrad(f(6), f(6), 2, 3, null, f(2), f(1), f(6), null, null))
        .toThrow(/layerNormGrad: rstd has 1 elements, expected 2/);
    } finally {
      bp.setNumThreads(threadsBefore);
    }
  });

  it('batchNorm and batchNormGrad: [n, c] and [n, c, l], every edge size, batch or given statistics, affine or not, bits at 1-3 threads', () => {
    const threadsBefore = bp.getNumThreads();
    try {
      const shapes: [number, number, number][] = EDGE_SIZES.map((s, i) => [EDGE_SIZES[(i + 3) % 8], s, i % 2 ? 1 : EDGE_SIZES[(i + 5) % 8]]);
      // Past column_sums' two-million-element line (threaded blocks of rows), with l = 1 and l > 1, and an l
      // longer than a block.
      shapes.push([300, 700, 1], [2100, 1000, 1], [256, 3, 2800], [8, 65, 300], [2, 3, 40000]);
      for (const [n, c, l] of shapes) {
        const size = n * c * l;
        const kinds = size > 1e6 ? [[true, true]] : [[true, true], [false, true], [true, false], [false, false]];
        for (const [affine, batchStats] of kinds) {
          // Values around 3 (the mean matters), and channel 0 constant when n * l > 1 (variance 0).
          const x = randomArray(size, r, 1, 5);
          for (let i = 0; i < n; i++) x.fill(2.5, i * c * l, i * c * l + l);
          const w = affine ? randomArray(c, r) : null;
          const b = affine ? randomArray(c, r) : null;
          const gy = randomArray(size, r);
          const givenMean = randomArray(c, r, 2, 4);
          const givenVar = randomArray(c, r, 0.5, 2);
          const run = (be: Backend) => {
            const y = new Float32Array(size), mean = batchStats ? new Float32Array(c) : givenMean.slice();
            const variance = batchStats ? new Float32Array(c) : givenVar.slice(), rstd = new Float32Array(c);
            be.batchNorm(x, n, c, l, w, b, 1e-5, batchStats, y, mean, variance, rstd);
            const gx = new Float32Array(size).fill(7);
            const gw = affine ? new Float32Array(c).fill(7) : null;
            const gb = affine ? new Float32Array(c).fill(7) : null;
            be.batchNormGrad(gy, x, n, c, l, w, mean, rstd, batchStats, gx, gw, gb);
            return { y, mean, variance, rstd, gx, gw, gb };
          };
          const want = run(ref);
          const what = `[${n}, ${c}, ${l}] affine ${affine} batchStats ${batchStats}`;
          const count = n * l;
          const sums = { rtol: 1e-4, atol: 1e-5 * Math.sqrt(count) };
          expectNormLikeReference(run, want, {
            mean: { rtol: 1e-5, atol: 1e-6 }, variance: { rtol: 1e-4, atol: 1e-6 }, rstd: { rtol: 1e-4, atol: 1e-6 }, y: { rtol: 1e-4, atol: 1e-5 },
            gx: { rtol: 1e-4, atol: 2e-5 }, gw: sums, gb: sums,
          }, what);
          if (batchStats && count > 1) {
            expect(want.variance[0], `the constant channel's variance ${what}`).toBe(0);
            // Normalized by the batch's own statistics, each channel of y has mean shift and variance scale^2.
            const k = c - 1;
            let s = 0;
            let s2 = 0;
            for (let i = 0; i < n; i++) for (let j = 0; j < l; j++) s += want.y[(i * c + k) * l + j];
            const m = s / count;
            for (let i = 0; i < n; i++) for (let j = 0; j < l; j++) s2 += (want.y[(i * c + k) * l + j] - m) ** 2;
            expect(m, `mean of y's last channel ${what}`).toBeCloseTo(b ? b[k] : 0, 4);
            if (count > 8 && c > 1) expect(s2 / count, `variance of y's last channel ${what}`).toBeCloseTo((w ? w[k] : 1) ** 2, 2);
          }
        }
      }
      const f = (n: number) => new Float32Array(n);
      expect(() => nat.batchNorm(f(6), 2, 3, 1, null, null, 0, true, f(6), f(3), f(3), f(3))).toThrow(/batchNorm: eps must be positive, got 0/);
      expect(() => nat.batchNorm(f(6), 2, 3, 1, f(4), null, 1e-5, true, f(6), f(3), f(3), f(3))).toThrow(/batchNorm: w has 4 elements, expected 3/);
      expect(() => nat.batchNorm(f(12), 2, 3, 2, null, null, 1e-5, true, f(6), f(3), f(3), f(3))).toThrow(/batchNorm: y has 6 elements, expected 12/);
      const xy = f(12);
      expect(() => nat.batchNorm(xy.subarray(0, 6), 2, 3, 1, null, null, 1e-5, true, xy.subarray(3, 9), f(3), f(3), f(3)))
        .toThrow(/batchNorm: y must not overlap x/);
      expect(() => nat.batchNormGrad(xy.subarray(0, 6), f(6), 2, 3, 1, null, f(3), f(3), true, xy.subarray(5, 11), null, null))
        .toThrow(/batchNormGrad: gx must not overlap gy or x/);
      expect(() => nat.batchNormGrad(f(6), f(6), 2, 3, 1, null, f(3), f(2), true, f(6), null, null))
        .toThrow(/batchNormGrad: rstd has 2 elements, expected 3/);
      expect(() => nat.batchNorm(f(6), 2, 0, 3, null, null, 1e-5, true, f(6), f(3), f(3), f(3)))
        .toThrow(/batchNorm: argument 2 \(c\) must be an integer in \[1/);
    } finally {
      bp.setNumThreads(threadsBefore);
    }
  });

  it('dropoutMask: the reference\'s masks and generator words, bit for bit, at every edge size and rate, at 1 and 2 threads', () => {
    const threadsBefore = bp.getNumThreads();
    for (const [p, threads] of [0, 0.1, 0.5, 0.999, 1].flatMap((q) => [[q, 1], [q, 2]])) {
      bp.setNumThreads(threads); // 100003 draws are drawn in parts at 2 threads
      for (const n of [...EDGE_SIZES, 100003]) {
        const start = Uint32Array.of(0x9e3779b9, 12345, 0xdeadbeef, (n * 2654435761) >>> 0);
        const rn = start.slice();
        const rr = start.slice();
        const mn = new Float32Array(n).fill(NaN);
        const mr = new Float32Array(n).fill(NaN);
        nat.dropoutMask(mn, p, rn);
        ref.dropoutMask(mr, p, rr);
        expect(sameBits(mn, mr), `mask p ${p} n ${n}`).toBe(true);
        expect(Array.from(rn), `words after p ${p} n ${n}`).toEqual(Array.from(rr));
        if (p === 1) expect(Array.from(rn)).toEqual(Array.from(start)); // nothing drawn
      }
    }
    // A draw equal to the threshold keeps its element: p is a draw in the middle of the vector lanes'
    // stretches (draw 70001 of 100003) over 2^24, at 1 and 2 threads.
    const start = Uint32Array.of(11, 22, 33, 44);
    const walk = start.slice();
    let draw = 0;
    for (let i = 0; i <= 70001; i++) draw = nextU32(walk) >>> 8;
    for (const threads of [1, 2]) {
      bp.setNumThreads(threads);
      const [rn, rr] = [start.slice(), start.slice()];
      const [mn, mr] = [new Float32Array(100003), new Float32Array(100003)];
      nat.dropoutMask(mn, draw / 16777216, rn);
      ref.dropoutMask(mr, draw / 16777216, rr);
      expect(mr[70001]).toBeGreaterThan(0);
      expect(sameBits(mn, mr), `threshold draw, threads ${threads}`).toBe(true);
    }
    bp.setNumThreads(threadsBefore);
    expect(() => nat.dropoutMask(new Float32Array(4), 1.5, new Uint32Array(4))).toThrow(/dropoutMask: p must be in \[0, 1\], got 1.5/);
    expect(() => nat.dropoutMask(new Float32Array(4), 0.5, new Uint32Array(3))).toThrow(/dropoutMask: rng has 3 elements, expected 4/);
    const signed = new Int32Array(4) as unknown as Uint32Array;
    expect(() => nat.dropoutMask(new Float32Array(4), 0.5, signed)).toThrow(/dropoutMask: argument 2 \(rng\) must be a Uint32Array/);
  });

  it('uniformFill and normalFill: the reference\'s numbers, generator words and spare normal, bit for bit, at 1, 2 and 3 threads', () => {
    // The larger sizes are drawn in parts (threads, then 8 vector lanes), 3 threads cutting unevenly.
    const sizes = [0, ...EDGE_SIZES, 100003, 65536 + 33];
    const threadsBefore = bp.getNumThreads();
    try {
      for (const threads of [1, 2, 3]) {
        bp.setNumThreads(threads);
        for (const n of sizes) {
          const start = Uint32Array.of(0x9e3779b9, 12345 + threads, 0xdeadbeef, (n * 2654435761) >>> 0);
          const [rn, rr] = [start.slice(), start.slice()];
          const [un, ur] = [new Float32Array(n).fill(NaN), new Float32Array(n).fill(NaN)];
          nat.uniformFill(un, -0.25, 1.5, rn);
          ref.uniformFill(ur, -0.25, 1.5, rr);
          expect(sameBits(un, ur), `uniform n ${n} threads ${threads}`).toBe(true);
          expect(Array.from(rn), `words after uniform n ${n}`).toEqual(Array.from(rr));
          // With a spare normal pending and without; a standard one and a shifted, scaled one.
          for (const [mean, std, pending] of [[0, 1, NaN], [0.5, 0.02, -1.25], [-3, 7, NaN]]) {
            const [sn, sr] = [Float64Array.of(pending), Float64Array.of(pending)];
            const [zn, zr] = [new Float32Array(n).fill(NaN), new Float32Array(n).fill(NaN)];
            nat.normalFill(zn, mean, std, rn, sn);
            ref.normalFill(zr, mean, std, rr, sr);
            const what = `normal n ${n} mean ${mean} std ${std} spare ${pending} threads ${threads}`;
            expect(sameBits(zn, zr), what).toBe(true);
            expect(Array.from(rn), `words after ${what}`).toEqual(Array.from(rr));
            expect(Object.is(sn[0], sr[0]) || (Number.isNaN(sn[0]) && Number.isNaN(sr[0])), `spare after ${what}`).toBe(true);
          }
        }
      }
    } finally {
      bp.setNumThreads(threadsBefore);
    }
    // A pair whose first draw is 0 draws again (ln 0): words after which xoshiro128**'s next output
    // has its top 24 bits 0 are found by stepping the reference until it happens.
    const zeroFirst = wordsBeforeZeroDraw();
    const [rn, rr] = [zeroFirst.slice(), zeroFirst.slice()];
    const [zn, zr] = [new Float32Array(9), new Float32Array(9)];
    const [sn, sr] = [Float64Array.of(NaN), Float64Array.of(NaN)];
    nat.normalFill(zn, 0, 1, rn, sn);
    ref.normalFill(zr, 0, 1, rr, sr);
    expect(sameBits(zn, zr)).toBe(true);
    expect(Array.from(rn)).toEqual(Array.from(rr));
    expect(Array.from(zn).every(Number.isFinite)).toBe(true);
    const eleven = zeroFirst.slice(); // five pairs, ten draws, and the one drawn again
    for (let i = 0; i < 11; i++) nextU32(eleven);
    expect(Array.from(rr)).toEqual(Array.from(eleven));
  });

  it('normalFill draws again for a k of 0 deep in a fill that threads draw in parts (the pairs after it move by one draw)', () => {
    // Words whose draw 300000 (a k: pair 150000, in the third block of 65536 pairs) is 0.
    const at = 300_000;
    const s = Uint32Array.of(5, 6, 7, 8);
    let pos = 0;
    for (;;) {
      const zero = nextU32(s) >>> 8 === 0;
      pos++;
      if (zero && pos - 1 >= at) break;
    }
    const start = Uint32Array.of(5, 6, 7, 8);
    for (let i = 0; i < pos - 1 - at; i++) nextU32(start);
    const threadsBefore = bp.getNumThreads();
    try {
      for (const threads of [1, 2]) {
        bp.setNumThreads(threads);
        const [rn, rr] = [start.slice(), start.slice()];
        const [zn, zr] = [new Float32Array(400_001), new Float32Array(400_001)];
        const [sn, sr] = [Float64Array.of(NaN), Float64Array.of(NaN)];
        nat.normalFill(zn, 0, 1, rn, sn);
        ref.normalFill(zr, 0, 1, rr, sr);
        expect(sameBits(zn, zr), `threads ${threads}`).toBe(true);
        expect(Array.from(rn)).toEqual(Array.from(rr));
        expect(sn[0]).toBe(sr[0]);
        const after = start.slice(); // 200001 pairs, 400002 draws, and the one drawn again
        for (let i = 0; i < 400_003; i++) nextU32(after);
        expect(Array.from(rr)).toEqual(Array.from(after));
      }
    } finally {
      bp.setNumThreads(threadsBefore);
    }
  });

  it('the normal fill\'s radius, cosine and sine in double: lib/normal_math.ts\'s, bit for bit, for every one of the 2^24 draws', () => {
    // At the float32 outputs a changed rounding (a fused multiply-add, a reordered sum) shows in one
    // normal in millions at most; in double it shows at once.
    const addon = createRequire(__filename)(addonPath()) as {
      normalParts(k: Uint32Array, j: Uint32Array, radius: Float64Array, cos: Float64Array, sin: Float64Array): void;
    };
    const chunk = 1 << 20;
    const [k, j] = [new Uint32Array(chunk), new Uint32Array(chunk)];
    const [radius, cos, sin] = [new Float64Array(chunk), new Float64Array(chunk), new Float64Array(chunk)];
    const cs = new Float64Array(2);
    const bad: string[] = [];
    for (let start = 0; start < 1 << 24; start += chunk) {
      for (let i = 0; i < chunk; i++) {
        j[i] = start + i;
        k[i] = start + i === 0 ? 1 : start + i;
      }
      addon.normalParts(k, j, radius, cos, sin);
      for (let i = 0; i < chunk && bad.length < 5; i++) {
        cosSinDraw(j[i], cs);
        if (!Object.is(radius[i], radiusOf(k[i]))) bad.push(`radius of k ${k[i]}: ${radius[i]} vs ${radiusOf(k[i])}`);
        if (!Object.is(cos[i], cs[0]) || !Object.is(sin[i], cs[1])) bad.push(`cos, sin of j ${j[i]}: ${cos[i]}, ${sin[i]} vs ${cs[0]}, ${cs[1]}`);
      }
    }
    expect(bad).toEqual([]);
    // Lengths not a multiple of any vector width, and bad draws.
    for (const n of [1, 7, 9, 13]) {
      const kk = Uint32Array.from({ length: n }, (_, i) => 1 + i * 999_331);
      const jj = Uint32Array.from({ length: n }, (_, i) => 16_777_215 - i * 777_001);
      const [r, c, sn] = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
      addon.normalParts(kk, jj, r, c, sn);
      for (let i = 0; i < n; i++) {
        cosSinDraw(jj[i], cs);
        expect([r[i], c[i], sn[i]]).toEqual([radiusOf(kk[i]), cs[0], cs[1]]);
      }
    }
    const f = (n: number) => new Float64Array(n);
    expect(() => addon.normalParts(Uint32Array.of(0), Uint32Array.of(0), f(1), f(1), f(1))).toThrow(/normalParts: k\[0\] is 0, not in \[1, 2\^24\)/);
    expect(() => addon.normalParts(Uint32Array.of(1), Uint32Array.of(1 << 24), f(1), f(1), f(1))).toThrow(/normalParts: j\[0\] is 16777216/);
    expect(() => addon.normalParts(Uint32Array.of(1), Uint32Array.of(1), f(1), f(2), f(1))).toThrow(/normalParts: cos has 2 elements, k 1/);
  });

  it('uniformFill and normalFill name a bad generator or spare', () => {
    expect(() => nat.uniformFill(new Float32Array(4), 0, 1, new Uint32Array(3))).toThrow(/uniformFill: rng has 3 elements, expected 4/);
    expect(() => nat.normalFill(new Float32Array(4), 0, 1, new Uint32Array(5), new Float64Array(1))).toThrow(/normalFill: rng has 5 elements, expected 4/);
    const live = () => Uint32Array.of(1, 2, 3, 4);
    expect(() => nat.normalFill(new Float32Array(4), 0, 1, live(), new Float64Array(2))).toThrow(/normalFill: spare has 2 elements, expected 1/);
    const single = new Float32Array(1) as unknown as Float64Array;
    expect(() => nat.normalFill(new Float32Array(4), 0, 1, live(), single)).toThrow(/normalFill: argument 4 \(spare\) must be a Float64Array/);
    // The all-zero state, which xoshiro128** never leaves: normalFill drew again after each zero
    // draw and never returned; the others filled zeros. Both backends refuse it.
    for (const be of [nat, ref]) {
      expect(() => be.normalFill(new Float32Array(4), 0, 1, new Uint32Array(4), new Float64Array([NaN]))).toThrow(/^normalFill: rng is all zeros, a state the generator never leaves/);
      expect(() => be.uniformFill(new Float32Array(4), 0, 1, new Uint32Array(4))).toThrow(/^uniformFill: rng is all zeros/);
      expect(() => be.dropoutMask(new Float32Array(4), 0.5, new Uint32Array(4))).toThrow(/^dropoutMask: rng is all zeros/);
    }
    const words = Uint32Array.of(0, 0, 0, 1);
    nat.normalFill(new Float32Array(9), 0, 1, words, new Float64Array([NaN])); // one live word is enough
    expect(Array.from(words)).not.toEqual([0, 0, 0, 1]);
    const notNumber = 'a' as unknown as number;
    expect(() => nat.normalFill(new Float32Array(4), notNumber, 1, new Uint32Array(4), new Float64Array(1))).toThrow(/normalFill: argument 1 \(mean\) must be a number/);
  });

  it('sumSquares and sumAbs over many tensors', () => {
    const xs = [...EDGE_SIZES, 100000].map((n) => randomArray(n, r));
    expectClose(nat.sumSquares(xs), ref.sumSquares(xs), { rtol: 1e-9, atol: 0 }, 'sumSquares');
    expectClose(nat.sumAbs(xs), ref.sumAbs(xs), { rtol: 1e-9, atol: 0 }, 'sumAbs');
    expect([nat.sumSquares([]), nat.sumAbs([])]).toEqual([0, 0]);
  });

  it("sumSquares, sumAbs and sumProducts within a chunk: term i into double lane i mod 16, then the tree (l += l + 8, 4, 2, 1), bit for bit, at every tail length", () => {
    // The reference's sums are in order (compared within a tolerance above and below): this pins the
    // native lanes' exact order, which no length or kernel set may change.
    const model = (n: number, term: (i: number) => number) => {
      const lanes = new Float64Array(16);
      for (let i = 0; i < n; i++) lanes[i % 16] += term(i);
      for (let w = 8; w >= 1; w /= 2) for (let l = 0; l < w; l++) lanes[l] += lanes[l + w];
      return lanes[0];
    };
    for (const n of [1, 3, 4, 5, 7, 8, 9, 15, 16, 17, 20, 31, 32, 33, 63, 64, 65, 100, 1000, 16384]) {
      // Mixed scales, so that the order of the adds shows in the bits, and a -0.
      const x = Float32Array.from(randomArray(n, r), (v, i) => v * 2 ** ((i * 5) % 41 - 20));
      const y = Float32Array.from(randomArray(n, r), (v, i) => v * 2 ** ((i * 3) % 29 - 14));
      x[n >> 1] = -0;
      const cases: [string, number, number][] = [
        ['sumSquares', nat.sumSquares([x]), model(n, (i) => x[i] * x[i])],
        ['sumAbs', nat.sumAbs([x]), model(n, (i) => Math.abs(x[i]))],
        ['sumProducts', nat.sumProducts(x, y), model(n, (i) => x[i] * y[i])],
      ];
      for (const [name, got, want] of cases) expect(Object.is(got, want), `${name} of ${n}: ${got} against ${want}`).toBe(true);
    }
  });

  it('sumProducts: the reference\'s sum in double, the same bits at 1, 2 and 3 threads (chunks added in order)', () => {
    const threads = bp.getNumThreads();
    try {
      for (const n of [0, ...EDGE_SIZES, 16384, 16385, 100000]) {
        const x = randomArray(n, r), y = randomArray(n, r, -3, 3);
        const want = ref.sumProducts(x, y);
        let first: number | null = null;
        for (const t of [1, 2, 3]) {
          bp.setNumThreads(t);
          const got = nat.sumProducts(x, y);
          expectClose(got, want, { rtol: 1e-12, atol: 1e-12 }, `sumProducts of ${n} at ${t} threads`);
          if (first === null) first = got;
          else expect(Object.is(got, first), `sumProducts of ${n}: ${got} at ${t} threads, ${first} at one`).toBe(true);
        }
      }
    } finally {
      bp.setNumThreads(threads);
    }
  });

  it('maxPool3d: the reference\'s bits and offsets at every edge size as a depth, with depth strides, padding and dilation, at 1-3 threads', () => {
    // [d, kd, sd, pd, dd] with planes [n, c, h, w] and 2-d windows [kh, kw, sh, sw, ph, pw, dh, dw]; the
    // 2x2x2 windows at stride 2 inside the volume (the kernel's own loop) with even and odd sides.
    const cases: { depth: number[]; planes: number[]; windows: number[] }[] = [];
    EDGE_SIZES.forEach((s, i) => {
      const d = (s % 70) + 1;
      cases.push({ depth: [d, Math.min(3, d), 1 + (i % 3), i % 2, 1 + (i % 2)], planes: [2, 3, 5, 6], windows: [3, 2, 2, 1, 1, 0, 1, 2] });
      cases.push({ depth: [d + 1, 2, 2, 0, 1], planes: [1 + (i % 2), 2, 2 * (i % 4) + 2 + (i % 2), 7], windows: [2, 2, 2, 2, 0, 0, 1, 1] });
      cases.push({ depth: [d, 1, 1, 0, 1], planes: [2, 2, 4, 5], windows: [2, 2, 2, 2, 0, 0, 1, 1] });
    });
    cases.push({ depth: [16, 2, 2, 0, 1], planes: [8, 16, 16, 16], windows: [2, 2, 2, 2, 0, 0, 1, 1] });
    cases.push({ depth: [9, 3, 2, 1, 1], planes: [4, 8, 16, 16], windows: [3, 3, 2, 2, 1, 1, 1, 1] });
    const size = (len: number, k: number, st: number, p: number, dl: number) => Math.floor((len + 2 * p - dl * (k - 1) - 1) / st) + 1;
    let checked = 0;
    for (const { depth: [d, kd, sd, pd, dd], planes: [n, c, h, w], windows: [kh, kw, sh, sw, ph, pw, dh, dw] } of cases) {
      const [od, oh, ow] = [size(d, kd, sd, pd, dd), size(h, kh, sh, ph, dh), size(w, kw, sw, pw, dw)];
      if (od < 1 || oh < 1 || ow < 1) continue;
      const geom = Int32Array.of(n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
      const depthGeom = Int32Array.of(d, kd, sd, pd, dd, od);
      const what = `[${n}, ${c}, ${d}, ${h}, ${w}] kernel ${kd}x${kh}x${kw} stride ${sd}x${sh}x${sw} padding ${pd}x${ph}x${pw} dilation ${dd}x${dh}x${dw}`;
      // Ties, -inf and a NaN or two, for torch's rule.
      const x = Float32Array.from(randomArray(n * c * d * h * w, r), (v, i) => (i % 23 === 3 ? NaN : i % 13 === 5 ? -Infinity : Math.round(v * 4) / 4));
      const outs = n * c * od * oh * ow;
      const [pr, ir] = [new Float32Array(outs), new Int32Array(outs)];
      ref.maxPool3d(x, geom, depthGeom, pr, ir);
      for (const t of [1, 2, 3]) {
        bp.setNumThreads(t);
        const [pn, inn] = [new Float32Array(outs), new Int32Array(outs)];
        nat.maxPool3d(x, geom, depthGeom, pn, inn);
        expect(sameBits(pn, pr), `maxPool3d ${what} at ${t} threads`).toBe(true);
        expect(Array.from(inn), `maxPool3d indices ${what} at ${t} threads`).toEqual(Array.from(ir));
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('scatterFold: the reference\'s bits for set, sum, prod, amax and amin at every edge size, with duplicate positions, NaN, infinities and signed zeros; argument errors', () => {
    const specials = [NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30];
    for (const n of EDGE_SIZES) {
      for (const places of [1, 3, n, 4 * n]) {
        const src = Float32Array.from(randomArray(4 * n, r), (v, i) => (i % 11 === 3 ? specials[i % specials.length] : v));
        const where = Int32Array.from({ length: 4 * n }, () => Math.floor(r() * places));
        const start = Float32Array.from(randomArray(places, r), (v, i) => (i % 7 === 2 ? specials[(i * 3) % specials.length] : v));
        for (const [name, op] of Object.entries(ScatterFold)) {
          const [want, got] = [start.slice(), start.slice()];
          ref.scatterFold(src, where, op, want);
          nat.scatterFold(src, where, op, got);
          // (A NaN made here, 0 times infinity, has the sign bit the machine gives it.)
          expect(sameBitsButNaNs(got, want), `scatterFold ${name}: ${4 * n} values into ${places} places`).toBe(true);
        }
      }
    }
    // An extreme keeps the first of equal values: -0 and 0 tell which.
    for (const op of Object.values(ScatterFold)) {
      const [src, where] = [Float32Array.of(0, -0, 0, -0), Int32Array.of(0, 1, 2, 3)];
      const [want, got] = [Float32Array.of(-0, 0, -0, 0), Float32Array.of(-0, 0, -0, 0)];
      ref.scatterFold(src, where, op, want);
      nat.scatterFold(src, where, op, got);
      expect(sameBits(got, want), `scatterFold ${op} of signed zeros`).toBe(true);
    }
    const f = (n: number) => new Float32Array(n);
    expect(() => nat.scatterFold(f(3), Int32Array.of(0, 4, 1), ScatterFold.sum, f(4))).toThrow(/scatterFold: where\[1\] = 4 is not in \[0, 4\)/);
    expect(() => nat.scatterFold(f(3), Int32Array.of(0, -1, 1), ScatterFold.sum, f(4))).toThrow(/scatterFold: where\[1\] = -1 is not in \[0, 4\)/);
    expect(() => nat.scatterFold(f(2), Int32Array.of(0, 1, 1), ScatterFold.sum, f(4))).toThrow(/scatterFold: src has 2 elements, expected 3/);
    expect(() => nat.scatterFold(f(3), Int32Array.of(0, 1, 1), 5 as typeof ScatterFold.sum, f(4))).toThrow(/scatterFold: argument 2 \(op\) must be an integer in \[0, 4\]/);
    const shared = f(6);
    expect(() => nat.scatterFold(shared.subarray(0, 3), Int32Array.of(0, 1, 1), ScatterFold.sum, shared.subarray(2))).toThrow(/scatterFold: out \(argument 3\) shares memory with src/);
  });

  it('taps and tapsGrad: the reference\'s bits for 1 to 5 taps an output, one float or rows of every edge size, indices in any order and repeated, at 1-3 threads; argument errors', () => {
    const cases: [number, number, number, number, number][] = []; // [outer, len, inner, m, k]
    EDGE_SIZES.forEach((s, i) => {
      cases.push([1 + (i % 3), s, 1, EDGE_SIZES[(i + 3) % 8], 2], [2, s, 1, 2 * s, 4], [1 + (i % 2), Math.min(s, 65), EDGE_SIZES[(i + 5) % 8], 7, 1 + (i % 5)]);
      cases.push([3, 9, s, 5, 3], [5000, 4, 1, 8, 2]);
    });
    for (const [outer, len, inner, m, k] of cases) {
      const x = randomArray(outer * len * inner, r), gy = randomArray(outer * m * inner, r);
      // Mostly neighbours, as a resize's, with a stray index now and then; the weights with a zero and a -0.
      const index = Int32Array.from({ length: m * k }, (_, p) => (p % 11 === 7 ? Math.floor(r() * len) : Math.min(len - 1, Math.floor((Math.floor(p / k) * len) / m) + (p % k))));
      const weight = Float32Array.from(randomArray(m * k, r), (v, p) => (p % 13 === 4 ? 0 : p % 17 === 5 ? -0 : v));
      const [yr, gr] = [new Float32Array(outer * m * inner), new Float32Array(outer * len * inner)];
      ref.taps(x, outer, len, inner, index, weight, k, yr);
      ref.tapsGrad(gy, outer, len, inner, index, weight, k, gr);
      for (const t of [1, 2, 3]) {
        bp.setNumThreads(t);
        const [yn, gn] = [new Float32Array(yr.length).fill(NaN), new Float32Array(gr.length).fill(NaN)];
        nat.taps(x, outer, len, inner, index, weight, k, yn);
        nat.tapsGrad(gy, outer, len, inner, index, weight, k, gn);
        const what = `[${outer}, ${len}, ${inner}] to ${m} by ${k} taps at ${t} threads`;
        expect(sameBits(yn, yr), `taps ${what}`).toBe(true);
        expect(sameBits(gn, gr), `tapsGrad ${what}`).toBe(true);
      }
    }
    const f = (n: number) => new Float32Array(n);
    expect(() => nat.taps(f(6), 2, 3, 1, Int32Array.of(0, 3), f(2), 2, f(2))).toThrow(/taps: index\[1\] = 3 is out of range \[0, 3\)/);
    expect(() => nat.taps(f(6), 2, 3, 1, Int32Array.of(0, 1, 2), f(3), 2, f(2))).toThrow(/taps: index has 3 entries, not a multiple of k = 2/);
    expect(() => nat.taps(f(6), 2, 3, 1, Int32Array.of(0, 1), f(2), 0, f(2))).toThrow(/taps: argument 6 \(k\) must be an integer in \[1, /);
    expect(() => nat.tapsGrad(f(2), 2, 3, 1, Int32Array.of(0, 1), f(2), 2, f(5))).toThrow(/tapsGrad: gx has 5 elements, expected 6/);
    const shared = f(8);
    expect(() => nat.taps(shared.subarray(0, 6), 2, 3, 1, Int32Array.of(0, 1), f(2), 2, shared.subarray(5, 7))).toThrow(/taps: out \(argument 7\) shares memory with an input/);
  });

  it('avgPool and avgPoolGrad: the reference\'s bits for tiles of 2, 3 and 4, stride-1 runs, windows clipped by padding and ceil mode, adaptive windows divided by side, windows out of order, at every edge size, at 1-3 threads; argument errors', () => {
    type Sides = [SideWindows, SideWindows, SideWindows];
    const cases: { planes: number; sides: Sides; divide: 'bySide' | { override?: number } }[] = [];
    const one = wholeSide;
    EDGE_SIZES.forEach((s, i) => {
      const w = s, h = 1 + (i % 4);
      const slide = (n: number, k: number, st: number, p: number, ceil: boolean, include = true) => slidingWindows(n, outputSize(n, k, st, p, 1, ceil), k, st, p, include);
      for (const k of [2, 3, 4]) if (w >= k) cases.push({ planes: 3, sides: [one, slide(h + k, k, k, 0, false), slide(w, k, k, 0, false)], divide: {} });
      if (w >= 3) {
        cases.push({ planes: 2, sides: [one, slide(h + 2, 3, 1, 1, false), slide(w, 3, 1, 1, false)], divide: {} });
        cases.push({ planes: 2, sides: [one, slide(h + 2, 3, 2, 1, true, false), slide(w, 3, 2, 1, true, false)], divide: {} });
        cases.push({ planes: 2, sides: [slide(4, 2, 1, 1, false), slide(h + 2, 3, 1, 0, false), slide(w, 3, 1, 1, false, false)], divide: { override: -3 } });
      }
      cases.push({ planes: 2, sides: [one, adaptiveWindows(h + 3, 1 + (i % 3)), adaptiveWindows(w, 1 + ((5 * i) % 11))], divide: 'bySide' });
      cases.push({ planes: 2, sides: [adaptiveWindows(3, 2), adaptiveWindows(h, h + 2), adaptiveWindows(w, Math.max(1, w - 1))], divide: 'bySide' });
    });
    // Column windows out of order, one empty (the kernel's window-by-window spread), and planes past the threading grain.
    cases.push({ planes: 3, sides: [one, adaptiveWindows(5, 2), { size: 9, bounds: [4, 7, 0, 3, 2, 2, 1, 9, 8, 9], counts: [3, 3, 1, 8, 1] }], divide: {} });
    // A window before a stride-1 run ending where the run's first ends (adaptive upsampling repeats
    // ends): column 2 is not the run's alone. And adaptive upsampling itself, past the run's length.
    const run = Array.from({ length: 12 }, (_, j) => [j + 1, j + 3]).flat();
    cases.push({ planes: 2, sides: [one, wholeSide, { size: 14, bounds: [0, 3, ...run], counts: Array.from({ length: 13 }, () => 2) }], divide: {} });
    cases.push({ planes: 2, sides: [one, adaptiveWindows(3, 2), adaptiveWindows(300, 303)], divide: 'bySide' });
    cases.push({ planes: 64, sides: [one, slidingWindows(40, 20, 2, 2, 0, true), slidingWindows(40, 20, 2, 2, 0, true)], divide: {} });
    cases.push({ planes: 48, sides: [one, slidingWindows(40, 40, 3, 1, 1, true), slidingWindows(40, 40, 3, 1, 1, true)], divide: {} });
    for (const { planes, sides, divide } of cases) {
      const win = averageWindows(planes, sides, divide);
      const [volume, outs] = [planes * sides.reduce((p, q) => p * q.size, 1), planes * sides.reduce((p, q) => p * q.counts.length, 1)];
      const what = `${planes} planes, sides ${sides.map((q) => `${q.size} -> [${q.bounds.slice(0, 8).join(', ')}${q.bounds.length > 8 ? ', ...' : ''}]`).join('; ')}${divide === 'bySide' ? ' by side' : ''}`;
      // Zeros now and then (0, not -0, from a negative override), an infinity once.
      const x = Float32Array.from(randomArray(volume, r), (v, i) => (i % 17 === 4 ? 0 : i === 5 ? Infinity : v));
      const gy = Float32Array.from(randomArray(outs, r), (v, i) => (i % 13 === 2 ? 0 : v));
      const [yr, gr] = [new Float32Array(outs), new Float32Array(volume)];
      ref.avgPool(x, win.geom, win.bounds, win.divisor, yr);
      ref.avgPoolGrad(gy, win.geom, win.bounds, win.divisor, gr);
      for (const t of [1, 2, 3]) {
        bp.setNumThreads(t);
        const [yn, gn] = [new Float32Array(outs).fill(NaN), new Float32Array(volume).fill(NaN)];
        nat.avgPool(x, win.geom, win.bounds, win.divisor, yn);
        nat.avgPoolGrad(gy, win.geom, win.bounds, win.divisor, gn);
        expect(sameBits(yn, yr), `avgPool ${what} at ${t} threads`).toBe(true);
        expect(sameBits(gn, gr), `avgPoolGrad ${what} at ${t} threads`).toBe(true);
      }
    }
    const win = averageWindows(1, [wholeSide, adaptiveWindows(2, 1), adaptiveWindows(3, 2)], 'bySide');
    const f = (n: number) => new Float32Array(n);
    expect(() => nat.avgPool(f(6), win.geom, Int32Array.of(0, 1, 0, 2, 0, 2, 1, 4), win.divisor, f(2))).toThrow(/avgPool: bounds' column window 1 \[1, 4\) is not inside \[0, 3\)/);
    expect(() => nat.avgPool(f(6), win.geom, Int32Array.of(0, 1, 0, 2, 0, 2), win.divisor, f(2))).toThrow(/avgPool: bounds has 6 elements, expected 8/);
    expect(() => nat.avgPool(f(6), win.geom, win.bounds, f(3), f(2))).toThrow(/avgPool: divisor has 3 elements, expected 4/);
    expect(() => nat.avgPoolGrad(f(2), win.geom, win.bounds, win.divisor, f(5))).toThrow(/avgPoolGrad: gx has 5 elements, expected 6/);
    const x = f(8);
    expect(() => nat.avgPool(x.subarray(0, 6), win.geom, win.bounds, win.divisor, x.subarray(4, 6))).toThrow(/avgPool: out \(argument 4\) shares memory with an input/);
    expect(() => nat.avgPool(f(6), Int32Array.of(1, 1, 2, 3, 1, 1, 2, 2), win.bounds, win.divisor, f(2))).toThrow(/avgPool: geom's bySide must be 0 or 1, got 2/);
  });

  it('imageRows, imageColumns, their gradients and maxPool2d: the reference\'s bits at every edge size, stride, padding, dilation and channel range, at 1-3 threads', () => {
    // [n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw]: each edge size as a side, a channel count and a
    // batch; windows larger than the image with padding, strided and dilated; one past the threading grain.
    const shapes: number[][] = [[2, 3, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1], [3, 2, 7, 8, 2, 3, 2, 1, 1, 1, 2, 1],
      [8, 16, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1], [1, 3, 65, 63, 5, 4, 3, 2, 2, 2, 1, 3], [2, 3, 9, 11, 2, 5, 1, 2, 0, 1, 2, 1], [2, 2, 6, 7, 3, 1, 2, 1, 1, 0, 1, 1]];
    EDGE_SIZES.forEach((s, i) => {
      const t = EDGE_SIZES[(i + 3) % 8] % 11 + 1;
      shapes.push([1, 2, s, t, Math.min(3, s), 2, 1 + (i % 3), 1, i % 2, 1, 1, 1 + (i % 2)], [2, s % 70, 5, 6, 3, 3, 1, 2, 1, 0, 1, 1], [s % 9 + 1, 1, 4, 4, 2, 2, 2, 2, 1, 1, 1, 1]);
      // 2x2 windows at stride 2 inside the image (max pooling's own loop), even and odd sides.
      shapes.push([2, 3, s % 70 + 2, t + 1, 2, 2, 2, 2, 0, 0, 1, 1]);
      // Windows one row high at stride their width (max_pool1d's: max pooling's runs), 2 and 3 wide,
      // rows left over past the last window.
      shapes.push([2, 3, i % 3 + 1, 2 * s + (i % 2), 1, 2, 1, 2, 0, 0, 1, 1], [1, 2, 2, 3 * s + 2, 1, 3, 1, 3, 0, 0, 1, 1]);
    });
    shapes.push([8, 16, 32, 32, 2, 2, 2, 2, 0, 0, 1, 1]);
    // Wide windows (imageRowsGrad adds a window's run at a time from 16 columns): istft's frames of 400
    // samples 160 apart, overlapping windows padded past the stride, windows further apart than
    // their width, several rows and channels, the edge widths about 16, and a dilated one (not so added).
    shapes.push([1, 1, 1, 65936, 1, 400, 1, 160, 0, 0, 1, 1], [2, 2, 1, 300, 1, 40, 1, 7, 0, 13, 1, 1], [1, 1, 1, 200, 1, 16, 1, 20, 0, 3, 1, 1],
      [2, 3, 9, 70, 3, 17, 2, 5, 1, 8, 1, 1], [1, 2, 2, 90, 1, 15, 1, 4, 0, 2, 1, 1], [1, 1, 3, 129, 2, 65, 1, 9, 1, 64, 1, 1], [1, 1, 1, 120, 1, 20, 1, 3, 0, 4, 1, 2]);
    for (const [n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw] of shapes) {
      const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
      const ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
      if (oh < 1 || ow < 1) continue;
      const geom = Int32Array.of(n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
      const what = `[${n}, ${c}, ${h}, ${w}] kernel ${kh}x${kw} stride ${sh}x${sw} padding ${ph}x${pw} dilation ${dh}x${dw}`;
      // Ties and -inf for max pooling's rule; a NaN or two.
      const x = Float32Array.from(randomArray(n * c * h * w, r), (v, i) => (i % 17 === 3 ? NaN : i % 13 === 5 ? -Infinity : Math.round(v * 4) / 4));
      for (const [c0, cg] of [[0, c], [Math.floor(c / 2), c - Math.floor(c / 2)]]) {
        const len = n * oh * ow * cg * kh * kw;
        const want = new Float32Array(len);
        ref.imageRows(x, geom, c0, cg, -0.5, want);
        const start = randomArray(n * c * h * w, r); // the channels outside [c0, c0 + cg) stay as they were
        const gy = randomArray(len, r);
        const gxWant = start.slice();
        ref.imageRowsGrad(gy, geom, c0, cg, gxWant);
        // The same windows as columns (each image's block [cg kh kw, oh ow]): the rows transposed
        // image by image, 0 for the padding; their gradient the rows' bits.
        const toColumns = (rows: Float32Array) => {
          const cols = new Float32Array(len), depth = cg * kh * kw, plane = oh * ow;
          for (let b = 0; b < n; b++) for (let p = 0; p < plane; p++) for (let e = 0; e < depth; e++) cols[(b * depth + e) * plane + p] = rows[(b * plane + p) * depth + e];
          return cols;
        };
        const colsWant = new Float32Array(len);
        ref.imageColumns(x, geom, c0, cg, colsWant);
        const zeroPadded = new Float32Array(len);
        ref.imageRows(x, geom, c0, cg, 0, zeroPadded);
        expect(sameBits(colsWant, toColumns(zeroPadded)), `imageColumns ${what}: the rows transposed`).toBe(true);
        const gyCols = toColumns(gy);
        const gxColsWant = start.slice();
        ref.imageColumnsGrad(gyCols, geom, c0, cg, gxColsWant);
        expect(sameBits(gxColsWant, gxWant), `imageColumnsGrad ${what}: imageRowsGrad's bits`).toBe(true);
        for (const t of [1, 2, 3]) {
          bp.setNumThreads(t);
          const got = new Float32Array(len);
          nat.imageRows(x, geom, c0, cg, -0.5, got);
          expect(sameBits(got, want), `imageRows ${what} channels ${c0}+${cg} at ${t} threads`).toBe(true);
          const gx = start.slice();
          nat.imageRowsGrad(gy, geom, c0, cg, gx);
          expect(sameBits(gx, gxWant), `imageRowsGrad ${what} channels ${c0}+${cg} at ${t} threads`).toBe(true);
          const cols = new Float32Array(len).fill(NaN);
          nat.imageColumns(x, geom, c0, cg, cols);
          expect(sameBits(cols, colsWant), `imageColumns ${what} channels ${c0}+${cg} at ${t} threads`).toBe(true);
          const gxc = start.slice();
          nat.imageColumnsGrad(gyCols, geom, c0, cg, gxc);
          expect(sameBits(gxc, gxWant), `imageColumnsGrad ${what} channels ${c0}+${cg} at ${t} threads`).toBe(true);
        }
      }
      const outs = n * c * oh * ow;
      const [pr, ir] = [new Float32Array(outs), new Int32Array(outs)];
      ref.maxPool2d(x, geom, pr, ir);
      for (const t of [1, 2, 3]) {
        bp.setNumThreads(t);
        const [pn, inn] = [new Float32Array(outs), new Int32Array(outs)];
        nat.maxPool2d(x, geom, pn, inn);
        expect(sameBits(pn, pr), `maxPool2d ${what} at ${t} threads`).toBe(true);
        expect(Array.from(inn), `maxPool2d indices ${what} at ${t} threads`).toEqual(Array.from(ir));
      }
    }
    // A kernel far wider than the image (the addon takes any such geometry): only the
    // elements inside are visited, at once (it looped over all 2^30 before).
    const wide = Int32Array.of(1, 64, 3, 2, 2, 2 ** 30, 1, 1, 1, 2 ** 29, 1, 1, 8, 1);
    const img = randomArray(64 * 6, r);
    const [wn, wr] = [new Float32Array(512), new Float32Array(512)];
    const [jn, jr] = [new Int32Array(512), new Int32Array(512)];
    nat.maxPool2d(img, wide, wn, jn);
    ref.maxPool2d(img, wide, wr, jr);
    expect(sameBits(wn, wr) && Array.from(jn).join() === Array.from(jr).join(), `a kernel of 2^30: ${wn} ${jn} vs ${wr} ${jr}`).toBe(true);
    // imageRowsGrad likewise, with no output rows (empty rows): it only zeroes its planes.
    const noRows = Int32Array.of(1, 64, 3, 2, 2, 2 ** 30, 1, 1, 1, 2 ** 29, 1, 1, 0, 1);
    const [gn, gr] = [randomArray(64 * 6, r), randomArray(64 * 6, r)];
    nat.imageRowsGrad(new Float32Array(0), noRows, 0, 64, gn);
    ref.imageRowsGrad(new Float32Array(0), noRows, 0, 64, gr);
    expect(Array.from(gn).every((v) => v === 0) && sameBits(gn, gr), 'imageRowsGrad with a kernel of 2^30 and no rows').toBe(true);
    // imageColumns and its gradient likewise: nothing to write, and zeroed planes.
    nat.imageColumns(img, noRows, 0, 64, new Float32Array(0));
    ref.imageColumns(img, noRows, 0, 64, new Float32Array(0));
    const [cn, cr] = [randomArray(64 * 6, r), randomArray(64 * 6, r)];
    nat.imageColumnsGrad(new Float32Array(0), noRows, 0, 64, cn);
    ref.imageColumnsGrad(new Float32Array(0), noRows, 0, 64, cr);
    expect(Array.from(cn).every((v) => v === 0) && sameBits(cn, cr), 'imageColumnsGrad with a kernel of 2^30 and no rows').toBe(true);
    bp.setNumThreads(1);
  });

  it("gemmWindows: imageColumns then gemm's bits (the columns made as B is packed), B read either way round, A transposed or not, at 1-3 threads; the reference's values", () => {
    // [c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, m]: the edge sizes as output channels (m) and as
    // sides; strided, dilated and padded windows; depths past one K block (256) and positions past
    // one column block (2048: C2's 64 channels of 56 x 56, two blocks and K in three), tiny products
    // (every path but the tiles', where B is made whole first), and ones whose last micro-panel is short.
    const shapes: number[][] = [[64, 56, 56, 3, 3, 1, 1, 1, 1, 1, 1, 64], [3, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1, 5], [1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1],
      [40, 20, 21, 3, 3, 2, 1, 1, 2, 1, 2, 33], [7, 31, 33, 2, 3, 1, 2, 0, 1, 2, 1, 17], [30, 12, 12, 5, 5, 1, 1, 2, 2, 1, 1, 48], [2, 70, 3, 3, 1, 1, 1, 1, 0, 1, 1, 70],
      // Two rows of A over 4.7M floats of columns: made whole in a buffer freed after the product.
      [16, 180, 180, 3, 3, 1, 1, 1, 1, 1, 1, 2],
      // gemm_shifted's (B's rows read from the padded image): dilated with A transposed, unpadded
      // (the image itself), and output rows as wide as the image's (straight into C).
      [20, 30, 31, 3, 3, 1, 1, 1, 1, 2, 1, 33], [16, 20, 20, 3, 3, 1, 1, 0, 0, 1, 1, 24], [64, 10, 12, 3, 1, 1, 1, 1, 0, 1, 1, 16],
      // Output rows half a tile wide, two to a tile (16 for the AVX-512 set, 8 for the AVX2 set), an
      // odd count of them.
      [16, 15, 16, 3, 3, 1, 1, 1, 1, 1, 1, 20], [16, 7, 8, 3, 3, 1, 1, 1, 1, 1, 1, 24],
      // Padded output rows a whole number of tiles wide, one to a run straight into C (32 and 64 for
      // the AVX-512 set; those and 16 for the AVX2 set), A transposed in the second.
      [16, 9, 32, 3, 3, 1, 1, 1, 1, 1, 1, 24], [8, 6, 64, 3, 3, 1, 1, 1, 1, 1, 1, 33],
      // Such rows where wide padding makes a fifth of a run's windows wrap (taken for being whole tiles).
      [4, 8, 16, 7, 7, 1, 1, 3, 3, 1, 1, 16], [2, 5, 32, 9, 9, 1, 1, 4, 4, 1, 1, 8]];
    EDGE_SIZES.forEach((s, i) => {
      const side = EDGE_SIZES[(i + 3) % 8] % 40 + 2;
      shapes.push([1 + (i * 5) % 13, side, s % 67 + 3, 3, 2, 1 + (i % 2), 1, 1, i % 2, 1, 1 + (i % 3 === 0 ? 1 : 0), s]);
    });
    for (const [c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, m] of shapes) {
      const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1, ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
      expect(oh >= 1 && ow >= 1, `[${c}, ${h}, ${w}] has windows`).toBe(true);
      const geom = Int32Array.of(1, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
      const x = randomArray(c * h * w, r);
      for (const [c0, cg] of [[0, c], [Math.floor(c / 3), c - Math.floor(c / 3)]]) {
        if (cg === 0) continue;
        const depth = cg * kh * kw, plane = oh * ow;
        const cols = new Float32Array(depth * plane);
        nat.imageColumns(x, geom, c0, cg, cols);
        for (const tb of [false, true]) {
          // B is [depth, plane]; op(B) k x n is it or its transpose.
          const [k, n] = tb ? [plane, depth] : [depth, plane];
          const ta = m % 2 === 1;
          const a = randomArray(m * k, r), start = randomArray(m * n, r);
          const beta = c0 === 0 ? 0 : 0.5;
          const what = `gemmWindows [${c}, ${h}, ${w}] kernel ${kh}x${kw} stride ${sh}x${sw} padding ${ph}x${pw} dilation ${dh}x${dw} channels ${c0}+${cg}, ${m}x${n}x${k} ta=${ta} tb=${tb}`;
          bp.setNumThreads(1);
          const want = start.slice();
          nat.gemm(ta, tb, m, n, k, 0.75, a, cols, beta, want, null, 0);
          for (const t of [1, 2, 3]) {
            bp.setNumThreads(t);
            const got = start.slice();
            nat.gemmWindows(ta, tb, m, n, k, 0.75, a, x, geom, c0, cg, beta, got);
            expect(sameBits(got, want), `${what} at ${t} threads`).toBe(true);
          }
          if (m * n * k <= 1 << 22) {
            const refGot = start.slice();
            ref.gemmWindows(ta, tb, m, n, k, 0.75, a, x, geom, c0, cg, beta, refGot);
            expectClose(want, refGot, { rtol: 1e-4, atol: 3e-6 * k }, `${what}: the reference`);
          }
        }
      }
    }
    // Volumes ([c, d, h, w, kd, kh, kw, sd, pd, dd, m], stride 1 across the image, padding 1): the
    // windows in depth too, against the reference's columns through gemm; depths of one and edge sizes,
    // a depth stride and dilation, C2-sized work (K and positions past a block).
    const volumes: number[][] = [[16, 16, 16, 16, 3, 3, 3, 1, 1, 1, 32], [3, 5, 6, 7, 2, 3, 2, 2, 1, 2, 9], [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1],
      [8, 9, 8, 7, 3, 1, 3, 1, 0, 1, 65], [2, 7, 9, 8, 3, 3, 3, 3, 2, 1, 7], [5, 4, 10, 11, 1, 3, 3, 1, 0, 1, 8],
      [12, 9, 20, 21, 3, 3, 3, 2, 1, 2, 17], [8, 9, 20, 21, 3, 3, 3, 2, 1, 2, 40]];
    for (const [c, d, h, w, kd, kh, kw, sd, pd, dd, m] of volumes) {
      const od = Math.floor((d + 2 * pd - dd * (kd - 1) - 1) / sd) + 1, oh = h - kh + 3, ow = w - kw + 3;
      expect(od >= 1 && oh >= 1 && ow >= 1, `[${c}, ${d}, ${h}, ${w}] has windows`).toBe(true);
      const geom = Int32Array.of(1, c, h, w, kh, kw, 1, 1, 1, 1, 1, 1, oh, ow), dgeom = Int32Array.of(d, kd, sd, pd, dd, od);
      const x = randomArray(c * d * h * w, r);
      for (const [c0, cg] of [[0, c], [Math.floor(c / 2), c - Math.floor(c / 2)]]) {
        const depth = cg * kd * kh * kw, plane = od * oh * ow;
        const cols = new Float32Array(depth * plane);
        windowColumns(x, geom, dgeom, c0, cg, cols);
        for (const tb of [false, true]) {
          const [k, n] = tb ? [plane, depth] : [depth, plane];
          const ta = m % 2 === 1;
          const a = randomArray(m * k, r), start = randomArray(m * n, r);
          const what = `gemmWindows volume [${c}, ${d}, ${h}, ${w}] kernel ${kd}x${kh}x${kw} depth stride ${sd} padding ${pd} dilation ${dd} channels ${c0}+${cg}, ${m}x${n}x${k} ta=${ta} tb=${tb}`;
          bp.setNumThreads(1);
          const want = start.slice();
          nat.gemm(ta, tb, m, n, k, 1, a, cols, 0.5, want, null, 0);
          for (const t of [1, 2]) {
            bp.setNumThreads(t);
            const got = start.slice();
            nat.gemmWindows(ta, tb, m, n, k, 1, a, x, geom, c0, cg, 0.5, got, dgeom);
            expect(sameBits(got, want), `${what} at ${t} threads`).toBe(true);
          }
          if (m * n * k <= 1 << 22) {
            const refGot = start.slice();
            ref.gemmWindows(ta, tb, m, n, k, 1, a, x, geom, c0, cg, 0.5, refGot, dgeom);
            expectClose(want, refGot, { rtol: 1e-4, atol: 3e-6 * k }, `${what}: the reference`);
          }
        }
      }
    }
    bp.setNumThreads(1);
  });

  it("gridSample and its gradient: the reference's bits at every edge size, mode, padding mode and alignCorners, special points included, at 1-3 threads", () => {
    // [n, c, h, w, ho, wo]: each edge size as a side of the input and of the grid, and as channels.
    // Grids of many points per image too: the vector loops (forward and gradient; zeros and border
    // padding) take them eight at a time, the rest of each image's run and of each thread's part one
    // at a time.
    const shapes: number[][] = [[1, 1, 1, 1, 1, 1], [2, 3, 5, 4, 3, 6], [3, 2, 9, 17, 7, 33], [1, 4, 64, 65, 9, 63]];
    EDGE_SIZES.forEach((s, i) => {
      const t = EDGE_SIZES[(i + 3) % 8] % 11 + 1;
      shapes.push([1 + (i % 2), 2, s % 70 + 1, t, 3, 5], [2, 1, 4, 5, s % 70 + 1, t], [1, s, 3, 3, 2, 2]);
    });
    // Points inside, past the edges, on pixel centres and halves (nearest's ties), and NaN, infinities, 1e30.
    const special = [NaN, Infinity, -Infinity, 1e30, -1e30, 1, -1, 0, 0.5, -0.5, 1 / 3];
    for (const [n, c, h, w, ho, wo] of shapes) {
      const dims = Int32Array.of(n, c, h, w, ho, wo);
      const x = randomArray(n * c * h * w, r);
      const grid = Float32Array.from(randomArray(n * ho * wo * 2, r), (v, i) => (i % 13 === 4 ? special[i % special.length] : i % 5 === 1 ? Math.round(v * 8) / 8 : v * 1.6));
      const gy = randomArray(n * c * ho * wo, r);
      for (const mode of [0, 1]) {
        for (const padding of [0, 1, 2]) {
          for (const align of [false, true]) {
            const what = `gridSample [${dims}] mode ${mode} padding ${padding} align ${align}`;
            const [want, gxWant, ggWant] = [new Float32Array(n * c * ho * wo), new Float32Array(x.length), new Float32Array(grid.length)];
            ref.gridSample(x, grid, want, dims, mode, padding, align);
            ref.gridSampleGrad(gy, x, grid, dims, mode, padding, align, gxWant, ggWant);
            for (const t of [1, 2, 3]) {
              bp.setNumThreads(t);
              const [got, gx, gg] = [new Float32Array(want.length).fill(NaN), new Float32Array(x.length).fill(NaN), new Float32Array(grid.length).fill(NaN)];
              nat.gridSample(x, grid, got, dims, mode, padding, align);
              nat.gridSampleGrad(gy, x, grid, dims, mode, padding, align, gx, gg);
              expect(sameBits(got, want), `${what} at ${t} threads`).toBe(true);
              expect(sameBits(gx, gxWant), `${what}: gx at ${t} threads`).toBe(true);
              expect(sameBits(gg, ggWant), `${what}: ggrid at ${t} threads`).toBe(true);
            }
            // Either gradient alone gives the same bits.
            const [gxOnly, ggOnly] = [new Float32Array(x.length), new Float32Array(grid.length)];
            nat.gridSampleGrad(gy, x, grid, dims, mode, padding, align, gxOnly, null);
            nat.gridSampleGrad(gy, x, grid, dims, mode, padding, align, null, ggOnly);
            expect(sameBits(gxOnly, gxWant) && sameBits(ggOnly, ggWant), `${what}: one gradient at a time`).toBe(true);
          }
        }
      }
    }
    bp.setNumThreads(1);
  });

  it('fftRows and realFftRows: the reference\'s bits at every edge length and radix (4, 2, 3, 5, 7, larger primes, Bluestein; the real kernel at their doubles; four steps for long rows), forward and inverse, rows in vector lanes and one at a time, at 1-3 threads; fftRows in place', () => {
    // Long rows go in four steps (their columns, then rows, in the lanes): 2^16 (256 x 256), 3 * 2^15
    // and 80000 (splits off powers of two), 7^6 (343 x 343: groups of three lanes, out of four, in both
    // steps), a prime whose Bluestein convolution does, real rows whose half does.
    const long = { fftRows: [FOUR_STEP_FROM, 98304, 80000, 117649, 65537], realFftRows: [2 * FOUR_STEP_FROM, 2 * 65537] };
    for (const n of long.fftRows) expect(fourStepSplit(convolutionLength(n)), `${n} in four steps`).not.toBeNull();
    for (const n of long.realFftRows) expect(fourStepSplit(convolutionLength(n / 2)), `real ${n} in four steps`).not.toBeNull();
    const kernels = [
      { name: 'fftRows' as const, plan: fftPlan, rowIn: (n: number) => 2 * n, rowOut: (n: number) => 2 * n,
        lengths: [...EDGE_SIZES, 2, 3, 4, 5, 6, 11, 12, 13, 15, 25, 27, 30, 37, 49, 74, 77, 97, 121, 169, 360, 997, 1000, 1024, 1088, ...long.fftRows] },
      { name: 'realFftRows' as const, plan: realFftPlan, rowIn: (n: number, inverse: boolean) => (inverse ? n + 2 : n), rowOut: (n: number, inverse: boolean) => (inverse ? n : n + 2),
        lengths: [2, 4, 6, 8, 10, 14, 16, 18, 26, 64, 74, 126, 128, 130, 600, 1000, 1024, 1994, 2176, ...long.realFftRows] },
    ];
    for (const { name, plan: planOf, rowIn, rowOut, lengths } of kernels) {
      for (const n of lengths) {
        const plan = planOf(n);
        // Row counts that fill the lanes (two or four rows a vector) and leave one to three rows over;
        // long rows one and several (a row a thread).
        for (const count of n >= FOUR_STEP_FROM ? [1, 3] : n > 300 ? [1, 6] : [1, 3, 8, 13]) {
          for (const inverse of [false, true]) {
            const x = randomArray(count * rowIn(n, inverse), r);
            const want = new Float32Array(count * rowOut(n, inverse));
            ref[name](x, n, count, inverse, plan, want);
            for (const t of [1, 2, 3]) {
              bp.setNumThreads(t);
              const got = new Float32Array(want.length).fill(NaN);
              nat[name](x, n, count, inverse, plan, got);
              expect(sameBits(got, want), `${name}: n ${n}, ${count} rows, ${inverse ? 'inverse' : 'forward'}, ${t} threads`).toBe(true);
            }
            if (name === 'fftRows') {
              const inPlace = Float32Array.from(x);
              nat.fftRows(inPlace, n, count, inverse, plan, inPlace);
              expect(sameBits(inPlace, want), `n ${n}, ${count} rows in place`).toBe(true);
            }
          }
        }
      }
    }
    bp.setNumThreads(1);
  });

  it("realFftRows with bins-major blocks (stft's layout): the row-major bins turned round, block by block, and the native kernel the reference's bits, forward and inverse, at 1-3 threads", () => {
    for (const n of [2, 6, 8, 14, 16, 64, 126, 128, 130, 400, 1000, 1024, 2 * FOUR_STEP_FROM]) {
      const plan = realFftPlan(n), bins = n / 2 + 1;
      // Blocks that fill the lanes, leave rows over, are one row, and are the whole count.
      for (const [count, block] of n >= FOUR_STEP_FROM ? [[2, 1], [3, 3]] : [[1, 1], [3, 3], [8, 4], [13, 13], [12, 6], [9, 1], [65, 65]]) {
        for (const inverse of [false, true]) {
          const x = randomArray(count * (inverse ? n + 2 : n), r);
          // The layout: the bins of row-major rows, each block's [block, bins, 2] turned to [bins, block, 2].
          const turn = (rowMajor: Float32Array) => {
            const t = new Float32Array(rowMajor.length);
            for (let b = 0; b < count / block; b++) {
              for (let q = 0; q < block; q++) {
                for (let k = 0; k < bins; k++) {
                  const from = (b * block + q) * (n + 2) + 2 * k, to = b * block * (n + 2) + 2 * (k * block + q);
                  t[to] = rowMajor[from];
                  t[to + 1] = rowMajor[from + 1];
                }
              }
            }
            return t;
          };
          const want = new Float32Array(count * (inverse ? n : n + 2));
          if (inverse) {
            // The bins-major input read as the row-major rows it turns into.
            const rowMajor = new Float32Array(x.length);
            const turned = turn(Float32Array.from({ length: x.length }, (_, i) => i));
            turned.forEach((from, to) => { rowMajor[from] = x[to]; });
            ref.realFftRows(rowMajor, n, count, true, plan, want);
          } else {
            const rowMajor = new Float32Array(want.length);
            ref.realFftRows(x, n, count, false, plan, rowMajor);
            want.set(turn(rowMajor));
          }
          const refGot = new Float32Array(want.length).fill(NaN);
          ref.realFftRows(x, n, count, inverse, plan, refGot, block);
          const what = `n ${n}, ${count} rows in blocks of ${block}, ${inverse ? 'inverse' : 'forward'}`;
          expect(sameBits(refGot, want), `reference: ${what}`).toBe(true);
          for (const t of [1, 2, 3]) {
            bp.setNumThreads(t);
            const got = new Float32Array(want.length).fill(NaN);
            nat.realFftRows(x, n, count, inverse, plan, got, block);
            expect(sameBits(got, want), `native: ${what}, ${t} threads`).toBe(true);
          }
        }
      }
    }
    bp.setNumThreads(1);
    const plan = realFftPlan(6);
    expect(() => nat.realFftRows(new Float32Array(18), 6, 3, false, plan, new Float32Array(24), 2)).toThrow('realFftRows: block (2) must divide count (3)');
  });

  it("realFftRows over frames of one signal (stft's): rows hop apart, times a window, as the frames copied out and multiplied; the native kernel the reference's bits at 1-3 threads", () => {
    for (const n of [2, 8, 14, 64, 130, 400, 1024, 2 * FOUR_STEP_FROM]) {
      const plan = realFftPlan(n);
      const counts = n >= FOUR_STEP_FROM ? [1, 2] : [1, 3, 8, 13];
      // Frames overlapping (stft's hops), back to back, apart, and one sample apart.
      for (const hop of [Math.max(1, n >> 2), n, n + 3, 1]) {
        for (const count of counts) {
          const signal = randomArray((count - 1) * hop + n, r);
          for (const window of [null, randomArray(n, r)]) {
            for (const block of [0, count]) {
              const frames = new Float32Array(count * n);
              for (let f = 0; f < count; f++) for (let i = 0; i < n; i++) frames[f * n + i] = window ? Math.fround(signal[f * hop + i] * window[i]) : signal[f * hop + i];
              const want = new Float32Array(count * (n + 2));
              ref.realFftRows(frames, n, count, false, plan, want, block);
              const what = `n ${n}, ${count} frames ${hop} apart, ${window ? 'windowed' : 'no window'}, block ${block}`;
              const refGot = new Float32Array(want.length).fill(NaN);
              ref.realFftRows(signal, n, count, false, plan, refGot, block, hop, window);
              expect(sameBits(refGot, want), `reference: ${what}`).toBe(true);
              for (const t of [1, 2, 3]) {
                bp.setNumThreads(t);
                const got = new Float32Array(want.length).fill(NaN);
                nat.realFftRows(signal, n, count, false, plan, got, block, hop, window);
                expect(sameBits(got, want), `native: ${what}, ${t} threads`).toBe(true);
              }
            }
          }
        }
      }
    }
    bp.setNumThreads(1);
    const plan = realFftPlan(8), out = new Float32Array(30);
    expect(() => nat.realFftRows(new Float32Array(15), 8, 3, false, plan, out, 0, 4)).toThrow('realFftRows: x has 15 elements, expected 16');
    expect(() => nat.realFftRows(new Float32Array(30), 8, 3, true, plan, new Float32Array(24), 0, 4)).toThrow("realFftRows: hop and window are for the forward transform's frames, not the inverse");
    expect(() => nat.realFftRows(new Float32Array(16), 8, 3, false, plan, out, 0, 4, new Float32Array(7))).toThrow('realFftRows: window has 7 elements, expected 8');
  });

  it("the depthwise convolution's kernels: the reference's bits at every edge size, multiplier, stride, padding and dilation, at 1-3 threads", () => {
    // [n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, m]: each edge size as a side (rows past the
    // 8 partial sums' width, and shorter), kernels larger than the image, one past the threading grain.
    const shapes: number[][] = [[2, 3, 9, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 2], [3, 2, 7, 8, 2, 3, 2, 1, 1, 1, 2, 1, 3],
      [8, 32, 32, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1], [1, 3, 65, 63, 5, 4, 3, 2, 2, 2, 1, 3, 2], [2, 2, 4, 3, 6, 5, 1, 1, 3, 2, 1, 1, 1]];
    EDGE_SIZES.forEach((s, i) => {
      const t = EDGE_SIZES[(i + 3) % 8] % 11 + 1;
      shapes.push([1, 2, s, t, Math.min(3, s), 2, 1 + (i % 3), 1, i % 2, 1, 1, 1 + (i % 2), 1 + (i % 3)], [2, 3, 5, s % 70 + 1, 3, 3, 1, 2, 1, 0, 1, 1, 1]);
    });
    for (const [n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, m] of shapes) {
      const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
      const ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
      if (oh < 1 || ow < 1) continue;
      const geom = Int32Array.of(n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow);
      const what = `[${n}, ${c}, ${h}, ${w}] x ${m} kernel ${kh}x${kw} stride ${sh}x${sw} padding ${ph}x${pw} dilation ${dh}x${dw}`;
      const x = randomArray(n * c * h * w, r);
      const wt = randomArray(c * m * kh * kw, r);
      const gy = randomArray(n * c * m * oh * ow, r);
      const [yWant, gxWant, gwWant] = [new Float32Array(gy.length), new Float32Array(x.length), new Float32Array(wt.length)];
      ref.depthwiseConv2d(x, geom, m, wt, yWant);
      ref.depthwiseConv2dGradInput(gy, geom, m, wt, gxWant);
      ref.depthwiseConv2dGradWeight(gy, x, geom, m, gwWant);
      for (const threads of [1, 2, 3]) {
        bp.setNumThreads(threads);
        const [y, gx, gw] = [new Float32Array(gy.length), randomArray(x.length, r), randomArray(wt.length, r)];
        nat.depthwiseConv2d(x, geom, m, wt, y);
        nat.depthwiseConv2dGradInput(gy, geom, m, wt, gx);
        nat.depthwiseConv2dGradWeight(gy, x, geom, m, gw);
        expect(sameBits(y, yWant), `depthwiseConv2d ${what} at ${threads} threads`).toBe(true);
        expect(sameBits(gx, gxWant), `depthwiseConv2dGradInput ${what} at ${threads} threads`).toBe(true);
        expect(sameBits(gw, gwWant), `depthwiseConv2dGradWeight ${what} at ${threads} threads`).toBe(true);
      }
    }
    bp.setNumThreads(1);
  });

  it("the LSTM cell's kernels: values within the unary kernels' tolerance, c' and h' rounded as the reference from their gates, the backward's bits, at every edge size and 1-3 threads", () => {
    const r = rng(4242);
    const f = Math.fround;
    for (const h of EDGE_SIZES) {
      for (const rows of [1, 5]) {
        const n = rows * h;
        const what = `rows ${rows}, h ${h}`;
        // Gates past +-20 too: the sigmoids and tanhs saturate without NaN.
        const gates = randomArray(4 * n, r, -6, 6);
        if (n > 3) [gates[0], gates[1], gates[2]] = [40, -40, 0];
        const c = randomArray(n, r, -2, 2);
        const [actW, cW, tW, hW] = [new Float32Array(4 * n), new Float32Array(n), new Float32Array(n), new Float32Array(n)];
        ref.lstmCell(gates, c, rows, h, actW, cW, tW, hW);
        const gh = randomArray(n, r), gc = randomArray(n, r);
        for (const threads of [1, 2, 3]) {
          bp.setNumThreads(threads);
          const [act, cn, t, hn] = [randomArray(4 * n, r), randomArray(n, r), randomArray(n, r), randomArray(n, r)];
          nat.lstmCell(gates, c, rows, h, act, cn, t, hn);
          expectClose(act, actW, { rtol: 2e-6, atol: 2e-7 }, `lstmCell act ${what}`);
          expectClose(hn, hW, { rtol: 1e-5, atol: 1e-6 }, `lstmCell h' ${what}`);
          // From the native gates, c' and h' are the reference's roundings exactly (no fused products).
          for (let b = 0; b < rows; b++) {
            for (let j = 0; j < h; j++) {
              const k = b * h + j, g = 4 * h * b;
              expect(cn[k], `c' ${what} [${k}]`).toBe(f(f(act[g + h + j] * c[k]) + f(act[g + j] * act[g + 2 * h + j])));
              expect(hn[k], `h' ${what} [${k}]`).toBe(f(act[g + 3 * h + j] * t[k]));
            }
          }
          expect(act.every(Number.isFinite) && hn.every(Number.isFinite), `finite ${what}`).toBe(true);
          const [gG, gcp, gGW, gcpW] = [randomArray(4 * n, r), randomArray(n, r), new Float32Array(4 * n), new Float32Array(n)];
          nat.lstmCellGrad(act, c, t, gh, gc, rows, h, gG, gcp);
          ref.lstmCellGrad(act, c, t, gh, gc, rows, h, gGW, gcpW);
          expect(sameBits(gG, gGW), `lstmCellGrad gates ${what} at ${threads} threads`).toBe(true);
          expect(sameBits(gcp, gcpW), `lstmCellGrad c ${what} at ${threads} threads`).toBe(true);
        }
      }
    }
    bp.setNumThreads(1);
  });

  it("the GRU cell's kernels: values within the unary kernels' tolerance, h' rounded as the reference from the gates, the backward's bits, at every edge size and 1-3 threads", () => {
    const r = rng(4343);
    const f = Math.fround;
    for (const h of EDGE_SIZES) {
      for (const rows of [1, 5]) {
        const n = rows * h;
        const what = `rows ${rows}, h ${h}`;
        const xp = randomArray(3 * n, r, -4, 4), hp = randomArray(3 * n, r, -4, 4);
        if (n > 3) [xp[0], hp[h], xp[2 * h]] = [40, -40, 30];
        const hPrev = randomArray(n, r, -1, 1);
        const [actW, hW] = [new Float32Array(3 * n), new Float32Array(n)];
        ref.gruCell(xp, hp, hPrev, rows, h, actW, hW);
        const gh = randomArray(n, r);
        for (const threads of [1, 2, 3]) {
          bp.setNumThreads(threads);
          const [act, hn] = [randomArray(3 * n, r), randomArray(n, r)];
          nat.gruCell(xp, hp, hPrev, rows, h, act, hn);
          // r and z against the reference's; n from the native r (xn + r hn may cancel, so a last-bit
          // difference in r shows large relative to n), then h' exactly from the native gates.
          const rz = (a: Float32Array) => a.filter((_, i) => i % (3 * h) < 2 * h);
          expectClose(rz(act), rz(actW), { rtol: 2e-6, atol: 2e-7 }, `gruCell r, z ${what}`);
          const nWant = new Float32Array(n), nGot = new Float32Array(n);
          for (let k = 0; k < n; k++) {
            const g = 3 * h * Math.floor(k / h), j = k % h;
            nGot[k] = act[g + 2 * h + j];
            nWant[k] = Math.tanh(f(xp[g + 2 * h + j] + f(act[g + j] * hp[g + 2 * h + j])));
          }
          expectClose(nGot, nWant, { rtol: 2e-6, atol: 2e-7 }, `gruCell n ${what}`);
          for (let k = 0; k < n; k++) {
            const g = 3 * h * Math.floor(k / h), j = k % h;
            expect(hn[k], `h' ${what} [${k}]`).toBe(f(f(f(hPrev[k] - act[g + 2 * h + j]) * act[g + h + j]) + act[g + 2 * h + j]));
          }
          expect(act.every(Number.isFinite) && hn.every(Number.isFinite), `finite ${what}`).toBe(true);
          const [gx, gp, ghp] = [randomArray(3 * n, r), randomArray(3 * n, r), randomArray(n, r)];
          const [gxW, gpW, ghpW] = [new Float32Array(3 * n), new Float32Array(3 * n), new Float32Array(n)];
          nat.gruCellGrad(act, hp, hPrev, gh, rows, h, gx, gp, ghp);
          ref.gruCellGrad(act, hp, hPrev, gh, rows, h, gxW, gpW, ghpW);
          expect(sameBits(gx, gxW) && sameBits(gp, gpW) && sameBits(ghp, ghpW), `gruCellGrad ${what} at ${threads} threads`).toBe(true);
        }
      }
    }
    bp.setNumThreads(1);
  });

  it('the native backend implements every kernel of the contract', () => {
    for (const k of Object.keys(ref) as (keyof Backend)[]) if (k !== 'name') expect(typeof nat[k], k).toBe('function');
  });
});
