// torch.autograd.gradcheck for float32: the gradients backward gives fn, against central differences.
// torch checks in double with eps 1e-6; in float32 a difference quotient is good to ~1e-3 at best,
// so the defaults here are eps 1e-3, atol 1e-3, rtol 1e-2: a check that finds a wrong formula (a
// sign, a factor, a missing term), not one ulp. Each output is reduced to one number by weights drawn
// once (torch builds the whole Jacobian; one random direction per output finds the same mistakes
// with a chance of missing them of about zero), so a check costs two calls of fn per input element.
import { Tensor } from './tensor';
import { enableGrad, noGrad } from './autograd';
import { optionsOf, shown } from './args';
import { fmt } from './shape';
import { grad } from './grad';
import { outputsOf } from './autograd_function';
import { add, mul } from './ops/binary';
import { sum } from './ops/reduce';
import { randn } from './ops/creation';

/** Options of gradcheck. */
export interface GradcheckOptions {
  /** The step of the central differences (default 1e-3). */
  eps?: number;
  /** The absolute tolerance (default 1e-3). */
  atol?: number;
  /** The relative tolerance (default 1e-2). */
  rtol?: number;
  /** Return false instead of throwing when a gradient differs (default true: throw, naming where). */
  raiseException?: boolean;
}

const positiveOption = (v: unknown, what: string, name: string): number => {
  if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw new Error(`${what}: ${name} must be a positive number, got ${shown(v)}`);
  return v;
};

/**
 * Whether backward's gradients of fn(...inputs) with respect to the inputs that need one match
 * central differences (torch.autograd.gradcheck): true, or an error naming the input, the element,
 * both values (false with raiseException: false). fn must be deterministic and smooth near inputs.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options?: GradcheckOptions): boolean {
  const what = 'gradcheck';
  if (typeof fn !== 'function') throw new Error(`${what}: fn must be a function, got ${shown(fn)}`);
  const xs = inputs instanceof Tensor ? [inputs] : inputs;
  if (!Array.isArray(xs) || !xs.every((x) => x instanceof Tensor)) throw new Error(`${what}: inputs must be a Tensor or an array of Tensors, got ${shown(inputs)}`);
  const o = optionsOf(options, what, { eps: 'value', atol: 'value', rtol: 'value', raiseException: 'boolean' });
  const eps = positiveOption(o.eps ?? 1e-3, what, 'eps'), atol = positiveOption(o.atol ?? 1e-3, what, 'atol'), rtol = positiveOption(o.rtol ?? 1e-2, what, 'rtol');
  const raise = o.raiseException ?? true;
  const checked = xs.map((x, i) => ({ x, i })).filter(({ x }) => x.requiresGrad);
  if (checked.length === 0) throw new Error(`${what}: no input requires a gradient`);

  // The outputs' weights, drawn once: the scalar checked is the sum of each output times its weights.
  const first = outputsOf(noGrad(() => fn(...xs)), `${what}: fn`).outputs;
  const weights = first.map((y) => randn([...y.shape]));
  const scalar = (...args: Tensor[]): Tensor => {
    const ys = outputsOf(fn(...args), `${what}: fn`).outputs;
    return ys.map((y, k) => sum(mul(y, weights[k]))).reduce((a, b) => add(a, b));
  };
  const analytic = enableGrad(() => grad(scalar(...xs), checked.map((c) => c.x), { allowUnused: true }));
  // Central differences of values computed in float: each input element moved alone.
  for (let c = 0; c < checked.length; c++) {
    const { x, i } = checked[c];
    const g = analytic[c];
    for (let e = 0; e < x.size; e++) {
      // The steps as the float32 element takes them (at +- eps rounded), divided by their true span.
      const hi = Math.fround(x.data[e] + eps), lo = Math.fround(x.data[e] - eps);
      const at = (v: number) => {
        const copy = x.detach().clone();
        copy.data[e] = v;
        return noGrad(() => scalar(...xs.map((t, k) => (k === i ? copy : t))).item());
      };
      const numeric = (at(hi) - at(lo)) / (hi - lo);
      const value = g ? g.data[e] : 0;
      if (!(Math.abs(value - numeric) <= atol + rtol * Math.abs(numeric))) {
        if (!raise) return false;
        throw new Error(`${what}: the gradient of input ${i} (shape ${fmt(x.shape)}) at element ${e} is ${value} by backward and ${numeric} by central differences ` +
          `(eps ${eps}, atol ${atol}, rtol ${rtol})`);
      }
    }
  }
  return true;
}
