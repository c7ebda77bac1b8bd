// torch.special's names (`bp.special.ndtr`, ...): the functions of ops/special_more.ts and ops/bessel.ts,
// and torch.special's other names for the library's own (expit is sigmoid, gammaln lgamma, psi digamma...).
export { ndtr, ndtri, logNdtr, erfcx, xlog1py, i0e, i1e, entr, sphericalBesselJ0, zeta, airyAi } from './ops/special_more';
export {
  chebyshevPolynomialT, chebyshevPolynomialU, chebyshevPolynomialV, chebyshevPolynomialW, shiftedChebyshevPolynomialT,
  shiftedChebyshevPolynomialU, shiftedChebyshevPolynomialV, shiftedChebyshevPolynomialW, hermitePolynomialH, hermitePolynomialHe,
  laguerrePolynomialL, legendrePolynomialP,
} from './ops/special_more';
export { besselJ0, besselJ1, besselY0, besselY1, modifiedBesselK0, modifiedBesselK1, scaledModifiedBesselK0, scaledModifiedBesselK1 } from './ops/bessel';
export { digamma, digamma as psi, lgamma as gammaln, polygamma, erfinv, i0, i0 as modifiedBesselI0, i1, i1 as modifiedBesselI1, mvlgamma as multigammaln, igamma as gammainc, igammac as gammaincc } from './ops/special';
export { erf, erfc, expm1, log1p, round, sigmoid as expit } from './ops/unary';
export { exp2, logit, sinc, xlogy } from './ops/pointwise_more';
export { logsumexp } from './ops/more';
export { softmax, logSoftmax } from './ops/softmax';
