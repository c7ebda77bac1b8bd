// The reference backend: plain TypeScript, one file per kernel family, the specification of each kernel.
import { Backend } from '../backend';
import { axpy, biasActGrad, binary, clamp, pointwise3, select, stridedCopy, unary, unaryGrad } from './elementwise';
import { gemm, gemmBatch, gemmPair, linearChain } from './gemm';
import { luFactor, luSolve } from './lu';
import { cholesky } from './cholesky';
import { householderQr } from './qr';
import { eigh } from './eigh';
import { svd } from './svd';
import { fftRows, realFftRows } from './fft';
import { triSolve } from './triangular';
import { countBins, distinct, gather, indexRows, indexRowsGrad, scatterFold } from './index_rows';
import { depthwiseConv2d, depthwiseConv2dGradInput, depthwiseConv2dGradWeight, gemmWindows, imageColumns, imageColumnsGrad, imageRows, imageRowsGrad, maxPool2d, maxPool3d } from './image';
import { gridSample, gridSampleGrad } from './grid_sample';
import { batchNorm, batchNormGrad, layerNorm, layerNormGrad } from './norm';
import { optimStep } from './optim';
import { dropoutMask, normalFill, uniformFill } from './random';
import { products, reduce, runningFold, runningPicks, sumAbs, sumProducts, sumSquares } from './reduce';
import { gruCell, gruCellGrad, lstmCell, lstmCellGrad } from './rnn_cell';
import { crossEntropy, crossEntropyGrad, softmax, softmaxGrad } from './softmax';
import { variance } from './variance';
import { distances, distancesGrad } from './distances';
import { avgPool, avgPoolGrad } from './avg_pool';
import { taps, tapsGrad } from './taps';
import { sortOrder } from './sort';
import { special } from './special_math';

export const referenceBackend: Backend = {
  name: 'reference',
  gemm, gemmPair, gemmBatch, linearChain, unary, unaryGrad, biasActGrad, binary, stridedCopy, axpy, clamp, select, pointwise3, indexRows, indexRowsGrad, scatterFold, countBins, distinct, taps, tapsGrad, gather, reduce, variance,
  softmax, softmaxGrad, crossEntropy, crossEntropyGrad, optimStep, runningFold, runningPicks, products, sumSquares, sumAbs, sumProducts, dropoutMask, uniformFill, normalFill, layerNorm, layerNormGrad,
  batchNorm, batchNormGrad, imageRows, imageRowsGrad, imageColumns, imageColumnsGrad, gemmWindows, gridSample, gridSampleGrad, maxPool2d, maxPool3d, avgPool, avgPoolGrad, depthwiseConv2d, depthwiseConv2dGradInput, depthwiseConv2dGradWeight,
  lstmCell, lstmCellGrad, gruCell, gruCellGrad, luFactor, luSolve, triSolve, cholesky, householderQr, eigh, svd, fftRows, realFftRows, distances, distancesGrad, sortOrder, special,
  setNumThreads(): void {},
  getNumThreads(): number { return 1; },
};
