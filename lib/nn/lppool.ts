// Power-average pooling (torch's lp_pool1d / lp_pool2d and nn.LPPool1d / LPPool2d): the p-th root
// of each window's sum of p-th powers, composed as torch composes it (an average pool of x^p, times
// the window's size, through sign(out) relu(|out|) so that a window summing to 0 has gradient 0).
import { Tensor } from '../tensor';
import { optionsOf, shown } from '../args';
import { checkTensor, composedOf } from '../ops/core';
import { mul, pow } from '../ops/binary';
import { abs, relu, sign } from '../ops/unary';
import { avgPool2d, pair, Size2 } from '../ops/conv';
import { avgPool1d } from '../ops/conv_more';
import { pyBool } from '../format';
import { Module } from './module';
import { pySize } from './conv';

/** Options of the power-average poolings. */
export interface LPPoolOptions<S> {
  /** The window's step (default the kernel size). */
  stride?: S;
  /** Windows over the end's remainder too (default false). */
  ceilMode?: boolean;
}

function checkNorm(p: unknown, what: string): number {
  if (typeof p !== 'number' || !(p > 0) || !Number.isFinite(p)) throw new Error(`${what}: normType must be a positive number, got ${shown(p)}`);
  return p;
}

/** (window sum of x^p)^(1/p) from `avg` (the average pool of x^p) and the window's size. */
function rooted(x: Tensor, p: number, size: number, avg: (powered: Tensor) => Tensor): Tensor {
  return composedOf((own) => {
    const out = own(avg(own(pow(x, p))));
    const kept = own(mul(own(sign(out)), own(relu(own(abs(out))))));
    return pow(own(mul(kept, size)), 1 / p);
  }, [x]);
}

/** torch.nn.functional.lp_pool1d over [N, C, L] (or [C, L]). */
export function lpPool1d(x: Tensor, normType: number, kernelSize: number, options?: LPPoolOptions<number>): Tensor {
  const what = 'lpPool1d';
  checkTensor(x, what);
  const p = checkNorm(normType, what);
  const o = optionsOf(options, what, { stride: 'value', ceilMode: 'boolean' });
  if (!Number.isSafeInteger(kernelSize) || kernelSize < 1) throw new Error(`${what}: kernelSize must be a positive integer, got ${shown(kernelSize)}`);
  return rooted(x, p, kernelSize, (t) => avgPool1d(t, kernelSize, { stride: o.stride ?? kernelSize, padding: 0, ceilMode: o.ceilMode ?? false }));
}

/** torch.nn.functional.lp_pool2d over [N, C, H, W] (or [C, H, W]). */
export function lpPool2d(x: Tensor, normType: number, kernelSize: Size2, options?: LPPoolOptions<Size2>): Tensor {
  const what = 'lpPool2d';
  checkTensor(x, what);
  const p = checkNorm(normType, what);
  const o = optionsOf(options, what, { stride: 'value', ceilMode: 'boolean' });
  const [kh, kw] = pair(kernelSize, null, what, 'kernelSize', 1);
  return rooted(x, p, kh * kw, (t) => avgPool2d(t, kernelSize, { stride: o.stride ?? kernelSize, padding: 0, ceilMode: o.ceilMode ?? false }));
}

/** Power-average pooling over [N, C, L] inputs, as torch.nn.LPPool1d. */
export class LPPool1d extends Module {
  /** @param normType p @param kernelSize the window's length @param options stride and ceilMode */
  constructor(readonly normType: number, readonly kernelSize: number, readonly options: LPPoolOptions<number> = {}) {
    super();
    checkNorm(normType, 'LPPool1d');
    optionsOf(options, 'LPPool1d', { stride: 'value', ceilMode: 'boolean' });
  }

  protected override extraRepr(): string {
    return `norm_type=${this.normType}, kernel_size=${this.kernelSize}, stride=${this.options.stride ?? 'None'}, ceil_mode=${pyBool(this.options.ceilMode ?? false)}`;
  }

  forward(x: Tensor): Tensor {
    return lpPool1d(x, this.normType, this.kernelSize, this.options);
  }
}

/** Power-average pooling over [N, C, H, W] inputs, as torch.nn.LPPool2d. */
export class LPPool2d extends Module {
  /** @param normType p @param kernelSize the window @param options stride and ceilMode */
  constructor(readonly normType: number, readonly kernelSize: Size2, readonly options: LPPoolOptions<Size2> = {}) {
    super();
    checkNorm(normType, 'LPPool2d');
    optionsOf(options, 'LPPool2d', { stride: 'value', ceilMode: 'boolean' });
    pair(kernelSize, null, 'LPPool2d', 'kernelSize', 1);
  }

  protected override extraRepr(): string {
    const stride = this.options.stride === undefined ? 'None' : pySize(this.options.stride);
    return `norm_type=${this.normType}, kernel_size=${pySize(this.kernelSize)}, stride=${stride}, ceil_mode=${pyBool(this.options.ceilMode ?? false)}`;
  }

  forward(x: Tensor): Tensor {
    return lpPool2d(x, this.normType, this.kernelSize, this.options);
  }
}
