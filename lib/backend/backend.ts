// The kernel contract: the single seam between ops and the two backends (reference TS, native addon).
// A flat table of named kernels. Every kernel reads and writes caller-owned Float32Arrays (zero
// copy); none allocates its output. Both backends implement every kernel with this argument order.

/** Element-wise unary functions; the same codes select a GEMM epilogue activation. */
export const Unary = {
  identity: 0,
  neg: 1,
  exp: 2,
  log: 3,
  sqrt: 4,
  abs: 5,
  relu: 6,
  sigmoid: 7,
  tanh: 8,
  gelu: 9,
  leakyRelu: 10, // p = negative slope
  elu: 11, // p = alpha
  powScalar: 12, // p = exponent
  scale: 13, // p = factor
  addScalar: 14, // p = addend
  sign: 15,
  log1p: 16,
  rsubScalar: 17, // p - x
  rdivScalar: 18, // p / x as torch computes it: (1 / x) * p
  clampAbs: 19, // clamp to [-p, p]
  silu: 20, // x sigmoid(x)
  divScalar: 21, // x / p
  clampMin: 22, // max(x, p), NaN kept
  clampMax: 23, // min(x, p), NaN kept
  softplus: 24, // log1p(e ** x), x itself above p (torch's softplus, beta 1, threshold p)
  // x itself; as a gradient, gy where x == y: with y = clamp(x, lo, hi), lo <= hi, where clamp kept x
  // (torch's lo <= x <= hi, NaN excluded), one pass where clampMin's and clampMax's take two.
  clampKept: 25,
  // Rounding, gradient 0 (torch's zeros), as torch: floor, ceil, half to even, toward zero.
  floor: 26,
  ceil: 27,
  round: 28,
  trunc: 29,
  frac: 30, // x - trunc(x), gradient gy
  sin: 31, // gradient gy cos(x)
  cos: 32, // gradient gy (-sin(x))
  erf: 33, // gradient 2 / sqrt(pi) e^(-x^2) gy
  expm1: 34, // e^x - 1 without cancellation near 0; gradient gy (y + 1)
  log2: 35, // gradient gy / (x ln 2)
  log10: 36, // gradient gy / (x ln 10)
  erfc: 37, // 1 - erf(x) without cancellation for large x; gradient -2 / sqrt(pi) e^(-x^2) gy
  // The trigonometric and hyperbolic rest, each gradient as torch's derivatives.yaml writes it.
  tan: 38, // gy (1 + y^2)
  atan: 39, // gy / (x x + 1)
  asin: 40, // gy rsqrt(1 - x x)
  acos: 41, // gy (-rsqrt(1 - x x))
  sinh: 42, // gy cosh(x)
  cosh: 43, // gy sinh(x)
  asinh: 44, // gy rsqrt(x^2 + 1)
  acosh: 45, // gy rsqrt(x^2 - 1)
  atanh: 46, // gy / (1 - x^2)
  // MobileNetV3's and YOLO's activations, each as torch's kernel rounds it.
  hardswish: 47, // (x min(max(x + 3, 0), 6)) / 6; gradient 0 below -3, gy from 3 on, gy (x / 3 + 1/2) between
  hardsigmoid: 48, // min(max(x + 3, 0), 6) / 6; gradient gy / 6 strictly inside (-3, 3), else 0
  mish: 49, // x tanh(log1p(e^x)); gradient gy (t + x s (1 - t^2)), t = tanh(softplus(x)), s = sigmoid(x)
  hardshrink: 50, // x outside [-p, p], else 0; gradient gy there (NaN: x and gy)
  softshrink: 51, // x - p above p, x + p below -p, else 0; gradient gy outside [-p, p]
  logsigmoid: 52, // min(x, 0) - log1p(e^-|x|); gradient gy (1 - q) for x < 0, gy q otherwise, q = z / (1 + z), z = e^-|x|
  selu: 53, // scale x above 0, expm1(x) (alpha scale) at and below (torch's constants as floats); gradient gy scale, (gy alpha scale) e^x
  celu: 54, // x above 0, p expm1(x / p) at and below (p = alpha, 1 / p a float); gradient gy, ((gy / p) p) e^(x / p)
  // The losses of a difference d, element by element (torch's kernels): p is beta, delta.
  smoothL1: 55, // |d| < p ? (0.5 |d| |d|) / p : |d| - 0.5 p; gradient gy times -1 at and below -p, 1 at and past p, d / p between
  huber: 56, // |d| < p ? 0.5 |d| |d| : p (|d| - 0.5 p); gradient gy times d clamped to [-p, p]
  // torch.signbit (the float's sign bit, NaNs' too) and nan_to_num's NaN step, each one pass.
  signbit: 57, // 1 where the sign bit is set, else 0; gradient 0
  nanTo: 58, // p where x is NaN, else x; gradient gy where x is a number, 0 at NaN
} as const;
export type UnaryCode = (typeof Unary)[keyof typeof Unary];

/** SELU's scale as torch's kernel takes it (Unary.selu): a float. */
export const SELU_SCALE = Math.fround(1.0507009873554804934193349852946);
/** SELU's factor below 0: alpha as a float times the scale, rounded. */
export const SELU_NEG = Math.fround(Math.fround(1.6732632423543772848170429916717) * SELU_SCALE);

