// torch.distributions.VonMises: the circular normal on [-pi, pi) of location loc and concentration k.
// Its normalizer's log I0(k) is torch's polynomial approximation (Abramowitz and Stegun 9.8.1-4), so
// that logProb and its gradients are torch's; draws by Best and Fisher's rejection sampler, as torch's.
import { Tensor } from '../tensor';
import { add, mul, pow, sub } from '../ops/binary';
import { abs, cos, exp, log } from '../ops/unary';
import { lt, where } from '../ops/more';
import { expand } from '../ops/shape';
import { allocOutput } from '../storage';
import { uniform01 } from '../random';
import { noGrad } from '../autograd';
import { checkedParams, Distribution, DistributionOptions, notInTorch, Param, POSITIVE, REAL } from './distribution';

const I0_SMALL = [1.0, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.360768e-1, 0.45813e-2];
const I0_LARGE = [0.39894228, 0.1328592e-1, 0.225319e-2, -0.157565e-2, 0.916281e-2, -0.2057706e-1, 0.2635537e-1, -0.1647633e-1, 0.392377e-2];
const I1_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.2658733e-1, 0.301532e-2, 0.32411e-3];
const I1_LARGE = [0.39894228, -0.3988024e-1, -0.362018e-2, 0.163801e-2, -0.1031555e-1, 0.2282967e-1, -0.2895312e-1, 0.1787654e-1, -0.420059e-2];

/** c0 + y (c1 + y (c2 + ...)) in recorded ops (torch's _eval_poly). */
function poly(y: Tensor, coef: readonly number[]): Tensor {
  let result: Tensor | number = coef[coef.length - 1];
  for (let i = coef.length - 2; i >= 0; i--) result = add(mul(y, result), coef[i]);
  return result as Tensor;
}

/** log I0(x) or log I1(x) for x > 0 by torch's polynomials: below 3.75 in (x / 3.75)^2, above in 3.75 / x. */
export function logModifiedBessel(x: Tensor, order: 0 | 1): Tensor {
  const [smallCoef, largeCoef] = order === 0 ? [I0_SMALL, I0_LARGE] : [I1_SMALL, I1_LARGE];
  let small = poly(pow(mul(x, 1 / 3.75), 2), smallCoef);
  if (order === 1) small = mul(abs(x), small);
  const large = add(sub(x, mul(log(x), 0.5)), log(poly(mul(pow(x, -1), 3.75), largeCoef)));
  return where(lt(x, 3.75), log(small), large);
}

/** The von Mises distribution on the circle (torch.distributions.VonMises). */
export class VonMises extends Distribution {
  /** The locations (the mean directions). */
  readonly loc: Tensor;
  /** The concentrations k (positive). */
  readonly concentration: Tensor;
  readonly hasRsample = false;
  /**
   * @param loc the mean directions, in radians
   * @param concentration the concentrations, positive
   * @param options validateArgs
   */
  constructor(loc: Param, concentration: Param, options?: DistributionOptions) {
    const { shape, values: [l, k] } = checkedParams('VonMises', { loc: [loc, REAL], concentration: [concentration, POSITIVE] }, options);
    super(shape, [], options);
    [this.loc, this.concentration] = [l, k];
  }
  get mean(): Tensor { return this.loc; }
  /** The most likely direction, loc. */
  override get mode(): Tensor { return this.loc; }
  /** The circular variance 1 - I1(k) / I0(k). */
  get variance(): Tensor { return sub(1, exp(sub(logModifiedBessel(this.concentration, 1), logModifiedBessel(this.concentration, 0)))); }
  logProb(value: Param): Tensor {
    const v = this.valueOf(value, (x) => !Number.isNaN(x), 'real numbers');
    return sub(sub(mul(this.concentration, cos(sub(v, this.loc))), Math.log(2 * Math.PI)), logModifiedBessel(this.concentration, 0));
  }
  entropy(): Tensor { return notInTorch(this, 'entropy'); }
  override sample(sampleShape: readonly number[] = []): Tensor {
    const shape = this.extendedShape(sampleShape);
    return noGrad(() => {
      const [loc, k] = [expand(this.loc, shape), expand(this.concentration, shape)];
      const out = allocOutput(loc.size);
      for (let i = 0; i < out.length; i++) {
        const kappa = k.data[i];
        const tau = 1 + Math.sqrt(1 + 4 * kappa * kappa);
        const rho = (tau - Math.sqrt(2 * tau)) / (2 * kappa);
        const r = (1 + rho * rho) / (2 * rho);
        let x: number;
        for (;;) {
          const u1 = uniform01(), u2 = uniform01(), u3 = uniform01();
          const z = Math.cos(Math.PI * u1);
          const f = (1 + r * z) / (r + z);
          const c = kappa * (r - f);
          if (c * (2 - c) - u2 > 0 || Math.log(c / u2) + 1 - c >= 0) {
            x = Math.sign(u3 - 0.5) * Math.acos(f);
            break;
          }
        }
        // Into [-pi, pi) about loc, a floor modulo as Python's %.
        const t = x + Math.PI + loc.data[i], period = 2 * Math.PI;
        out[i] = t - period * Math.floor(t / period) - Math.PI;
      }
      return new Tensor(out, shape);
    });
  }
}
