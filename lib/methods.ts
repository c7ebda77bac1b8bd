// Attaches the ops to Tensor as methods (t.add(u), t.sum(1), ...), so that tensor.ts need not import
// the ops (which import it).
import { Tensor } from './tensor';
import { shown } from './args';
import * as ops from './ops';
import * as inplace from './ops/inplace';
import type { InPlaceTwinName } from './ops/inplace';
import { asStrided, asStridedScatter, unfoldWindows } from './ops/windows';
import * as linalgOps from './ops/linalg_composed';
import { broadcastShapes, checkShape, contiguousStrides, fmt, normDim, sameShape } from './shape';
import { sumBackTo } from './ops/reduce';
import type { Operand } from './ops/core';
import type { DivOptions, RoundOptions } from './ops/pointwise_more';
import type { VarianceOptions } from './ops/more';
import type { Dims } from './ops/reduce';
import type { SortResult, TopkOptions } from './ops/sort';
import type { IndexAddOptions } from './ops/index_write';
import type { IndexReduction, ScatterReduceOptions, ScatterReduction } from './ops/scatter_reduce';
import type { CloseOptions, NanToNumOptions } from './ops/composed';
import type { SlogdetResult } from './ops/linalg';
import type { BincountOptions, HistcOptions, HistogramOptions, HistogramResult, UniqueConsecutiveOptions, UniqueOptions, UniqueResult } from './ops/counting';
import type { IndexLike } from './ops/scatter_more';
import { checkPlacement, PlacementOptions } from './placement';

/**
 * The in-place twins of the methods IN_PLACE_TWINS names, as torch's methods of the same names
 * (x.sin_(), x.clamp_(0, 1), x.tril_(), x.indexAdd_(0, index, source)): the method's result for the
 * same arguments written into this tensor, which is returned. As every in-place method, they run
 * outside the graph: inside noGrad(), or on tensors that need no gradient.
 */
type InPlaceTwins = { [K in InPlaceTwinName as `${K}_`]: <T extends Tensor>(this: T, ...args: Parameters<Tensor[K]>) => T };