/** Element-wise binary functions with broadcasting. */
export const Binary = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  pow: 4,
  bce: 5, // -(t log x + (1-t) log(1-x)), logs clamped at -100 as PyTorch does
  bceGrad: 6, // (x - t) / max(x (1 - x), 1e-12)
  bceLogits: 7, // max(x,0) - x t + log1p(exp(-|x|)), as x (1 - t) for x > 0
  bceLogitsGrad: 8, // sigmoid(x) - t
  maximum: 9,
  gtMask: 10, // 1 where a > b else 0
  geMask: 11, // 1 where a >= b
  ltMask: 12, // 1 where a < b
  leMask: 13, // 1 where a <= b
  eqMask: 14, // 1 where a == b (NaN equals nothing)
  neMask: 15, // 1 where a != b
  minimum: 16, // NaN if either is
  keepWhere: 17, // a where b != 0, else 0 (where's backward)
  dropWhere: 18, // 0 where b != 0, else a
  powGradBase: 19, // d(a ** b)/da: b * a ** (b - 1), 0 where b == 0
  powGradExponent: 20, // d(a ** b)/db: a ** b * log(a), 0 where a == 0 and b >= 0
  atan2: 21, // atan2(a, b): the angle of (b, a), in [-pi, pi]
  atan2Recip: 22, // 1 / (a^2 + b^2), each square rounded (atan2's backward)
  fmod: 23, // C's fmod: a - trunc(a / b) b, exactly, the sign of a
  remainder: 24, // Python's a % b as torch's: fmod, plus b where its sign is not b's
  floorDiv: 25, // torch's div(a, b, rounding_mode='floor') for floats (remainder's backward)
  logaddexp: 26, // log(e^a + e^b) as torch's: max(a, b) + log1p(e^-|a - b|), a where both are the same infinity
  logaddexpDenom: 27, // 1 + e^(b - a) (logaddexp's backward divides by it)
  hypot: 28, // sqrt(a^2 + b^2) without overflow (C's hypot)
} as const;
export type BinaryCode = (typeof Binary)[keyof typeof Binary];

/** torch's special functions of one float that the `special` kernel evaluates, in double, rounded once. */
export const Special = { lgamma: 0, digamma: 1, trigamma: 2, erfinv: 3, besselI0: 4, besselI1: 5 } as const;
export type SpecialCode = (typeof Special)[keyof typeof Special];

/** The three-operand element-wise functions of the pointwise3 kernel. */
export const Pointwise3 = { addcmul: 0, addcdiv: 1, lerpNear: 2, lerpFar: 3 } as const;
export type Pointwise3Code = (typeof Pointwise3)[keyof typeof Pointwise3];

/** Reductions along one dimension of an (outer, len, inner) view. */
export const Reduce = { sum: 0, mean: 1, max: 2, sumSquares: 3, min: 4 } as const;
export type ReduceCode = (typeof Reduce)[keyof typeof Reduce];

/** The folds of the runningFold kernel: cumsum's, cumprod's and logcumsumexp's. */
export const RunningFold = { sum: 0, product: 1, logAddExp: 2 } as const;
export type RunningFoldCode = (typeof RunningFold)[keyof typeof RunningFold];

/** How scatterFold folds a value into its place: torch.scatter's set (the last in order stays) and scatter_reduce's folds. */
export const ScatterFold = { set: 0, sum: 1, prod: 2, amax: 3, amin: 4 } as const;
export type ScatterFoldCode = (typeof ScatterFold)[keyof typeof ScatterFold];

/**
 * Hyperparameters of one fused optimizer step over many tensors.
 * kind: 0 SGD, 1 Adam / AdamW, 2 RMSprop, 3 Adagrad. Unused fields are ignored.
 */
/** The optimizer kinds as the kernels number them (native/src/kernels/optim_types.h OptimKind). */
export const OptimKind = { sgd: 0, adam: 1, rmsprop: 2, adagrad: 3, adamax: 4, nadam: 5, radam: 6, adadelta: 7, rprop: 8, asgd: 9 } as const;

export interface OptimHyper {
  kind: number; // OptimKind
  lr: number;
  weightDecay: number;
  momentum: number; // SGD, RMSprop
  dampening: number; // SGD
  nesterov: boolean; // SGD
  beta1: number; // Adam
  beta2: number; // Adam
  eps: number; // Adam, RMSprop, Adagrad
  amsgrad: boolean; // Adam
  decoupled: boolean; // AdamW: decay applied to the parameter, not the gradient
  alpha: number; // RMSprop smoothing
  centered: boolean; // RMSprop
  step: number; // 1-based step count after this update (Adam bias correction, Adagrad lr decay, SGD first step)
  lrDecay: number; // Adagrad
  maximize: boolean; // every kind: the gradient's sign flipped first (gradient ascent)
  momentumDecay: number; // NAdam
  muProduct: number; // NAdam: the float32 product of its momentum coefficients over the steps before this one
  rho: number; // Adadelta
  etaMinus: number; // Rprop: the step-size factors and bounds
  etaPlus: number;
  stepSizeMin: number;
  stepSizeMax: number;
  lambd: number; // ASGD: the decay term, the power of its step-size schedule, and the step the averaging starts after
  power: number;
  t0: number;
}

/**
 * The order in which OptimHyper travels to native code as one Float64Array (booleans as 0 / 1):
 * one typed array crosses the boundary instead of a property read per field. native/src/kernels/optim_types.h
 * reads the same order.
 */
export const HYPER_FIELDS = ['kind', 'lr', 'weightDecay', 'momentum', 'dampening', 'nesterov', 'beta1', 'beta2', 'eps',
  'amsgrad', 'decoupled', 'alpha', 'centered', 'step', 'lrDecay', 'maximize', 'momentumDecay', 'muProduct', 'rho', 'etaMinus',
  'etaPlus', 'stepSizeMin', 'stepSizeMax', 'lambd', 'power', 't0'] as const satisfies readonly (keyof OptimHyper)[];

/** OptimHyper packed in HYPER_FIELDS order (into `out` when given); a missing or mistyped field throws. */
export function packHyper(h: OptimHyper, out = new Float64Array(HYPER_FIELDS.length)): Float64Array {
  for (let i = 0; i < HYPER_FIELDS.length; i++) {
    const v = h[HYPER_FIELDS[i]];
    if (typeof v !== 'number' && typeof v !== 'boolean') throw new TypeError(`optimStep: argument 0 (hyper) field '${HYPER_FIELDS[i]}' must be a number or boolean, got ${typeof v}`);
    out[i] = Number(v);
  }
  return out;
}

/** One gemm call's arguments, in gemm's order (gate null and gateAct 0 for none). */
export type GemmArgs = [transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float32Array, b: Float32Array, beta: number, c: Float32Array, bias: Float32Array | null, act: number,
  gate: Float32Array | null, gateAct: number];

/**
 * Where eigh and svd write their results: Float32Arrays, or Float64Arrays (all of one call's) for the
 * results not rounded to float. Both backends compute them in double, in the same order; the parity
 * tests compare those doubles bit for bit, since rounding to float hides a reordering that moves a
 * double by an ulp.
 */
export type DecompositionOutput = Float32Array | Float64Array;

/**
 * The geometry of sliding windows over NCHW images, as the fourteen int32s of an imageRows or
 * maxPool2d call, in this order: batch n, channels c, height h, width w, kernel kh kw, stride sh sw,
 * padding ph pw (each side), dilation dh dw, output height oh and width ow. Window (i, j) covers rows
 * i sh - ph + u dh (u < kh) and columns j sw - pw + v dw (v < kw) of each plane.
 */
export const IMAGE_GEOMETRY = ['n', 'c', 'h', 'w', 'kh', 'kw', 'sh', 'sw', 'ph', 'pw', 'dh', 'dw', 'oh', 'ow'] as const;

/**
 * The depth of 3-D windows over NCDHW volumes, as the six int32s of a maxPool3d call beside an
 * IMAGE_GEOMETRY for height and width: depth d, kernel kd, stride sd, padding pd, dilation dd and
 * output depth od. Window t covers depths t sd - pd + s dd (s < kd).
 */
export const DEPTH_GEOMETRY = ['d', 'kd', 'sd', 'pd', 'dd', 'od'] as const;

/**
 * The windows of average pooling (avgPool, avgPoolGrad) as eight int32s, in this order: planes, the
 * input's depth d, height h and width w, the output's depth od, height oh and width ow, and bySide: 1
 * if the divisors are one per window of each side (adaptive pooling's sum / kd / kh / kw), 0 if one
 * per output position (avg_pool's). 1-D and 2-D pooling have depth 1 (and height 1).
 */
export const AVG_POOL_GEOMETRY = ['planes', 'd', 'h', 'w', 'od', 'oh', 'ow', 'bySide'] as const;

/** The kernels every backend provides. Shapes are passed as plain numbers or Int32Arrays. */
export interface Backend {
  readonly name: 'native' | 'reference';