declare module './tensor' {
  interface Tensor extends InPlaceTwins {
    /** Elementwise this + other, broadcast as NumPy does; other may be a number. */
    add(other: Operand): Tensor;
    /** Elementwise this - other, broadcast; other may be a number. */
    sub(other: Operand): Tensor;
    /** Elementwise this * other, broadcast; other may be a number. */
    mul(other: Operand): Tensor;
    /** Elementwise this / other, broadcast; other may be a number; rounded toward zero or down with roundingMode (torch.div). */
    div(other: Operand, options?: DivOptions): Tensor;
    /** Elementwise this ** exponent (a number or a broadcastable tensor). */
    pow(exponent: Operand): Tensor;
    /** Elementwise -this. */
    neg(): Tensor;
    /** Elementwise e ** this. */
    exp(): Tensor;
    /** Elementwise natural logarithm (-Infinity at 0, NaN below). */
    log(): Tensor;
    /** Elementwise log(1 + x), accurate for small x. */
    log1p(): Tensor;
    /** Elementwise -1, 0 or 1 by the sign (0 at -0 and NaN, as torch.sign); gradient 0. */
    sign(): Tensor;
    /** Elementwise largest integer not above this; gradient 0. */
    floor(): Tensor;
    /** Elementwise smallest integer not below this; gradient 0. */
    ceil(): Tensor;
    /** Elementwise nearest integer, halves to the even one, or to `decimals` places (as torch.round); gradient 0. */
    round(options?: RoundOptions | number): Tensor;
    /** Elementwise integer part, toward zero; gradient 0. */
    trunc(): Tensor;
    /** Elementwise this - trunc(this); the gradient passes through. */
    frac(): Tensor;
    /** Elementwise sine (radians); gradient cos(this). */
    sin(): Tensor;
    /** Elementwise cosine (radians); gradient -sin(this). */
    cos(): Tensor;
    /** Elementwise error function. */
    erf(): Tensor;
    /** Elementwise e^this - 1, accurate near 0. */
    expm1(): Tensor;
    /** Elementwise base-2 logarithm. */
    log2(): Tensor;
    /** Elementwise base-10 logarithm. */
    log10(): Tensor;
    /** Elementwise 1 - erf(x), without its cancellation for large x. */
    erfc(): Tensor;
    /** Elementwise tangent (radians). */
    tan(): Tensor;
    /** Elementwise arctangent. */
    atan(): Tensor;
    /** Elementwise arcsine (NaN outside [-1, 1]). */
    asin(): Tensor;
    /** Elementwise arccosine (NaN outside [-1, 1]). */
    acos(): Tensor;
    /** Elementwise hyperbolic sine. */
    sinh(): Tensor;
    /** Elementwise hyperbolic cosine. */
    cosh(): Tensor;
    /** Elementwise inverse hyperbolic sine. */
    asinh(): Tensor;
    /** Elementwise inverse hyperbolic cosine (NaN below 1). */
    acosh(): Tensor;
    /** Elementwise inverse hyperbolic tangent (NaN outside [-1, 1]). */
    atanh(): Tensor;
    /** Element-wise angle of (other, this) in [-pi, pi] (broadcast; torch.atan2). */
    atan2(other: Operand): Tensor;
    /** Element-wise C fmod: the remainder with this one's sign (broadcast). */
    fmod(other: Operand): Tensor;
    /** Element-wise Python modulus: the remainder with other's sign (broadcast). */
    remainder(other: Operand): Tensor;
    /** Element-wise log(e^this + e^other) without overflow (broadcast). */
    logaddexp(other: Operand): Tensor;
    /** Element-wise sqrt(this^2 + other^2) without overflow (broadcast). */
    hypot(other: Operand): Tensor;
    /** Element-wise larger of this and other (broadcast; NaN if either is). */
    maximum(other: Operand): Tensor;
    /** Element-wise smaller of this and other (broadcast; NaN if either is). */
    minimum(other: Operand): Tensor;
    /** Every element limited to [min, max]; either bound may be null or omitted. */
    clamp(min?: Tensor | number | null, max?: Tensor | number | null): Tensor;
    /** Smallest element, or the smallest along `dim` (keepDim as in sum); given a tensor, the element-wise minimum with it (torch.min(input, other)). */
    min(dimOrOther?: number | Tensor, keepDim?: boolean): Tensor;
    /** Index of the smallest element (along `dim`), the first among ties; float indices. */
    argmin(dim?: number, keepDim?: boolean): Tensor;
    /** Elementwise square root (NaN below 0). */
    sqrt(): Tensor;
    /** Elementwise absolute value (gradient 0 at 0, as PyTorch's). */
    abs(): Tensor;
    /** Matrix product as torch.matmul: 1-D operands are vectors, and leading dimensions are batches that broadcast ([2, 1, m, k] @ [5, k, n] gives [2, 5, m, n]). */
    matmul(other: Tensor): Tensor;
    /** Matrix product of two matrices (torch.mm: 2-D only). */
    mm(other: Tensor): Tensor;
    /** Products of two batches of matrices of one batch size (torch.bmm: 3-D only, no broadcasting). */
    bmm(other: Tensor): Tensor;
    /** Outer product of two vectors: [n] and [m] give [n, m]. */
    outer(other: Tensor): Tensor;
    /** beta this + alpha (mat1 @ mat2), this broadcast to the product's shape (torch.addmm). */
    addmm(mat1: Tensor, mat2: Tensor, options?: ops.AddmmOptions): Tensor;
    /** Inner product with another vector of this length, a 0-d tensor (torch.dot). */
    dot(other: Tensor): Tensor;
    /** Sums of products over the last dim of this and of other (torch.inner). */
    inner(other: Tensor): Tensor;
    /** This matrix times a vector (torch.mv). */
    mv(vec: Tensor): Tensor;
    /** beta this + alpha (mat @ vec) (torch.addmv). */
    addmv(mat: Tensor, vec: Tensor, options?: ops.ScaledSumOptions): Tensor;
    /** beta this + alpha outer(vec1, vec2) (torch.addr). */
    addr(vec1: Tensor, vec2: Tensor, options?: ops.ScaledSumOptions): Tensor;
    /** beta this + alpha bmm(batch1, batch2) (torch.baddbmm). */
    baddbmm(batch1: Tensor, batch2: Tensor, options?: ops.ScaledSumOptions): Tensor;
    /** beta this + alpha times the sum of bmm(batch1, batch2) over the batch (torch.addbmm). */
    addbmm(batch1: Tensor, batch2: Tensor, options?: ops.ScaledSumOptions): Tensor;
    /** this + value * tensor1 * tensor2, broadcast (torch.addcmul). */
    addcmul(tensor1: Operand, tensor2: Operand, options?: ops.AddcOptions): Tensor;
    /** this + value * tensor1 / tensor2, broadcast (torch.addcdiv). */
    addcdiv(tensor1: Operand, tensor2: Operand, options?: ops.AddcOptions): Tensor;
    /** Sum of every element (0-d result), or along `dim`: one dimension (negative counts from the end) or a list of them, kept as size 1 when keepDim. */
    sum(dim?: Dims, keepDim?: boolean): Tensor;
    /** Mean of every element, or along `dim` (one or a list); keepDim as in sum. */
    mean(dim?: Dims, keepDim?: boolean): Tensor;
    /** Largest element (NaN if any is NaN), or the largest along `dim`; the gradient goes to the argmax (shared among ties for the whole-tensor max, as PyTorch); given a tensor, the element-wise maximum with it (torch.max(input, other)). */
    max(dimOrOther?: number | Tensor, keepDim?: boolean): Tensor;
    /** Index of the largest element (of the flattened tensor without `dim`), the first among ties; float indices. */
    argmax(dim?: number, keepDim?: boolean): Tensor;
    /** The same elements in a new shape (one dimension may be -1); shares storage. */
    reshape(shape: readonly number[]): Tensor;
    /** Dimensions d0 and d1 swapped, as a new contiguous tensor. */
    transpose(d0: number, d1: number): Tensor;
    /** Dimensions startDim (default 0) to endDim (default -1) merged into one. */
    flatten(startDim?: number, endDim?: number): Tensor;
    /** Broadcast to `shape` (-1 keeps a dimension), as a copy. */
    expand(shape: readonly number[]): Tensor;
    /** Tiled reps[i] times along each dimension, as torch.repeat. */
    repeat(reps: readonly number[]): Tensor;
    /** A dimension of size 1 inserted at `dim`; shares storage. */
    unsqueeze(dim: number): Tensor;
    /** Dimensions of size 1 removed (only `dim`, when given); shares storage. */
    squeeze(dim?: number): Tensor;
    /** `length` indices from `start` along `dim` (a copy). */
    narrow(dim: number, start: number, length: number): Tensor;
    /** The windows of `size` elements along `dimension`, `step` apart, as a new last dimension (torch's Tensor.unfold). */
    unfold(dimension: number, size: number, step: number): Tensor;
    /** Pieces along `dim` (default 0) of splitSize indices each, or of the listed sizes. */
    split(splitSize: number | readonly number[], dim?: number): Tensor[];
    /** `chunks` pieces along `dim` (default 0), as torch.chunk. */
    chunk(chunks: number, dim?: number): Tensor[];
    /** A copy with its own storage (gradients flow through). */
    clone(): Tensor;
    /** Dimensions reordered: dimension i of the result is dimension dims[i] (a copy). */
    permute(dims: readonly number[]): Tensor;
    /** 1 where this > other, else 0 (no gradient). */
    gt(other: Operand): Tensor;
    /** 1 where this >= other, else 0. */
    ge(other: Operand): Tensor;
    /** 1 where this < other, else 0. */
    lt(other: Operand): Tensor;
    /** 1 where this <= other, else 0. */
    le(other: Operand): Tensor;
    /** 1 where this == other, else 0. */
    eq(other: Operand): Tensor;
    /** 1 where this != other, else 0. */
    ne(other: Operand): Tensor;
    /** Variance of all elements or along `dim` (one or a list; unbiased by default), as torch.var. */
    var(dim?: Dims, options?: VarianceOptions): Tensor;
    /** Standard deviation of all elements or along `dim` (one or a list), as torch.std. */
    std(dim?: Dims, options?: VarianceOptions): Tensor;
    /** log(sum(exp(this))) along `dim`, computed stably. */
    logsumexp(dim: number, keepDim?: boolean): Tensor;
    /** Elementwise x * sigmoid(x). */
    silu(): Tensor;
    /** Elementwise log(1 + e ** (beta x)) / beta (x past the threshold). */
    softplus(beta?: number, threshold?: number): Tensor;
    /** The slices at `indices` along `dim`, in that order (indices may repeat; negatives are refused, as torch's). */
    indexSelect(dim: number, indices: Tensor | readonly number[]): Tensor;
    /** The slice at `index` along `dim`, without that dimension (negative counts from the end). */
    select(dim: number, index: number): Tensor;
    /** Elements picked along `dim` by `index`, as torch.gather (indices in [0, size); negatives are refused). */
    gather(dim: number, index: Tensor): Tensor;
    /** A copy with src (index's shape) added at the places index names along `dim` (torch.scatter_add). */
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    /** A copy with src's elements, or one number, written at the places index names along `dim` (torch.scatter). */
    scatter(dim: number, index: Tensor, src: Tensor | number): Tensor;
    /** A copy with src's elements folded in (sum, prod, mean, amax, amin) at the places index names along `dim` (torch.scatter_reduce). */
    scatterReduce(dim: number, index: Tensor, src: Tensor, reduce: ScatterReduction, options?: ScatterReduceOptions): Tensor;
    /** A copy with source's slices folded in (prod, mean, amax, amin) at the slices index names along `dim` (torch.index_reduce). */
    indexReduce(dim: number, index: Tensor | readonly number[], source: Tensor, reduce: IndexReduction, options?: ScatterReduceOptions): Tensor;
    /** A copy with source's slices (times alpha) added at the slices index names along `dim` (torch.index_add). */
    indexAdd(dim: number, index: Tensor | readonly number[] | Int32Array, source: Tensor, options?: IndexAddOptions): Tensor;
    /** A copy with source's slices written over the slices index names along `dim` (torch.index_copy). */
    indexCopy(dim: number, index: Tensor | readonly number[] | Int32Array, source: Tensor): Tensor;
    /** A copy with the slices index names along `dim` set to value (torch.index_fill). */
    indexFill(dim: number, index: Tensor | readonly number[] | Int32Array, value: number): Tensor;
    /** The elements where mask (broadcast with this) is nonzero, in order, 1-D (torch.masked_select). */
    maskedSelect(mask: Tensor): Tensor;
    /** The positions of the nonzero elements, [count, ndim] (torch.nonzero). */
    nonzero(): Tensor;
    /** Elementwise max(0, x) (gradient 0 at 0). */
    relu(): Tensor;
    /** Elementwise 1 / (1 + e ** -x). */
    sigmoid(): Tensor;
    /** Elementwise hyperbolic tangent. */
    tanh(): Tensor;
    /** Elementwise x * Phi(x) with the exact (erf) Gaussian CDF, as PyTorch's default GELU. */
    gelu(): Tensor;
    /** Elementwise x for x > 0, negativeSlope * x otherwise (default 0.01). */
    leakyRelu(negativeSlope?: number): Tensor;
    /** Elementwise x for x > 0, alpha * (e ** x - 1) otherwise (default alpha 1). */
    elu(alpha?: number): Tensor;
    /** Softmax along `dim` (numerically stable). */
    softmax(dim: number): Tensor;
    /** Log of softmax along `dim`, computed stably (no -Infinity for large logits). */
    logSoftmax(dim: number): Tensor;
    /** Transpose of a 2-D tensor. */
    readonly T: Tensor;
    /** The last two dims swapped: each matrix of a batch transposed (torch's Tensor.mT). */
    readonly mT: Tensor;
    /** torch's Tensor.mH, the conjugate transpose: mT, every tensor here being real. */
    readonly mH: Tensor;
    /** torch's t(): the transpose of a 2-D tensor; a 0-D or 1-D tensor as it is (sharing storage). */
    t(): Tensor;
    /** The same data in a new shape (one dimension may be -1), sharing storage: every tensor here is contiguous, so torch's view is reshape. */
    view(shape: readonly number[]): Tensor;
    /** The number of elements (torch's numel(); also the `size` property). */
    numel(): number;
    /** The number of dimensions (torch's dim(); also `ndim`). */
    dim(): number;
    /** torch's ndimension(): dim(). */
    ndimension(): number;
    /** The strides of the row-major layout every tensor here has, in elements (torch's stride()); of one dim with `dim`. */
    stride(): number[];
    stride(dim: number): number;
    /** torch's Tensor.where(condition, other): this where condition is nonzero, other elsewhere (broadcast). */
    where(condition: Tensor, other: Operand): Tensor;
    /** torch's type_as: this itself, every tensor here being float32 on the CPU (other must be a tensor). */
    typeAs(other: Tensor): Tensor;
    /** torch's positive(): this itself. */
    positive(): Tensor;
    /** The cross product with other along dim (torch.cross; default this tensor's first dim of size 3, where linalg.cross takes the last). */
    cross(other: Tensor, dim?: number): Tensor;
    /** The n-th power of each square matrix (linalg.matrixPower). */
    matrixPower(n: number): Tensor;
    /** The next float32 after each element towards other (torch.nextafter). */
    nextafter(other: Operand): Tensor;
    /** The data as nested arrays, a number for a 0-d tensor (torch's tolist(); also `toArray()`). */
    tolist(): NestedArray;
    /** Elementwise this * this. */
    square(): Tensor;
    /** Elementwise 1 / this. */
    reciprocal(): Tensor;
    /** Elementwise 1 / sqrt(this). */
    rsqrt(): Tensor;
    /** The values along `dim` (default the last) in order, and where each came from (torch.sort, stable; NaN above every number). */
    sort(dim?: number, descending?: boolean): SortResult;
    /** The indices that sort this along `dim` (torch.argsort, stable). */
    argsort(dim?: number, descending?: boolean): Tensor;
    /** The k largest (or smallest) values along a dimension and their indices (torch.topk). */
    topk(k: number, options?: TopkOptions): SortResult;
    /** This with `value` where mask is nonzero (torch.masked_fill). */
    maskedFill(mask: Tensor, value: number): Tensor;
    /** The lower triangle of the last two dims (column - row <= diagonal), the rest 0. */
    tril(diagonal?: number): Tensor;
    /** The upper triangle of the last two dims (column - row >= diagonal), the rest 0. */
    triu(diagonal?: number): Tensor;
    /** 1 where every element (along `dim`) is nonzero, else 0 (torch.all as floats). */
    all(dim?: Dims, keepDim?: boolean): Tensor;
    /** 1 where some element (along `dim`) is nonzero, else 0 (torch.any as floats). */
    any(dim?: Dims, keepDim?: boolean): Tensor;
    /** Running sums along `dim` (torch.cumsum, accumulated in double). */
    cumsum(dim: number): Tensor;
    /** Running products along `dim` (torch.cumprod, accumulated in double; zeros get their gradient). */
    cumprod(dim: number): Tensor;
    /** The lower median of all elements (torch.median; NaN if one is). */
    median(): Tensor;
    /** The lower median along `dim` and where it came from (torch.median(x, dim)). */
    median(dim: number, keepDim?: boolean): SortResult;
    /** The lower median of the elements that are not NaN (torch.nanmedian). */
    nanmedian(): Tensor;
    /** The lower median along `dim` of the elements that are not NaN, and where it came from (torch.nanmedian(x, dim)). */
    nanmedian(dim: number, keepDim?: boolean): SortResult;
    /** The k-th smallest element along `dim` and where it came from (torch.kthvalue). */
    kthvalue(k: number, dim?: number, keepDim?: boolean): SortResult;
    /** The most frequent value along `dim` and its last position (torch.mode). */
    mode(dim?: number, keepDim?: boolean): SortResult;
    /** The sum of the elements that are not NaN (torch.nansum). */
    nansum(dim?: Dims, keepDim?: boolean): Tensor;
    /** The mean of the elements that are not NaN (torch.nanmean). */
    nanmean(dim?: Dims, keepDim?: boolean): Tensor;
    /** The smallest and largest elements (torch.aminmax). */
    aminmax(options?: ops.AminmaxOptions): { min: Tensor; max: Tensor };
    /** Sorted along dim 0 (torch.msort). */
    msort(): Tensor;
    /** The q-th quantiles (torch.quantile). */
    quantile(q: number | readonly number[] | Tensor, dim?: number, options?: ops.QuantileOptions): Tensor;
    /** The q-th quantiles of the elements that are not NaN (torch.nanquantile). */
    nanquantile(q: number | readonly number[] | Tensor, dim?: number, options?: ops.QuantileOptions): Tensor;
    /** The running maximum along `dim` and where each was reached (torch.cummax). */
    cummax(dim: number): SortResult;
    /** The running minimum along `dim` and where each was reached (torch.cummin). */
    cummin(dim: number): SortResult;
    /** log(cumsum(exp(this))) along `dim`, computed stably (torch.logcumsumexp). */
    logcumsumexp(dim: number): Tensor;
    /** The covariance matrix of the variables in the rows (torch.cov). */
    cov(options?: ops.CovOptions): Tensor;
    /** The correlation coefficients of the variables in the rows (torch.corrcoef). */
    corrcoef(): Tensor;
    /** True when other has this shape and these elements (torch.equal). */
    equal(other: Tensor): boolean;
    /** 1 where the sign bit is set (torch.signbit). */
    signbit(): Tensor;
    /** 1 where +Infinity (torch.isposinf). */
    isposinf(): Tensor;
    /** 1 where -Infinity (torch.isneginf). */
    isneginf(): Tensor;
    /** 1 where 0 (torch.logical_not). */
    logicalNot(): Tensor;
    /** sin(pi x) / (pi x), 1 at 0 (torch.sinc). */
    sinc(): Tensor;
    /** 2^x (torch.exp2). */
    exp2(): Tensor;
    /** Degrees as radians (torch.deg2rad). */
    deg2rad(): Tensor;
    /** Radians as degrees (torch.rad2deg). */
    rad2deg(): Tensor;
    /** sign (torch.sgn). */
    sgn(): Tensor;
    /** abs (torch.absolute). */
    absolute(): Tensor;
    /** neg (torch.negative). */
    negative(): Tensor;
    /** trunc (torch.fix). */
    fix(): Tensor;
    /** acos (torch.arccos). */
    arccos(): Tensor;
    /** asin (torch.arcsin). */
    arcsin(): Tensor;
    /** atan (torch.arctan). */
    arctan(): Tensor;
    /** acosh (torch.arccosh). */
    arccosh(): Tensor;
    /** asinh (torch.arcsinh). */
    arcsinh(): Tensor;
    /** atanh (torch.arctanh). */
    arctanh(): Tensor;
    /** log |Gamma(x)| (torch.lgamma). */
    lgamma(): Tensor;
    /** The digamma function (torch.digamma). */
    digamma(): Tensor;
    /** The inverse error function (torch.erfinv). */
    erfinv(): Tensor;
    /** The modified Bessel function I0 (torch.i0). */
    i0(): Tensor;
    /** this log(other), 0 where this is 0 (torch.xlogy). */
    xlogy(other: Operand): Tensor;
    /** log2(2^this + 2^other) (torch.logaddexp2). */
    logaddexp2(other: Operand): Tensor;
    /** |this| with the sign of other (torch.copysign). */
    copysign(other: Operand): Tensor;
    /** The step function, `other` at 0 (torch.heaviside). */
    heaviside(other: Operand): Tensor;
    /** this / other rounded down (torch.floor_divide). */
    floorDivide(other: Operand): Tensor;
    /** The greatest common divisor with other, for integer values (torch.gcd). */
    gcd(other: Operand): Tensor;
    /** The least common multiple with other, for integer values (torch.lcm). */
    lcm(other: Operand): Tensor;
    /** this ** exponent in double, rounded once (torch.float_power). */
    floatPower(exponent: Operand): Tensor;
    /** The regularized lower incomplete gamma function P(this, x) (torch.igamma). */
    igamma(x: Operand): Tensor;
    /** The regularized upper incomplete gamma function Q(this, x) (torch.igammac). */
    igammac(x: Operand): Tensor;
    /** The indices of the nonzero elements, one row each (torch.argwhere). */
    argwhere(): Tensor;
    /** The matrix exponential of each square matrix (torch.matrix_exp). */
    matrixExp(): Tensor;
    /** The p-norm of this - other over all elements (torch.dist). */
    dist(other: Operand, p?: number): Tensor;
    /** This expanded to other's shape (torch.expand_as). */
    expandAs(other: Tensor): Tensor;
    /** This reshaped to other's shape (torch.view_as: every tensor here is contiguous). */
    viewAs(other: Tensor): Tensor;
    /** This reshaped to other's shape (torch.reshape_as). */
    reshapeAs(other: Tensor): Tensor;
    /** A tensor of zeros of `shape` (torch.new_zeros). */
    newZeros(shape: readonly number[]): Tensor;
    /** A tensor of ones of `shape` (torch.new_ones). */
    newOnes(shape: readonly number[]): Tensor;
    /** A tensor of `shape` filled with value (torch.new_full). */
    newFull(shape: readonly number[], value: number): Tensor;
    /** A tensor of `shape` (zeros here: storage is never left unwritten; torch.new_empty). */
    newEmpty(shape: readonly number[]): Tensor;
    /** A new tensor of data, as tensor(data) (torch.new_tensor). */
    newTensor(data: Parameters<typeof ops.tensor>[0]): Tensor;
    /** The outer product with other (torch.ger, outer's old name). */
    ger(other: Tensor): Tensor;
    /** The element count (torch.nelement). */
    nelement(): number;
    /** Bytes per element: 4 (float32; 8 in the float64 storage of the library's gradient checks). */
    elementSize(): number;
    /** True: every tensor here is contiguous. */
    isContiguous(): boolean;
    /** This tensor itself (torch's x.contiguous(): every tensor here is contiguous already). */
    contiguous(): this;
    /**
     * This tensor itself, as torch's x.to(...) when nothing changes: the device 'cpu', the dtype
     * 'float32', { device, dtype } of those, or another tensor (whose device and dtype are these).
     * Any other device or dtype is an error that names it.
     */
    to(target: string | PlacementOptions | Tensor): this;
    /** This tensor itself (torch's x.cpu(): it is on the CPU). */
    cpu(): this;
    /** This tensor itself (torch's x.float(): it holds float32). */
    float(): this;
    // In place, as torch's methods of the same names: outside the graph (noGrad, or no gradient needed).
    /** this += alpha * other in place (broadcast into this shape). */
    add_(other: Operand, alpha?: number): this;
    /** this -= alpha * other in place. */
    sub_(other: Operand, alpha?: number): this;
    /** The main diagonal set to value in place: of a matrix, or of a tensor whose dims are all one length; wrap starts a tall matrix's diagonal again below the square (torch's fill_diagonal_). */
    fillDiagonal_(value: number, wrap?: boolean): this;
    /** 0 / 1 draws written in, 1 with probability p (a number, or a tensor broadcast to this shape; default 0.5; torch's bernoulli_). */
    bernoulli_(p?: Tensor | number): this;
    /** Cut from the graph in place: no gradient needed, no node (torch's detach_). */
    detach_(): this;
    /** Each element replaced by fn(element), in place (torch's apply_). */
    apply_(fn: (v: number) => number): this;
    /** Each element replaced by fn(element, other's element), other broadcast to this shape, in place (torch's map_). */
    map_(other: Tensor, fn: (a: number, b: number) => number): this;
    /** The elements (row-major, as the storage) at storageOffset + sum of i_k stride_k, in `size` (torch's as_strided; a copy here). */
    asStrided(size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor;
    /** This tensor with src written over the elements asStrided reads (torch's as_strided_scatter). */
    asStridedScatter(src: Tensor, size: readonly number[], stride: readonly number[], storageOffset?: number): Tensor;
    /** Every element set to value. */
    fill_(value: number): this;
    /** Every element set to 0. */
    zero_(): this;
    /** src's values (broadcast to this shape) copied in. */
    copy_(src: Tensor): this;
    /** Uniform draws in [from, to) written in (default [0, 1)). */
    uniform_(from?: number, to?: number): this;
    /** Normal draws of mean and std written in (default 0 and 1). */
    normal_(mean?: number, std?: number): this;
    /** Exponential draws of rate lambd written in (default 1; torch's exponential_). */
    exponential_(lambd?: number): this;
    /** Geometric draws (the trial of the first success, each of probability p) written in (torch's geometric_). */
    geometric_(p: number): this;
    /** Log-normal draws written in: exp of a normal of mean and std (defaults 1 and 2; torch's log_normal_). */
    logNormal_(mean?: number, std?: number): this;
    /** Cauchy draws of median and sigma written in (defaults 0 and 1; torch's cauchy_). */
    cauchy_(median?: number, sigma?: number): this;
    /** Integers drawn uniformly from [from, to) written in: random_(to) is [0, to), random_() [0, 2^24] (torch's random_). */
    random_(from?: number, to?: number): this;
    /** 1 where both are nonzero (torch.logical_and). */
    logicalAnd(other: Operand): Tensor;
    /** 1 where either is nonzero (torch.logical_or). */
    logicalOr(other: Operand): Tensor;
    /** 1 where exactly one is nonzero (torch.logical_xor). */
    logicalXor(other: Operand): Tensor;
    /** this 2^other (torch.ldexp). */
    ldexp(other: Operand): Tensor;
    /** atan2 (torch.arctan2). */
    arctan2(other: Operand): Tensor;
    /** mul (torch.multiply). */
    multiply(other: Operand): Tensor;
    /** sub (torch.subtract). */
    subtract(other: Operand): Tensor;
    /** div (torch.divide). */
    divide(other: Operand, options?: DivOptions): Tensor;
    /** div (torch.true_divide). */
    trueDivide(other: Operand): Tensor;
    /** gt (torch.greater). */
    greater(other: Operand): Tensor;
    /** ge (torch.greater_equal). */
    greaterEqual(other: Operand): Tensor;
    /** lt (torch.less). */
    less(other: Operand): Tensor;
    /** le (torch.less_equal). */
    lessEqual(other: Operand): Tensor;
    /** ne (torch.not_equal). */
    notEqual(other: Operand): Tensor;
    /** 1 where an element is among test's (torch.isin). */
    isin(test: Tensor | readonly number[] | number, invert?: boolean): Tensor;
    /** log(z / (1 - z)), z clamped to [eps, 1 - eps] when eps is given (torch.logit). */
    logit(eps?: number): Tensor;
    /** clamp (torch.clip). */
    clip(min?: Tensor | number | null, max?: Tensor | number | null): Tensor;
    /** swapaxes (torch.swapdims). */
    swapdims(a: number, b: number): Tensor;
    /** The n-th derivative of digamma (torch.polygamma, as this.polygamma(n)). */
    polygamma(n: number): Tensor;
    /** The multivariate log-gamma of dimension p (torch.mvlgamma). */
    mvlgamma(p: number): Tensor;
    /** 0 / 1 draws with the probabilities this tensor holds, or with p for each element (torch.bernoulli). */
    bernoulli(p?: number): Tensor;
    /** Category indices drawn by this tensor's weights, per row (torch.multinomial). */
    multinomial(numSamples: number, replacement?: boolean): Tensor;
    /** The elements of this tensor flattened at `index` (torch.take). */
    take(index: Tensor): Tensor;
    /** This tensor with select(dim, index) replaced by src (torch.select_scatter). */
    selectScatter(src: Tensor, dim: number, index: number): Tensor;
    /** This tensor with the slice start:end:step of dim replaced by src (torch.slice_scatter). */
    sliceScatter(src: Tensor, dim?: number, start?: number | null, end?: number | null, step?: number): Tensor;
    /** This tensor with a diagonal replaced by src (torch.diagonal_scatter). */
    diagonalScatter(src: Tensor, offset?: number, dim1?: number, dim2?: number): Tensor;
    /** This tensor with the masked positions filled by source's first elements (torch.masked_scatter). */
    maskedScatter(mask: Tensor, source: Tensor): Tensor;
    /** Each slice along dim scaled down to p-norm maxnorm where above it (torch.renorm). */
    renorm(p: number, dim: number, maxnorm: number): Tensor;
    /** The product of all elements, or along `dim` (torch.prod, in float; zeros get their gradient). */
    prod(dim?: number, keepDim?: boolean): Tensor;
    /** The elements in reverse order along each of `dims` (torch.flip). */
    flip(dims: readonly number[]): Tensor;
    /** The vector p-norm (p 1, 2 or Infinity; default 2) of all elements or along `dim` (one or a list), as torch.norm. */
    norm(p?: number, dim?: Dims, keepDim?: boolean): Tensor;
    /** The largest value, of all or along `dim` (one or a list), as torch.amax (the gradient shared among ties). */
    amax(dim?: Dims, keepDim?: boolean): Tensor;
    /** The smallest value, as torch.amin. */
    amin(dim?: Dims, keepDim?: boolean): Tensor;
    /** 1 where NaN, else 0 (torch.isnan). */
    isnan(): Tensor;
    /** 1 where infinite, else 0 (torch.isinf). */
    isinf(): Tensor;
    /** 1 where finite, else 0 (torch.isfinite). */
    isfinite(): Tensor;
    /** 1 where within atol + rtol |other| of other, else 0 (torch.isclose). */
    isclose(other: Operand, options?: CloseOptions): Tensor;
    /** Whether every element is close to other's (torch.allclose). */
    allclose(other: Operand, options?: CloseOptions): boolean;
    /** this + weight (end - this) (torch.lerp). */
    lerp(end: Operand, weight: Operand): Tensor;
    /** The n-th forward difference along dim (default the last; torch.diff). */
    diff(n?: number, dim?: number): Tensor;
    /** Rolled along dims (or flattened without them; torch.roll). */
    roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor;
    /** NaN and the infinities replaced (torch.nan_to_num). */
    nanToNum(options?: NanToNumOptions): Tensor;
    /** How many elements are not 0, over all or along dims (torch.count_nonzero). */
    countNonzero(dim?: Dims): Tensor;
    /** Repeated reps times along each dim, fewer reps counting from the last (torch.tile). */
    tile(reps: readonly number[]): Tensor;
    /** Dims moved from source to destination (torch.movedim). */
    movedim(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    /** Dims a and b exchanged (torch.swapaxes). */
    swapaxes(a: number, b: number): Tensor;
    /** The diagonal over dim1 and dim2, as the last dim (torch.diagonal). */
    diagonal(offset?: number, dim1?: number, dim2?: number): Tensor;
    /** A 1-D tensor's diagonal matrix, or a 2-D tensor's diagonal (torch.diag). */
    diag(diagonal?: number): Tensor;
    /** This tensor's last dim on a diagonal of two new dims (torch.diag_embed). */
    diagEmbed(offset?: number, dim1?: number, dim2?: number): Tensor;
    /** This tensor flattened onto a diagonal of a square matrix (torch.diagflat). */
    diagflat(offset?: number): Tensor;
    /** This tensor expanded to `shape` (torch.broadcast_to; -1 keeps a size). */
    broadcastTo(shape: readonly number[]): Tensor;
    /** The slices along `dim`, that dim removed (torch.unbind). */
    unbind(dim?: number): Tensor[];
    /** `dim` split into dims of `sizes`, one of which may be -1 (torch.unflatten). */
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    /** torch.moveaxis: movedim's other name. */
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
    /** This tensor as one dim (torch.ravel). */
    ravel(): Tensor;
    /** Cut along `dim` into n near-equal parts or before each index (torch.tensor_split). */
    tensorSplit(points: ops.SplitPoints, dim?: number): Tensor[];
    /** Cut along the columns (torch.hsplit). */
    hsplit(points: ops.SplitPoints): Tensor[];
    /** Cut along the rows (torch.vsplit). */
    vsplit(points: ops.SplitPoints): Tensor[];
    /** Cut along dim 2 (torch.dsplit). */
    dsplit(points: ops.SplitPoints): Tensor[];
    /** Mirrored along dim 1 (torch.fliplr). */
    fliplr(): Tensor;
    /** Mirrored along dim 0 (torch.flipud). */
    flipud(): Tensor;
    /** Turned k quarter turns in the plane of `dims` (torch.rot90). */
    rot90(k?: number, dims?: readonly [number, number]): Tensor;
    /** The elements at `indices` along `dim`, broadcast (torch.take_along_dim). */
    takeAlongDim(indices: Tensor, dim?: number): Tensor;
    /** The sum of a 2-D tensor's main diagonal (torch.trace). */
    trace(): Tensor;
    /** Each element repeated, along dim or over the flattened tensor (torch.repeat_interleave). */
    repeatInterleave(repeats: number | readonly number[] | Tensor, dim?: number): Tensor;
    /** The determinant of this square matrix or of each in the batch (torch.det). */
    det(): Tensor;
    /** log det of this square matrix or of each in the batch (torch.logdet). */
    logdet(): Tensor;
    /** The determinant's sign and log |det| (torch.slogdet). */
    slogdet(): SlogdetResult;
    /** The inverse of this square matrix or of each in the batch (torch.inverse). */
    inverse(): Tensor;
    /** The pseudoinverse, singular values at most rcond times the largest taken as zero (torch.pinverse). */
    pinverse(rcond?: number): Tensor;
    /** The Kronecker product with other (torch.kron). */
    kron(other: Tensor): Tensor;
    /** The distinct values, flattened and sorted (torch.unique). */
    unique(options?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
    /** The distinct values with their inverse and counts (torch.unique with return_inverse / return_counts). */
    unique(options: UniqueOptions): UniqueResult;
    /** Counts of each non-negative integer of this 1-D tensor (torch.bincount). */
    bincount(options?: BincountOptions): Tensor;
    /** A histogram in equal bins (torch.histc). */
    histc(options?: HistcOptions): Tensor;
    /** A histogram with its bin edges: bins equal bins, or the edges themselves as a tensor (torch.histogram). */
    histogram(bins?: number | Tensor, options?: HistogramOptions): HistogramResult;
    /** Each run of equal neighbours as one value (torch.unique_consecutive). */
    uniqueConsecutive(options?: UniqueConsecutiveOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
    /** Each run of equal neighbours as one value, with the inverse and the runs' lengths (torch.unique_consecutive). */
    uniqueConsecutive(options: UniqueConsecutiveOptions): UniqueResult;
    /** The mantissa in [0.5, 1) and the integer exponent: this = mantissa 2^exponent (torch.frexp). */
    frexp(): { mantissa: Tensor; exponent: Tensor };
    /** The dot product of two 1-D tensors (torch.vdot; real tensors, so dot). */
    vdot(other: Tensor): Tensor;
    /** Summed down to `size`, a shape that broadcasts to this one (torch's sum_to_size): the backward of expanding. */
    sumToSize(size: readonly number[]): Tensor;
    /** Pieces of the given lengths along dim (torch's split_with_sizes). */
    splitWithSizes(splitSizes: readonly number[], dim?: number): Tensor[];
    /** 0 where |this| <= lambd, this elsewhere (torch.nn.functional.hardshrink; default 0.5). */
    hardshrink(lambd?: number): Tensor;
    /** max(0, this) + weight min(0, this), one slope or one per channel (dim 1) (torch.nn.functional.prelu). */
    prelu(weight: Tensor): Tensor;
    /** clamp with a lower bound alone (torch.clamp_min). */
    clampMin(min: Tensor | number): Tensor;
    /** clamp with an upper bound alone (torch.clamp_max). */
    clampMax(max: Tensor | number): Tensor;
    /** Element-wise maximum that takes the number where one side is NaN (torch.fmax). */
    fmax(other: Operand): Tensor;
    /** Element-wise minimum that takes the number where one side is NaN (torch.fmin). */
    fmin(other: Operand): Tensor;
    /**
     * This tensor with the positions `indices` name (one integer index per leading dim, broadcast
     * together) replaced by values, or with values added there when accumulate (torch.index_put:
     * `x[i, j] = v`, `x[i, j] += v`).
     */
    indexPut(indices: readonly IndexLike[], values: Tensor, accumulate?: boolean): Tensor;
    /** This tensor with its elements (flattened) at index replaced by source's, or with them added when accumulate (torch's put). */
    put(index: IndexLike, source: Tensor, accumulate?: boolean): Tensor;
  }
}

const P = Tensor.prototype;
P.add = function (o) { return ops.add(this, o); };
P.sub = function (o) { return ops.sub(this, o); };
P.mul = function (o) { return ops.mul(this, o); };
P.div = function (o, opts) { return ops.div(this, o, opts); };
P.pow = function (o) { return ops.pow(this, o); };
P.neg = function () { return ops.neg(this); };
P.exp = function () { return ops.exp(this); };
P.log = function () { return ops.log(this); };
P.sqrt = function () { return ops.sqrt(this); };
P.log1p = function () { return ops.log1p(this); };
P.sign = function () { return ops.sign(this); };
P.floor = function () { return ops.floor(this); };
P.ceil = function () { return ops.ceil(this); };
P.round = function (o) { return ops.round(this, o); };
P.trunc = function () { return ops.trunc(this); };
P.frac = function () { return ops.frac(this); };
P.sin = function () { return ops.sin(this); };
P.cos = function () { return ops.cos(this); };
P.erf = function () { return ops.erf(this); };
P.expm1 = function () { return ops.expm1(this); };
P.log2 = function () { return ops.log2(this); };
P.log10 = function () { return ops.log10(this); };
P.erfc = function () { return ops.erfc(this); };
P.tan = function () { return ops.tan(this); };
P.atan = function () { return ops.atan(this); };
P.asin = function () { return ops.asin(this); };
P.acos = function () { return ops.acos(this); };
P.sinh = function () { return ops.sinh(this); };
P.cosh = function () { return ops.cosh(this); };
P.asinh = function () { return ops.asinh(this); };
P.acosh = function () { return ops.acosh(this); };
P.atanh = function () { return ops.atanh(this); };
P.atan2 = function (o) { return ops.atan2(this, o); };
P.fmod = function (o) { return ops.fmod(this, o); };
P.remainder = function (o) { return ops.remainder(this, o); };
P.logaddexp = function (o) { return ops.logaddexp(this, o); };
P.hypot = function (o) { return ops.hypot(this, o); };
P.maximum = function (o) { return ops.maximum(this, o); };
P.minimum = function (o) { return ops.minimum(this, o); };
P.clamp = function (lo, hi) { return ops.clamp(this, lo, hi); };
P.min = function (d, k) { return ops.min(this, d, k); };
P.argmin = function (d, k) { return ops.argmin(this, d, k); };
P.abs = function () { return ops.abs(this); };
P.matmul = function (o) { return ops.matmul(this, o); };
P.mm = function (o) { return ops.mm(this, o); };
P.bmm = function (o) { return ops.bmm(this, o); };
P.outer = function (o) { return ops.outer(this, o); };
P.addmm = function (m1, m2, opts) { return ops.addmm(this, m1, m2, opts); };
P.dot = function (o) { return ops.dot(this, o); };
P.inner = function (o) { return ops.inner(this, o); };
P.mv = function (v) { return ops.mv(this, v); };
P.addmv = function (m, v, opts) { return ops.addmv(this, m, v, opts); };
P.addr = function (a, b, opts) { return ops.addr(this, a, b, opts); };
P.baddbmm = function (a, b, opts) { return ops.baddbmm(this, a, b, opts); };
P.addbmm = function (a, b, opts) { return ops.addbmm(this, a, b, opts); };
P.addcmul = function (a, b, opts) { return ops.addcmul(this, a, b, opts); };
P.addcdiv = function (a, b, opts) { return ops.addcdiv(this, a, b, opts); };
P.sum = function (d, k) { return ops.sum(this, d, k); };
P.mean = function (d, k) { return ops.mean(this, d, k); };
P.max = function (d, k) { return ops.max(this, d, k); };
P.argmax = function (d, k) { return ops.argmax(this, d, k); };
P.reshape = function (s) { return ops.reshape(this, s); };
P.transpose = function (a, b) { return ops.transpose(this, a, b); };
P.flatten = function (s, e) { return ops.flatten(this, s, e); };
P.expand = function (s) { return ops.expand(this, s); };
P.repeat = function (r) { return ops.repeat(this, r); };
P.unsqueeze = function (d) { return ops.unsqueeze(this, d); };
P.squeeze = function (d) { return ops.squeeze(this, d); };
P.narrow = function (d, s, n) { return ops.narrow(this, d, s, n); };
P.unfold = function (d, s, st) { return unfoldWindows(this, d, s, st); };
P.split = function (s, d) { return ops.split(this, s, d); };
P.chunk = function (c, d) { return ops.chunk(this, c, d); };
P.clone = function () { return ops.clone(this); };
P.permute = function (d) { return ops.permute(this, d); };
P.gt = function (o) { return ops.gt(this, o); };
P.ge = function (o) { return ops.ge(this, o); };
P.lt = function (o) { return ops.lt(this, o); };
P.le = function (o) { return ops.le(this, o); };
P.eq = function (o) { return ops.eq(this, o); };
P.ne = function (o) { return ops.ne(this, o); };
P.var = function (d, o) { return ops.variance(this, d, o); };
P.std = function (d, o) { return ops.std(this, d, o); };
P.logsumexp = function (d, k) { return ops.logsumexp(this, d, k); };
P.silu = function () { return ops.silu(this); };
P.softplus = function (b, t) { return ops.softplus(this, b, t); };
P.indexSelect = function (d, i) { return ops.indexSelect(this, d, i); };
P.select = function (d, i) { return ops.select(this, d, i); };
P.gather = function (d, i) { return ops.gather(this, d, i); };
P.scatterAdd = function (d, i, s) { return ops.scatterAdd(this, d, i, s); };
P.scatter = function (d, i, s) { return ops.scatter(this, d, i, s); };
P.scatterReduce = function (d, i, s, r, o) { return ops.scatterReduce(this, d, i, s, r, o); };
P.indexReduce = function (d, i, s, r, o) { return ops.indexReduce(this, d, i, s, r, o); };
P.indexAdd = function (d, i, s, o) { return ops.indexAdd(this, d, i, s, o); };
P.indexCopy = function (d, i, s) { return ops.indexCopy(this, d, i, s); };
P.indexFill = function (d, i, v) { return ops.indexFill(this, d, i, v); };
P.maskedSelect = function (m) { return ops.maskedSelect(this, m); };
P.nonzero = function () { return ops.nonzero(this); };
P.relu = function () { return ops.relu(this); };
P.sigmoid = function () { return ops.sigmoid(this); };
P.tanh = function () { return ops.tanh(this); };
P.gelu = function () { return ops.gelu(this); };
P.leakyRelu = function (s) { return ops.leakyRelu(this, s); };
P.elu = function (a) { return ops.elu(this, a); };
P.softmax = function (d) { return ops.softmax(this, d); };
P.logSoftmax = function (d) { return ops.logSoftmax(this, d); };
P.t = function () { return ops.t(this); };
P.view = function (s) { return ops.reshape(this, s); };
P.numel = function () { return this.size; };
P.dim = function () { return this.ndim; };
P.ndimension = function () { return this.ndim; };
P.stride = function (this: Tensor, d?: number): number & number[] {
  const strides = contiguousStrides(this.shape);
  return (d === undefined ? strides : strides[normDim(d, this.ndim, 'stride')]) as number & number[];
} as Tensor['stride'];
P.where = function (c, o) { return ops.where(c, this, o); };
P.typeAs = function (this: Tensor, o: Tensor) { checkOther(o, 'typeAs'); return this; };
P.positive = function () { return this; };
P.cross = function (o, d) { return linalgOps.crossAlong(this, o, d); };
P.matrixPower = function (n) { return linalgOps.matrixPower(this, n); };
P.nextafter = function (o) { return ops.nextafter(this, o); };
P.tolist = function () { return this.toArray(); };
P.square = function () { return ops.square(this); };
P.reciprocal = function () { return ops.reciprocal(this); };
P.rsqrt = function () { return ops.rsqrt(this); };
P.sort = function (d, desc) { return ops.sort(this, d, desc); };
P.argsort = function (d, desc) { return ops.argsort(this, d, desc); };
P.topk = function (k, o) { return ops.topk(this, k, o); };
P.maskedFill = function (m, v) { return ops.maskedFill(this, m, v); };
P.tril = function (k) { return ops.tril(this, k); };
P.triu = function (k) { return ops.triu(this, k); };
P.all = function (d, k) { return ops.all(this, d, k); };
P.any = function (d, k) { return ops.any(this, d, k); };
P.cumsum = function (d) { return ops.cumsum(this, d); };
P.cumprod = function (d) { return ops.cumprod(this, d); };
P.median = function (this: Tensor, d?: number, k?: boolean) { return d === undefined ? ops.median(this) : ops.median(this, d, k); } as Tensor['median'];
P.nanmedian = function (this: Tensor, d?: number, k?: boolean) { return d === undefined ? ops.nanmedian(this) : ops.nanmedian(this, d, k); } as Tensor['nanmedian'];
P.kthvalue = function (k, d, keep) { return ops.kthvalue(this, k, d, keep); };
P.mode = function (d, keep) { return ops.mode(this, d, keep); };
P.nansum = function (d, k) { return ops.nansum(this, d, k); };
P.nanmean = function (d, k) { return ops.nanmean(this, d, k); };
P.aminmax = function (o) { return ops.aminmax(this, o); };
P.msort = function () { return ops.msort(this); };
P.quantile = function (q, d, o) { return ops.quantile(this, q, d, o); };
P.nanquantile = function (q, d, o) { return ops.nanquantile(this, q, d, o); };
P.cummax = function (d) { return ops.cummax(this, d); };
P.cummin = function (d) { return ops.cummin(this, d); };
P.logcumsumexp = function (d) { return ops.logcumsumexp(this, d); };
P.cov = function (o) { return ops.cov(this, o); };
P.corrcoef = function () { return ops.corrcoef(this); };
P.equal = function (o) { return ops.equal(this, o); };
P.signbit = function () { return ops.signbit(this); };
P.isposinf = function () { return ops.isposinf(this); };
P.isneginf = function () { return ops.isneginf(this); };
P.logicalNot = function () { return ops.logicalNot(this); };
P.sinc = function () { return ops.sinc(this); };
P.exp2 = function () { return ops.exp2(this); };
P.deg2rad = function () { return ops.deg2rad(this); };
P.rad2deg = function () { return ops.rad2deg(this); };
P.sgn = function () { return ops.sgn(this); };
P.absolute = function () { return ops.absolute(this); };
P.negative = function () { return ops.negative(this); };
P.fix = function () { return ops.fix(this); };
P.arccos = function () { return ops.arccos(this); };
P.arcsin = function () { return ops.arcsin(this); };
P.arctan = function () { return ops.arctan(this); };
P.arccosh = function () { return ops.arccosh(this); };
P.arcsinh = function () { return ops.arcsinh(this); };
P.arctanh = function () { return ops.arctanh(this); };
P.lgamma = function () { return ops.lgamma(this); };
P.digamma = function () { return ops.digamma(this); };
P.erfinv = function () { return ops.erfinv(this); };
P.i0 = function () { return ops.i0(this); };
P.xlogy = function (o) { return ops.xlogy(this, o); };
P.logaddexp2 = function (o) { return ops.logaddexp2(this, o); };
P.copysign = function (o) { return ops.copysign(this, o); };
P.heaviside = function (o) { return ops.heaviside(this, o); };
P.floorDivide = function (o) { return ops.floorDivide(this, o); };
P.gcd = function (o) { return ops.gcd(this, o); };
P.lcm = function (o) { return ops.lcm(this, o); };
P.floatPower = function (e) { return ops.floatPower(this, e); };
P.igamma = function (x) { return ops.igamma(this, x); };
P.igammac = function (x) { return ops.igammac(this, x); };
P.argwhere = function () { return ops.argwhere(this); };
P.matrixExp = function () { return ops.matrixExp(this); };
P.dist = function (o, p) { return ops.dist(this, o, p); };
P.expandAs = function (o) { return ops.expand(this, checkOther(o, 'expandAs').shape); };
P.viewAs = function (o) { return ops.reshape(this, checkOther(o, 'viewAs').shape); };
P.reshapeAs = function (o) { return ops.reshape(this, checkOther(o, 'reshapeAs').shape); };
P.newZeros = function (s) { return ops.zeros(s); };
P.newOnes = function (s) { return ops.ones(s); };
P.newFull = function (s, v) { return ops.full(s, v); };
P.newEmpty = function (s) { return ops.zeros(s); };
P.newTensor = function (d) { return ops.tensor(d); };
P.ger = function (o) { return ops.outer(this, o); };
P.nelement = function () { return this.size; };
P.elementSize = function () { return this.data.BYTES_PER_ELEMENT; };
P.isContiguous = function () { return true; };
P.contiguous = function () { return this; };
P.to = function (t) {
  if (!(t instanceof Tensor)) checkPlacement(t, 'to');
  return this;
};
P.cpu = function () { return this; };
P.float = function () { return this; };
P.add_ = function (o, a) { return inplace.add_(this, o, a) as typeof this; };
P.sub_ = function (o, a) { return inplace.sub_(this, o, a) as typeof this; };
P.fill_ = function (v) { return inplace.fill_(this, v) as typeof this; };
P.zero_ = function () { return inplace.zero_(this) as typeof this; };
P.copy_ = function (src) { return inplace.copy_(this, src) as typeof this; };
P.uniform_ = function (a, b) { return inplace.uniform_(this, a, b) as typeof this; };
P.normal_ = function (m, sd) { return inplace.normal_(this, m, sd) as typeof this; };
P.exponential_ = function (l) { return inplace.exponential_(this, l) as typeof this; };
P.geometric_ = function (p) { return inplace.geometric_(this, p) as typeof this; };
P.logNormal_ = function (m, sd) { return inplace.logNormal_(this, m, sd) as typeof this; };
P.cauchy_ = function (m, s) { return inplace.cauchy_(this, m, s) as typeof this; };
P.random_ = function (a, b) { return inplace.random_(this, a, b) as typeof this; };
P.fillDiagonal_ = function (v, w) { return inplace.fillDiagonal_(this, v, w) as typeof this; };
P.bernoulli_ = function (p) { return inplace.bernoulli_(this, p) as typeof this; };
P.apply_ = function (fn) { return inplace.apply_(this, fn) as typeof this; };
P.map_ = function (o, fn) { return inplace.map_(this, o, fn) as typeof this; };
P.asStrided = function (size, stride, off) { return asStrided(this, size, stride, off); };
P.asStridedScatter = function (src, size, stride, off) { return asStridedScatter(this, src, size, stride, off); };
P.detach_ = function () {
  this.node = null;
  this.requiresGrad = false;
  return this;
};
for (const name of inplace.IN_PLACE_TWINS) {
  (P as unknown as Record<string, unknown>)[`${name}_`] = function (this: Tensor, ...args: unknown[]) { return inplace.twin(this, name, args); };
}
P.logicalAnd = function (o) { return ops.logicalAnd(this, o); };
P.logicalOr = function (o) { return ops.logicalOr(this, o); };
P.logicalXor = function (o) { return ops.logicalXor(this, o); };
P.ldexp = function (o) { return ops.ldexp(this, o); };
P.arctan2 = function (o) { return ops.arctan2(this, o); };
P.multiply = function (o) { return ops.multiply(this, o); };
P.subtract = function (o) { return ops.subtract(this, o); };
P.divide = function (o, opts) { return ops.divide(this, o, opts); };
P.trueDivide = function (o) { return ops.trueDivide(this, o); };
P.greater = function (o) { return ops.greater(this, o); };
P.greaterEqual = function (o) { return ops.greaterEqual(this, o); };
P.less = function (o) { return ops.less(this, o); };
P.lessEqual = function (o) { return ops.lessEqual(this, o); };
P.notEqual = function (o) { return ops.notEqual(this, o); };
P.isin = function (t, inv) { return ops.isin(this, t, inv); };
P.logit = function (e) { return ops.logit(this, e); };
P.clip = function (lo, hi) { return ops.clip(this, lo, hi); };
P.swapdims = function (a, b) { return ops.swapdims(this, a, b); };
P.polygamma = function (n) { return ops.polygamma(n, this); };
P.mvlgamma = function (p) { return ops.mvlgamma(this, p); };
P.bernoulli = function (p) { return ops.bernoulli(this, p); };
P.multinomial = function (n, r) { return ops.multinomial(this, n, r); };
P.take = function (i) { return ops.take(this, i); };
P.selectScatter = function (src, d, i) { return ops.selectScatter(this, src, d, i); };
P.sliceScatter = function (src, d, a, b, st) { return ops.sliceScatter(this, src, d, a, b, st); };
P.diagonalScatter = function (src, o, d1, d2) { return ops.diagonalScatter(this, src, o, d1, d2); };
P.maskedScatter = function (m, src) { return ops.maskedScatter(this, m, src); };
P.renorm = function (p, d, m) { return ops.renorm(this, p, d, m); };
P.prod = function (d, k) { return ops.prod(this, d, k); };
P.flip = function (d) { return ops.flip(this, d); };
P.norm = function (p, d, k) { return ops.norm(this, p, d, k); };
P.amax = function (d, k) { return ops.amax(this, d, k); };
P.amin = function (d, k) { return ops.amin(this, d, k); };
P.isnan = function () { return ops.isnan(this); };
P.isinf = function () { return ops.isinf(this); };
P.isfinite = function () { return ops.isfinite(this); };
P.isclose = function (o, opts) { return ops.isclose(this, o, opts); };
P.allclose = function (o, opts) { return ops.allclose(this, o, opts); };
P.lerp = function (e, w) { return ops.lerp(this, e, w); };
P.diff = function (n, d) { return ops.diff(this, n, d); };
P.roll = function (s, d) { return ops.roll(this, s, d); };
P.nanToNum = function (o) { return ops.nanToNum(this, o); };
P.countNonzero = function (d) { return ops.countNonzero(this, d); };
P.tile = function (r) { return ops.tile(this, r); };
P.movedim = function (s, d) { return ops.movedim(this, s, d); };
P.swapaxes = function (a, b) { return ops.swapaxes(this, a, b); };
P.diagonal = function (o, d1, d2) { return ops.diagonal(this, o, d1, d2); };
P.diag = function (k) { return ops.diag(this, k); };
P.trace = function () { return ops.trace(this); };
P.repeatInterleave = function (r, d) { return ops.repeatInterleave(this, r, d); };
P.kron = function (o) { return ops.kron(this, o); };
P.diagEmbed = function (o, d1, d2) { return ops.diagEmbed(this, o, d1, d2); };
P.diagflat = function (o) { return ops.diagflat(this, o); };
P.broadcastTo = function (s) { return ops.broadcastTo(this, s); };
P.unbind = function (d) { return ops.unbind(this, d); };
P.unflatten = function (d, s) { return ops.unflatten(this, d, s); };
P.moveaxis = function (a, b) { return ops.moveaxis(this, a, b); };
P.ravel = function () { return ops.ravel(this); };
P.tensorSplit = function (p, d) { return ops.tensorSplit(this, p, d); };
P.hsplit = function (p) { return ops.hsplit(this, p); };
P.vsplit = function (p) { return ops.vsplit(this, p); };
P.dsplit = function (p) { return ops.dsplit(this, p); };
P.fliplr = function () { return ops.fliplr(this); };
P.flipud = function () { return ops.flipud(this); };
P.rot90 = function (k, d) { return ops.rot90(this, k, d); };
P.takeAlongDim = function (i, d) { return ops.takeAlongDim(this, i, d); };
P.det = function () { return ops.det(this); };
P.logdet = function () { return ops.logdet(this); };
P.slogdet = function () { return ops.slogdet(this); };
P.inverse = function () { return ops.inverse(this); };
P.pinverse = function (r) { return ops.pinverse(this, r); };
P.unique = function (this: Tensor, o?: UniqueOptions) { return ops.unique(this, o as UniqueOptions); } as Tensor['unique'];
P.bincount = function (o) { return ops.bincount(this, o); };
P.histc = function (o) { return ops.histc(this, o); };
P.histogram = function (b, o) { return ops.histogram(this, b, o); };
P.uniqueConsecutive = function (this: Tensor, o?: UniqueConsecutiveOptions) { return ops.uniqueConsecutive(this, o as UniqueConsecutiveOptions); } as Tensor['uniqueConsecutive'];
P.frexp = function () { return ops.frexp(this); };
P.vdot = function (o) { return ops.vdot(this, o); };
P.sumToSize = function (size) {
  const s = checkShape(size, 'sumToSize');
  if (!sameShape(broadcastShapes(s, this.shape, 'sumToSize'), this.shape)) throw new Error(`sumToSize: size ${fmt(s)} must broadcast to the tensor's shape ${fmt(this.shape)}`);
  return sumBackTo(this, s);
};
P.splitWithSizes = function (s, d) {
  if (!Array.isArray(s)) throw new Error(`splitWithSizes: splitSizes must be an array of lengths, got ${shown(s)}`);
  return ops.split(this, s, d);
};
P.hardshrink = function (l) { return ops.hardshrink(this, l); };
P.prelu = function (w) { return ops.prelu(this, w); };
P.clampMin = function (m) { return ops.clampMin(this, m); };
P.clampMax = function (m) { return ops.clampMax(this, m); };
P.fmax = function (o) { return ops.fmax(this, o); };
P.fmin = function (o) { return ops.fmin(this, o); };
P.indexPut = function (i, v, a) { return ops.indexPut(this, i, v, a); };
P.put = function (i, s, a) { return ops.put(this, i, s, a); };
Object.defineProperty(P, 'T', {
  get(this: Tensor) {
    if (this.ndim !== 2) throw new Error(`T: expects a 2-D tensor, got shape [${this.shape.join(', ')}]`);
    return ops.transpose(this, 0, 1);
  },
});
for (const name of ['mT', 'mH']) {
  Object.defineProperty(P, name, {
    get(this: Tensor) {
      if (this.ndim < 2) throw new Error(`${name}: expects a tensor with at least 2 dimensions, got shape [${this.shape.join(', ')}]`);
      return ops.transpose(this, -1, -2);
    },
  });
}

/** other, checked to be a tensor (the *As methods read its shape). */
function checkOther(o: unknown, what: string): Tensor {
  if (!(o instanceof Tensor)) throw new Error(`${what}: other must be a Tensor, got ${shown(o)}`);
  return o;
}