  /**
   * C[m,n] = act(alpha * op(A) op(B) + beta * C + bias[n]); op(A) is [m,k] (A stored [k,m] when transA),
   * op(B) is [k,n] (B stored [n,k] when transB). bias may be null; act is a Unary code (0 = none).
   * When gate ([m,n], like C) is given, each element is then multiplied by the derivative of gateAct
   * (relu, sigmoid or tanh) read from gate, the activation's output: the backward of that activation
   * fused into the GEMM that makes its incoming gradient, as unaryGrad(gateAct, gate, gate, C, C) would.
   */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
    a: Float32Array, b: Float32Array, beta: number, c: Float32Array, bias: Float32Array | null, act: number,
    gate?: Float32Array | null, gateAct?: number): void;

  /**
   * Two independent products, each exactly as gemm computes it: a layer's input and weight
   * gradients. Neither may write memory that the other reads or writes (a RangeError on the native
   * backend). The native backend runs them at once, one per thread, when it has two threads and the
   * two are within 10% of each other's work.
   */
  gemmPair(first: GemmArgs, second: GemmArgs): void;

  /**
   * A chain of linear layers at inference, each act_l(h_l W_l^T + b_l) exactly as
   * gemm(false, true, rows, out_l, in_l, 1, h_l, W_l, 0, h_{l+1}, b_l, act_l) computes it, in one call:
   * params holds W_0, b_0, W_1, b_1, ... (a bias may be null), dims is in_0 then out_l and act_l for
   * each layer. The layers between write hiddenA, hiddenB, hiddenA, ... (each of at least rows times
   * the widest hidden layer's floats; null when no layer writes it) and the last writes y. Nothing
   * written may share memory with x, the parameters or another written array (a RangeError on the
   * native backend).
   */
  linearChain(rows: number, x: Float32Array, params: (Float32Array | null)[], dims: Int32Array,
    hiddenA: Float32Array | null, hiddenB: Float32Array | null, y: Float32Array): void;

  /**
   * A batch of products of one shape: c_i = op(a_i) op(b_i) for i < batch (alpha 1, beta 0), each
   * operand's matrices back to back (a_i at i m k, b_i at i k n, c_i at i m n); c may not overlap a
   * or b. Each product's bits are gemm's; the native backend cuts the batch across its threads.
   */
  gemmBatch(transA: boolean, transB: boolean, batch: number, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array): void;

  /**
   * Each of `count` n x n matrices at a (back to back, row-major) factored in place with partial
   * pivoting, P A = L U (LAPACK's getrf): L's unit diagonal is not stored. pivots[i n + j] is the row
   * (0-based, >= j) swapped with row j at step j; zeroAt[i] the first step of matrix i whose pivot was
   * exactly zero (a singular matrix), or -1.
   */
  luFactor(a: Float32Array, n: number, count: number, pivots: Int32Array, zeroAt: Int32Array): void;

  /**
   * A X = B solved in place in rhs (count blocks of n x k) from luFactor's factors and pivots of each A
   * (LAPACK's getrs); none of them may be singular (U's diagonal divides).
   */
  luSolve(lu: Float32Array, pivots: Int32Array, n: number, count: number, rhs: Float32Array, k: number): void;

  /**
   * T X = B solved in place in rhs (count blocks of n x k), T the upper (`upper`) or the lower
   * triangle of each of count n x n matrices at t, the other triangle not read, its diagonal taken
   * as ones when `unit` (LAPACK's trsm, from the left).
   */
  triSolve(t: Float32Array, n: number, count: number, upper: boolean, unit: boolean, rhs: Float32Array, k: number): void;

  /**
   * Each of count n x n matrices at a factored in place from its lower triangle, A = L L^T (LAPACK's
   * potrf): L on and below the diagonal, zeros above. info[i] is 0, or the order (1-based) of matrix
   * i's first leading minor that is not positive-definite (its factor then incomplete).
   */
  cholesky(a: Float32Array, n: number, count: number, info: Int32Array): void;

  /**
   * Each of count m x n matrices at a factored in place by Householder reflections (LAPACK's geqrf,
   * its layout: R on and above the diagonal, each reflector's vector below it), and Q's first qCols
   * columns (qCols <= m) written to q (count blocks of m x qCols; LAPACK's orgqr): A = Q R.
   */
  householderQr(a: Float32Array, m: number, n: number, count: number, q: Float32Array, qCols: number): void;
  /**
   * The unscaled DFT (inverse: its conjugate) of each of `count` rows of n complex numbers in x
   * (interleaved real and imaginary parts) into out (x itself allowed), by plan, fftPlan(n)'s tables:
   * mixed radix (4, 2, odd primes) where n's factors are small, Bluestein otherwise, doubles
   * throughout, each output rounded once.
   */
  fftRows(x: Float32Array, n: number, count: number, inverse: boolean, plan: Float64Array, out: Float32Array): void;
  /**
   * The one-sided DFT of real rows (n even), by realFftPlan(n)'s tables: forward, each of count rows of
   * n reals in x into its n / 2 + 1 bins (pairs) in out; inverse, each of count rows of n / 2 + 1 bins
   * in x (the first and last bins' imaginary parts ignored) into the n reals of its unscaled Hermitian
   * inverse in out. x and out must not share memory. With `block` > 0 (dividing count; default 0),
   * each block of that many rows has its bins bins-major, [bins, block, 2] (bin k of the block's row r
   * at 2 (k block + r) from the block's start): stft's and istft's layout. Forward, with hop > 0
   * (default 0) the rows are frames of one signal hop apart (x holds (count - 1) hop + n samples),
   * and with a window (n floats) each sample is first multiplied by its window[i], a float product:
   * stft's frames, read where they lie.
   */
  realFftRows(x: Float32Array, n: number, count: number, inverse: boolean, plan: Float64Array, out: Float32Array, block?: number,
    hop?: number, window?: Float32Array | null): void;

  /**
   * Each of count n x n symmetric matrices at a decomposed (its lower triangle read, or its upper
   * one when `upper`; LAPACK's syev): ascending eigenvalues into values (count x n), the matching
   * unit eigenvectors as the columns of each n x n block of vectors (none when vectors is empty).
   * info[i] is 0, or 1 where the iteration did not converge (a NaN or an infinity in the matrix).
   */
  eigh(a: Float32Array, n: number, count: number, upper: boolean, values: DecompositionOutput, vectors: DecompositionOutput, info: Int32Array): void;

  /**
   * Each of count m x n matrices at a decomposed, A = U diag(S) V^T (LAPACK's gesvd): its k = min(m, n)
   * singular values, descending, into s (count x k) and, unless u and vt are both empty, U's columns
   * into u's m x uCols blocks and V's columns as the rows of vt's vtRows x n blocks, where uCols and
   * vtRows are k, or m and n when `full` (the columns past the rank completing orthonormal bases).
   * info[i] is 0; 1 where the matrix holds a NaN or an infinity; 2 where its iteration did not converge.
   */
  svd(a: Float32Array, m: number, n: number, count: number, full: boolean, s: DecompositionOutput, u: DecompositionOutput, vt: DecompositionOutput, info: Int32Array): void;

  /** out = f(x) element-wise; x and out may be the same array. */
  unary(op: UnaryCode, x: Float32Array, out: Float32Array, p: number): void;

  /** gx = gy * f'(x) element-wise, with y = f(x) supplied for rules that use it. */
  unaryGrad(op: UnaryCode, x: Float32Array, y: Float32Array, gy: Float32Array, gx: Float32Array, p: number): void;

  /**
   * The backward of act(x W^T + b) up to the GEMMs, over rows x cols: gz = gy * act'(.) from the
   * activation's output y (relu, sigmoid, tanh), and, when gb is given, the bias gradient
   * gb[j] = sum over rows of gz[., j], rows added in order. One pass over memory where the two would
   * not share the cache.
   */
  biasActGrad(act: UnaryCode, y: Float32Array, gy: Float32Array, gz: Float32Array, rows: number, cols: number, gb: Float32Array | null): void;

  /**
   * out[i] = f(a[i . aStrides], b[i . bStrides]) over the multi-index i of `shape` (the output's
   * contiguous shape); a stride of 0 broadcasts.
   */
  binary(op: BinaryCode, a: Float32Array, aStrides: Int32Array, b: Float32Array, bStrides: Int32Array,
    out: Float32Array, shape: Int32Array): void;

  /**
   * out = x read through strides over `shape`: transpose, expand and broadcast copies. With
   * `outStrides`, out is written through them instead of in order (a part of a larger array: cat's
   * pieces, narrow's gradient); no two indices may reach one element of out.
   */
  stridedCopy(x: Float32Array, xStrides: Int32Array, out: Float32Array, shape: Int32Array, outStrides?: Int32Array | null): void;

  /** y += alpha * x (gradient accumulation, in place). */
  axpy(alpha: number, x: Float32Array, y: Float32Array): void;

  /** out = min(max(x, lo), hi) element-wise (torch.clamp: NaN stays, lo > hi gives hi); out may be x. */
  clamp(x: Float32Array, lo: number, hi: number, out: Float32Array): void;

  /**
   * out[i] = op(x[i]) for a special function (lgamma, digamma, trigamma, erfinv, I0, I1), each
   * evaluated in double from the float and rounded once; out as long as x, and may be x.
   */
  special(op: SpecialCode, x: Float32Array, out: Float32Array): void;

  /**
   * One pass over arrays of one length, each operation rounded in torch's order: out = x + (p a) b
   * (addcmul), x + (p a) / b (addcdiv), x + (a - x) p (lerpNear: lerp from x by p) or a - (a - x) p
   * (lerpFar: from a, p the weight's complement; b unused by the lerps). out may be any of them.
   */
  pointwise3(op: Pointwise3Code, x: Float32Array, a: Float32Array, b: Float32Array, p: number, out: Float32Array): void;

  /** out[i] = cond[i] != 0 ? a[i] : b[i] (torch.where), all of one length; out may be any of them. */
  select(cond: Float32Array, a: Float32Array, b: Float32Array, out: Float32Array): void;

  /**
   * out[o, k, :] = x[o, index[k], :] for x viewed as [outer, len, inner] and out as
   * [outer, index.length, inner] (index_select; nn.Embedding with outer 1). Every index is in
   * [0, len) (a RangeError naming it on the native backend otherwise).
   */
  indexRows(x: Float32Array, outer: number, len: number, inner: number, index: Int32Array, out: Float32Array): void;

  /**
   * out[where[e]] = fold(out[where[e]], src[e]) for e in order (src and where of one length), each
   * result rounded to float (torch's scatter and scatter_reduce loops): set takes src[e]; sum and prod
   * add and multiply; amax and amin take src[e] if it is NaN or beyond the place's value (a NaN, once
   * in, stays). Every position is in [0, out.length) (a RangeError naming the first that is not on
   * the native backend).
   */
  scatterFold(src: Float32Array, where: Int32Array, op: ScatterFoldCode, out: Float32Array): void;

  /**
   * bins[v] = how many elements of x equal v (with weights, the sum of their weights), each bin
   * summed in double in x's order and rounded once (torch.bincount). Returns -1, or the position of
   * the first element that is not an integer in [0, bins.length) (then bins hold no meaning).
   */
  countBins(x: Float32Array, weights: Float32Array | null, bins: Float32Array): number;

  /**
   * Each distinct float of x once, in the order first met, into values (at least x's length), and
   * each element's value's place among them into inverse (x's length); returns how many there are.
   * -0 and 0 are one value, shown as the first met (torch.unique's); each NaN is a value of its own.
   */
  distinct(x: Float32Array, values: Float32Array, inverse: Int32Array): number;

  /**
   * Weighted taps along the middle of x viewed as [outer, len, inner]: out [outer, m, inner] with
   * out[o, j, i] = weight[j k] x[o, index[j k], i] + ... + weight[j k + k - 1] x[o, index[j k + k - 1], i],
   * each product rounded to float and then added in that order (no fused multiply-add), m =
   * index.length / k (interpolate's linear and cubic resizing, one side at a time). Every index is in
   * [0, len) (a RangeError naming it on the native backend otherwise).
   */
  taps(x: Float32Array, outer: number, len: number, inner: number, index: Int32Array, weight: Float32Array, k: number, out: Float32Array): void;

  /**
   * taps' gradient: gx [outer, len, inner] overwritten, gx[o, c, i] the sum from 0, in the order of
   * p, of weight[p] gy[o, floor(p / k), i] over the taps p whose index is c (each product rounded).
   */
  tapsGrad(gy: Float32Array, outer: number, len: number, inner: number, index: Int32Array, weight: Float32Array, k: number, gx: Float32Array): void;

  /**
   * The backward of indexRows: gx[o, index[k], :] += gy[o, k, :], in order of k (a row picked twice
   * gets both, in that order), leaving out rows whose index is `skip` (nn.Embedding's padding row;
   * -1 for none). gx is added to, not overwritten. Also gather's backward, with gather's positions
   * as the index of one-element rows of x.
   */
  indexRowsGrad(gy: Float32Array, outer: number, len: number, inner: number, index: Int32Array, gx: Float32Array, skip: number): void;

  /**
   * torch.gather: out[e] = x at the position that element e of index names (x contiguous, shape
   * xShape; index contiguous, shape indexShape: the same number of dimensions, none larger than x's
   * outside dim), index's value being the position along dim. With `where` given, the positions
   * (offsets in x, for the gradient) are written there too; with `out` null, only they (scatter's).
   * Returns -1, or the first e whose value is not an integer in [0, xShape[dim]) (negatives refused,
   * as torch.gather does; out and where are then partly written).
   */
  gather(x: Float32Array, index: Float32Array, indexShape: Int32Array, xShape: Int32Array, dim: number, out: Float32Array | null, where: Int32Array | null): number;

  /**
   * Image patches as rows (im2col, one row per output position): for x [n, c, h, w] (NCHW) and the
   * window geometry `geom` (IMAGE_GEOMETRY), rows[(b oh + i) ow + j, (k kh + u) kw + v] =
   * x[b, c0 + k, i sh - ph + u dh, j sw - pw + v dw] for k in [0, cg), or `pad` where that position
   * falls outside x. rows is [n oh ow, cg kh kw]: a convolution is then one GEMM against the weight
   * viewed as [out, cg kh kw].
   */
  imageRows(x: Float32Array, geom: Int32Array, c0: number, cg: number, pad: number, rows: Float32Array): void;

  /**
   * The backward of imageRows: channels [c0, c0 + cg) of gx [n, c, h, w] are overwritten with the
   * sums of the entries of rows that imageRows read from each position (padding's left out), each
   * plane summed one window element (u, v) at a time and, for each, over the rows in order (torch's
   * col2im order; the other channels of gx are left as they are).
   */
  imageRowsGrad(rows: Float32Array, geom: Int32Array, c0: number, cg: number, gx: Float32Array): void;

  /**
   * Image patches as columns (torch's im2col layout): for x [n, c, h, w] and `geom`, each image's
   * block [cg kh kw, oh ow] after the last, cols[((b cg + k) kh + u) kw + v, i ow + j] = x[b, c0 + k,
   * i sh - ph + u dh, j sw - pw + v dw], or 0 where that position falls outside x. A convolution of
   * one image is then W [out, cg kh kw] times its block, straight into its [out, oh, ow] planes.
   */
  imageColumns(x: Float32Array, geom: Int32Array, c0: number, cg: number, cols: Float32Array): void;

  /**
   * The backward of imageColumns: channels [c0, c0 + cg) of gx are overwritten with the sums of the
   * entries of cols read from each position, in imageRowsGrad's order (the same bits from the same
   * values); the other channels are left as they are.
   */
  imageColumnsGrad(cols: Float32Array, geom: Int32Array, c0: number, cg: number, gx: Float32Array): void;

  /**
   * gemm(transA, transB, m, n, k, alpha, a, B, beta, c, null, 0) with B = imageColumns(x, geom, c0,
   * cg) for the one image x (geom's n is 1): B is [cg kh kw, oh ow], read transposed when transB. A
   * convolution's forward (W times B), its weight gradient (gy times B^T) and, at stride 1, its input
   * gradient (the convolution of gy with the flipped weight) without the columns in memory: the
   * native backend makes them while it packs B, with the bits of imageColumns followed by gemm. With
   * depthGeom (DEPTH_GEOMETRY) x is a volume [c, d, h, w] and B its windows in depth too, [cg kd kh
   * kw, od oh ow]: row ((k kd + a) kh + u) kw + v, column (z oh + i) ow + j holds x[c0 + k, z sd - pd +
   * a dd, i sh - ph + u dh, j sw - pw + v dw], 0 outside x (conv3d's).
   */
  gemmWindows(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array,
    x: Float32Array, geom: Int32Array, c0: number, cg: number, beta: number, c: Float32Array, depthGeom?: Int32Array | null): void;

  /**
   * torch.nn.functional.grid_sample: x [n, c, h, w] (h, w at least 1) sampled at the points of grid
   * [n, ho, wo, 2] (x then y in [-1, 1]) into out [n, c, ho, wo]; dims [n, c, h, w, ho, wo]; mode 0
   * bilinear (the four neighbours, each read where it lies inside x), 1 nearest (halves to even);
   * padding 0 zeros, 1 border, 2 reflection (torch's formulas for positions and their gradients).
   * A position that is NaN, infinite or past 2^40 reads nothing.
   */
  gridSample(x: Float32Array, grid: Float32Array, out: Float32Array, dims: Int32Array, mode: number, padding: number, align: boolean): void;

  /**
   * gridSample's gradients from gy [n, c, ho, wo]: gx [n, c, h, w] and ggrid [n, ho, wo, 2] overwritten
   * (either null for none; ggrid zeros for nearest). Each image's points add into gx in order.
   */
  gridSampleGrad(gy: Float32Array, x: Float32Array, grid: Float32Array, dims: Int32Array, mode: number, padding: number, align: boolean,
    gx: Float32Array | null, ggrid: Float32Array | null): void;

  /**
   * Max pooling of x [n, c, h, w] (NCHW) over the windows of `geom` (IMAGE_GEOMETRY): out and indices
   * are [n, c, oh, ow], indices[e] the offset in x of the value taken (its plane's start plus y w + x;
   * x holds at most 2^31 - 1 elements). Only positions inside x count (the padding is never taken); a
   * larger value or a NaN replaces the one held, so a window's last NaN wins and an all -inf window
   * gives its first position inside x (-1 for a window with none inside).
   */
  maxPool2d(x: Float32Array, geom: Int32Array, out: Float32Array, indices: Int32Array): void;

  /**
   * maxPool2d over volumes: x [n, c, d, h, w], `geom` (IMAGE_GEOMETRY) its windows in height and
   * width and `depthGeom` (DEPTH_GEOMETRY) in depth; out and indices [n, c, od, oh, ow], each window
   * scanned by depth, row and column with maxPool2d's rule (torch's max_pool3d).
   */
  maxPool3d(x: Float32Array, geom: Int32Array, depthGeom: Int32Array, out: Float32Array, indices: Int32Array): void;

  /**
   * An LSTM cell after its projections, torch's gate order: gates [rows, 4h] (pre-activation i, f, g,
   * o per row) and c [rows, h] give act [rows, 4h] = (sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)),
   * cOut = sigmoid(f) c + sigmoid(i) tanh(g) (each product rounded, then the sum), tanhC = tanh(cOut)
   * and hOut = sigmoid(o) tanhC, all [rows, h] but act.
   */
  lstmCell(gates: Float32Array, c: Float32Array, rows: number, h: number, act: Float32Array, cOut: Float32Array, tanhC: Float32Array, hOut: Float32Array): void;

  /**
   * lstmCell's backward from its act, c and tanhC and the gradients gh of hOut and gc of cOut:
   * with dc = gc + (gh sigmoid(o)) (1 - tanhC^2), gGates [rows, 4h] = (dc tanh(g) i (1 - i),
   * dc c f (1 - f), dc i (1 - tanh(g)^2), gh tanhC o (1 - o)) (i, f, o the sigmoids) and
   * gcPrev [rows, h] = dc f.
   */
  lstmCellGrad(act: Float32Array, c: Float32Array, tanhC: Float32Array, gh: Float32Array, gc: Float32Array, rows: number, h: number,
    gGates: Float32Array, gcPrev: Float32Array): void;

  /**
   * A GRU cell after its projections, torch's gate order r, z, n: xp and hp [rows, 3h] (x's and h's
   * projections with their biases) and hPrev [rows, h] give act [rows, 3h] = (r, z, n) with
   * r = sigmoid(xr + hr), z = sigmoid(xz + hz), n = tanh(xn + r hn), and hOut = (hPrev - n) z + n
   * (each operation rounded in that order).
   */
  gruCell(xp: Float32Array, hp: Float32Array, hPrev: Float32Array, rows: number, h: number, act: Float32Array, hOut: Float32Array): void;

  /**
   * gruCell's backward from its act, hp, hPrev and the gradient gh of hOut: with dn = gh (1 - z)
   * (1 - n^2) and dr = dn hn r (1 - r), dz = gh (hPrev - n) z (1 - z): gXp = (dr, dz, dn),
   * gHp = (dr, dz, dn r), gHPrev = gh z, each [rows, 3h] but gHPrev [rows, h].
   */
  gruCellGrad(act: Float32Array, hp: Float32Array, hPrev: Float32Array, gh: Float32Array, rows: number, h: number,
    gXp: Float32Array, gHp: Float32Array, gHPrev: Float32Array): void;

  /**
   * Depthwise convolution (groups = channels) of x [n, c, h, w] (geom's c) with weight [c m, kh, kw],
   * m outputs per channel: out [n, c m, oh, ow], out[b, o, i, j] the sum over window elements (u, v)
   * in order of w[o, u, v] x[b, o / m, i sh - ph + u dh, j sw - pw + v dw], those outside x left out.
   */
  depthwiseConv2d(x: Float32Array, geom: Int32Array, multiplier: number, weight: Float32Array, out: Float32Array): void;

  /**
   * depthwiseConv2d's gradient with respect to x: gx [n, c, h, w] overwritten; each plane sums its m
   * outputs' contributions in turn, each over (u, v) and then the output positions, in order.
   */
  depthwiseConv2dGradInput(gy: Float32Array, geom: Int32Array, multiplier: number, weight: Float32Array, gx: Float32Array): void;

  /**
   * depthwiseConv2d's gradient with respect to the weight: gw [c m, kh, kw] overwritten, each entry the
   * sum over images, rows and columns of gy x, a row's columns (from the first inside x) dealt in turn
   * to 8 partial sums, combined as ((p0 + p1) + (p2 + p3)) + ((p4 + p5) + (p6 + p7)).
   */
  depthwiseConv2dGradWeight(gy: Float32Array, x: Float32Array, geom: Int32Array, multiplier: number, gw: Float32Array): void;

  /** Reduce x viewed as [outer, len, inner] along len into out [outer, inner]; argOut gets max (min) indices. */
  reduce(op: ReduceCode, x: Float32Array, outer: number, len: number, inner: number,
    out: Float32Array, argOut: Int32Array | null): void;

  /**
   * The variance of x viewed as [outer, len, inner] along len into out [outer, inner] (takeSqrt: the
   * standard deviation, its square root taken in double), divided by max(0, len - correction). In
   * double, rounded once, as torch's CPU kernel; the order of the sums is fixed by the shape alone
   * (reference/variance.ts is the specification).
   */
  variance(x: Float32Array, outer: number, len: number, inner: number, correction: number, takeSqrt: boolean, out: Float32Array): void;

  /** (log-)softmax of x viewed as [outer, len, inner] along len. */
  softmax(x: Float32Array, outer: number, len: number, inner: number, out: Float32Array, log: boolean): void;

  /** Backward of (log-)softmax from its output y and upstream gradient gy. */
  softmaxGrad(y: Float32Array, gy: Float32Array, outer: number, len: number, inner: number,
    gx: Float32Array, log: boolean): void;

  /**
   * Fused softmax cross-entropy over rows of logits [rows, cols]: lossOut[r] is the row's loss and
   * prob the row's softmax (kept for the backward). Targets are class indices (targetIndex) or
   * probabilities (targetProb, [rows, cols]); smoothing is PyTorch's label_smoothing.
   * Index targets outside [0, cols) are rejected before the call.
   */
  crossEntropy(logits: Float32Array, rows: number, cols: number, targetIndex: Int32Array | null,
    targetProb: Float32Array | null, smoothing: number, lossOut: Float32Array, prob: Float32Array): void;

  /** gx[r, :] = rowScale[r] * (prob[r, :] - smoothed target[r, :]): the backward of crossEntropy. */
  crossEntropyGrad(prob: Float32Array, rows: number, cols: number, targetIndex: Int32Array | null,
    targetProb: Float32Array | null, smoothing: number, rowScale: Float32Array, gx: Float32Array): void;

  /**
   * One fused optimizer step over every parameter: params[i] -= update(grads[i], state), where
   * state holds up to three per-parameter buffers (momentum / exp_avg / square_avg, exp_avg_sq /
   * grad_avg, max_exp_avg_sq). Buffers not used by `kind` may be empty arrays.
   */
  optimStep(h: OptimHyper, params: Float32Array[], grads: Float32Array[],
    s0: Float32Array[], s1: Float32Array[], s2: Float32Array[]): void;

  /**
   * Running folds of x viewed as [outer, len, inner] along len (from the last to the first when
   * `reverse`) into out (x's size; out may be x): each accumulated in double from the fold's identity
   * and written rounded. sum: torch.cumsum's arithmetic on float; product: cumprod's; logAddExp:
   * logcumsumexp's, acc = max + log1p(exp(min - max)) (NaN where either is; from a +inf on, +inf).
   */
  runningFold(op: RunningFoldCode, x: Float32Array, outer: number, len: number, inner: number, out: Float32Array, reverse: boolean): void;

  /**
   * Where the running maximum (minimum when not `largest`) of x viewed as [outer, len, inner] along
   * len was reached, as floats into at (x's size, apart from x): the latest of equal values, and from
   * a NaN on the latest NaN (torch.cummax's and cummin's indices).
   */
  runningPicks(x: Float32Array, outer: number, len: number, inner: number, largest: boolean, at: Float32Array): void;

  /**
   * The product along len of x viewed as [outer, len, inner] into out ([outer, inner]): from 1,
   * multiplied in order, each product rounded to float (torch.prod's on float).
   */
  products(x: Float32Array, outer: number, len: number, inner: number, out: Float32Array): void;

  /**
   * Average pooling of x [planes, d, h, w] (`geom`: AVG_POOL_GEOMETRY) into out [planes, od, oh, ow]:
   * output (t, i, j) is the sum from 0, in float, in depth, row and column order, of its window, over
   * its divisor. `bounds` holds each window as a [start, end) pair inside the input: the od depth
   * windows, then the oh row windows, then the ow column windows. `divisor` has one float per output
   * position ((t oh + i) ow + j; torch's avg_pool), or with bySide one per window of each side in
   * bounds' order, the sum divided by the depth's, then the row's, then the column's (torch's
   * adaptive_avg_pool).
   */
  avgPool(x: Float32Array, geom: Int32Array, bounds: Int32Array, divisor: Float32Array, out: Float32Array): void;

  /**
   * avgPool's gradient: gx [planes, d, h, w] overwritten, each element the sum from 0 of gy divided
   * as avgPool divides, over the windows that hold it, in output order (torch's loop).
   */
  avgPoolGrad(gy: Float32Array, geom: Int32Array, bounds: Int32Array, divisor: Float32Array, gx: Float32Array): void;

  /**
   * The p-norm distances (p 1, 2 or Infinity) between each row of x1 [batch, rows1, cols] and each
   * row of x2 [batch, rows2, cols] into out [batch, rows1, rows2]: d = x1 - x2 rounded to float, then
   * the sum of |d| (p 1), the square root of the sum of d * d (p 2, each added by a fused multiply-add),
   * or the largest |d| (NaN kept), sums in float over the columns in order (torch's cdist on float,
   * without its matrix-product path).
   */
  distances(x1: Float32Array, x2: Float32Array, batch: number, rows1: number, rows2: number, cols: number, p: number, out: Float32Array): void;

  /**
   * distances' gradients, overwriting gx1 (x1's shape) and gx2 (x2's) from g and dist ([batch, rows1,
   * rows2]): each pair's slope times g for every column (p 2: d (g / dist), 0 at dist 0; p 1: g sign(d);
   * p Infinity: g sign(d) where |d| is the distance, else 0), gx1's row i summed over the rows of x2 in
   * order, gx2's row j (negated) over the rows of x1 in order.
   */
  distancesGrad(x1: Float32Array, x2: Float32Array, dist: Float32Array, g: Float32Array, batch: number, rows1: number, rows2: number, cols: number,
    p: number, gx1: Float32Array, gx2: Float32Array): void;

  /**
   * The stable order along len of x viewed as [outer, len, inner], its first k positions written as
   * floats into out ([outer, k, inner]): ascending with NaN last (descending: NaN first), -0 and 0
   * equal, ties in their order (torch.sort(stable=True), argsort, topk).
   */
  sortOrder(x: Float32Array, outer: number, len: number, inner: number, descending: boolean, k: number, out: Float32Array): void;

  /** Sum of squares of all tensors, accumulated in double precision in a fixed order. */
  sumSquares(xs: Float32Array[]): number;

  /** Sum of absolute values of all tensors, accumulated in double precision in a fixed order. */
  sumAbs(xs: Float32Array[]): number;

  /**
   * Sum of x[i] * y[i] (x and y of one length), each product and the sum in double precision, in
   * a fixed order (the same at any thread count): L-BFGS's dot products.
   */
  sumProducts(x: Float32Array, y: Float32Array): number;

  /**
   * Layer normalization of x viewed as [rows, cols], along cols: y = (x - mean) * rstd (* w + b),
   * each row by its own mean and rstd = 1 / sqrt(biased variance + eps), which are written to mean
   * and rstd ([rows] each) for the backward. w and b ([cols]) may be null.
   */
  layerNorm(x: Float32Array, rows: number, cols: number, w: Float32Array | null, b: Float32Array | null, eps: number,
    y: Float32Array, mean: Float32Array, rstd: Float32Array): void;

  /**
   * The backward of layerNorm: gx = rstd * (g - mean(g) - xhat * mean(g * xhat)) per row, with
   * g = gy * w (gy without w) and xhat = (x - mean) * rstd; gw and gb, when given, get the sums over
   * the rows of gy * xhat and of gy.
   */
  layerNormGrad(gy: Float32Array, x: Float32Array, rows: number, cols: number, w: Float32Array | null, mean: Float32Array,
    rstd: Float32Array, gx: Float32Array, gw: Float32Array | null, gb: Float32Array | null): void;

  /**
   * Batch normalization of x viewed as [n, c, l] (l = 1 for [n, c]), channel k being the n * l values
   * x[i, k, j]: y = (x - mean[k]) * rstd[k] (* w[k] + b[k]), rstd = 1 / sqrt(variance + eps). With
   * batchStats, mean and variance (biased) are the channel's own, computed and written here (the
   * variance from squared deviations, a second pass); without, they are given (running statistics)
   * and only read. rstd ([c]) is written either way; w and b ([c]) may be null. y must not overlap x.
   */
  batchNorm(x: Float32Array, n: number, c: number, l: number, w: Float32Array | null, b: Float32Array | null, eps: number,
    batchStats: boolean, y: Float32Array, mean: Float32Array, variance: Float32Array, rstd: Float32Array): void;

  /**
   * The backward of batchNorm, from its mean and rstd: with batchStats (the statistics were x's own)
   * gx = (gy - mean(gy) - xhat * mean(gy * xhat)) * rstd * w, means over each channel, xhat =
   * (x - mean) * rstd; without, gx = gy * rstd * w. gw and gb, when given, get the channel sums of
   * gy * xhat and of gy. w may be null (a scale of 1). gx must not overlap gy or x.
   */
  batchNormGrad(gy: Float32Array, x: Float32Array, n: number, c: number, l: number, w: Float32Array | null, mean: Float32Array,
    rstd: Float32Array, batchStats: boolean, gx: Float32Array, gw: Float32Array | null, gb: Float32Array | null): void;

  /**
   * An inverted-dropout mask drawn from lib/random.ts's generator, whose four state words are rng
   * (advanced in place): mask[i] = 1 / (1 - p) (as a float) where the i-th uniform draw is >= p,
   * else 0, in order; all 0, drawing nothing, for p = 1.
   */
  dropoutMask(mask: Float32Array, p: number, rng: Uint32Array): void;

  /**
   * out[i] = low + span * u_i (as a float) for each i in order, u_i the generator's next uniform
   * draw in [0, 1) (24 bits over 2^24, in double); rng (the four state words) is advanced in place.
   */
  uniformFill(out: Float32Array, low: number, span: number, rng: Uint32Array): void;

  /**
   * out[i] = mean + std * z_i (as a float) for each i in order, z_i the generator's next standard
   * normal (lib/random.ts's normalFrom: Box-Muller pairs through lib/normal_math.ts). spare[0] is a
   * pair's pending second normal (NaN for none): used first, and left by a pair cut short.
   */
  normalFill(out: Float32Array, mean: number, std: number, rng: Uint32Array, spare: Float64Array): void;

  setNumThreads(n: number): void;
  getNumThreads(): number;
}
