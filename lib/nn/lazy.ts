// torch's lazy modules (LazyLinear, LazyConv1d ... LazyInstanceNorm3d): the input's feature or channel
// count is left to the first forward, which builds the module the lazy one stands for and becomes it
// (its class, fields and parameters, as torch's cls_to_become: a LazyLinear is a Linear after it).
// torch fills its UninitializedParameters in place, so an optimizer made before the first forward
// holds them; here a tensor's shape is fixed when it is made, so the parameters are new ones, and
// listing them (parameters(), stateDict()) before the first forward is an error that says so.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { checkTensor } from '../ops/core';
import { withoutRandomInit } from './skip_init';
import { Module } from './module';
import { UninitializedParameter } from './parameter';
import { Linear, LinearOptions } from './linear';
import { Conv2d, Conv2dLayerOptions } from './conv';
import { Conv1d, Conv1dLayerOptions, ConvTranspose1d, ConvTranspose1dLayerOptions, ConvTranspose2d, ConvTranspose2dLayerOptions } from './conv_more';
import { Conv3d, Conv3dLayerOptions, ConvTranspose3d, ConvTranspose3dLayerOptions } from './conv3d';
import { BatchNorm1d, BatchNorm2d, BatchNorm3d, BatchNormOptions } from './batchnorm';
import { InstanceNorm1d, InstanceNorm2d, InstanceNorm3d, InstanceNormOptions } from './instancenorm';
import type { Size2 } from '../ops/conv';
import type { Size3 } from '../ops/conv3d';

/**
 * The base of the lazy modules: `build` makes the real module for an input feature count, which
 * `featuresOf` reads from the first input. Until then the module holds uninitialized parameters
 * under the names the real one gives them.
 */
export abstract class LazyModule extends Module {
  readonly #build: (features: number) => Module;
  readonly #featuresOf: (x: Tensor) => number;
  readonly #featuresIn: (stored: (key: string) => Tensor | undefined) => number | null;
  readonly #shown: string;

  /**
   * @param probeFeatures a feature count the options accept: a module built with it (no random draws)
   *   checks them now, as torch's constructor does, and gives the printed form (its count shown as 0,
   *   as torch's).
   * @param featuresIn the feature count a state dict's tensors for this module imply (loadStateDict
   *   makes the module from them, as torch's lazy load hook does), or null when they are not there.
   */
  protected constructor(build: (features: number) => Module, featuresOf: (x: Tensor) => number, probeFeatures: number, params: readonly string[],
    featuresIn: (stored: (key: string) => Tensor | undefined) => number | null) {
    super();
    this.#build = build;
    this.#featuresOf = featuresOf;
    this.#featuresIn = featuresIn;
    const probe = withoutRandomInit(() => build(probeFeatures)).toString();
    this.#shown = probe.slice(probe.indexOf('(') + 1, -1).replace(/^(in_features=)?\d+/, '$10');
    for (const name of params) (this as unknown as Record<string, unknown>)[name] = new UninitializedParameter(this.constructor.name);
  }

  /** @internal Made from the shapes of a state dict's tensors under `prefix` (their values loaded next); once made, the real class's no-op answers. */
  override prepareForState(dict: Readonly<Record<string, Tensor>>, prefix: string): void {
    const n = this.#featuresIn((key) => (dict[prefix + key] instanceof Tensor ? dict[prefix + key] : undefined));
    if (n !== null) become(this, withoutRandomInit(() => this.#build(n)));
  }

  protected override extraRepr(): string {
    return this.#shown;
  }

  /**
   * Builds the real module from x's feature count and becomes it, then runs its forward. (Reached
   * again after that only through a hook's wrapper, which holds this method: then it runs the real one.)
   */
  forward(x: Tensor): Tensor {
    if (this instanceof LazyModule) {
      checkTensor(x, this.constructor.name);
      become(this, this.#build(this.#featuresOf(x)));
    }
    return (Object.getPrototypeOf(this) as Module).forward.call(this, x);
  }
}

/**
 * The lazy module takes the made module's class and fields (its settings, parameters and buffers),
 * keeping its own training mode and hooks; the fields only the lazy one had go.
 */
function become(lazy: Module, made: Module): void {
  const to = lazy as unknown as Record<string, unknown>, from = made as unknown as Record<string, unknown>;
  for (const k of Object.keys(to)) if (!(k in from)) delete to[k];
  for (const k of Object.keys(from)) {
    if (k === 'training') continue;
    if (k === 'bufferNames') for (const b of from[k] as Set<string>) (to[k] as Set<string>).add(b);
    else to[k] = from[k];
  }
  Object.setPrototypeOf(lazy, Object.getPrototypeOf(made));
}

/** x's last dim: a linear layer's features. */
function lastDim(what: string): (x: Tensor) => number {
  return (x) => {
    if (x.ndim === 0) throw new Error(`${what}: expects an input of at least 1 dim (its last is the features), got a 0-d tensor`);
    return x.shape[x.ndim - 1];
  };
}

/** The channels of a (spatial)-D convolution's input: dim 1 of a batch, dim 0 of one unbatched image. */
function channelsOf(what: string, spatial: number): (x: Tensor) => number {
  return (x) => {
    if (x.ndim !== spatial + 1 && x.ndim !== spatial + 2) throw new Error(`${what}: expected a ${spatial + 1}-D (unbatched) or ${spatial + 2}-D (batched) input, got shape ${fmt(x.shape)}`);
    return x.ndim === spatial + 2 ? x.shape[1] : x.shape[0];
  };
}

/** A normalization's features: dim 1 of a batch (torch's), dim 0 of an unbatched instance-norm input (where torch 1.13 reads dim 1, its size the length). */
function featuresOfNorm(what: string, batchedDims: readonly number[], unbatchedDims: number | null): (x: Tensor) => number {
  return (x) => {
    if (x.ndim === unbatchedDims) return x.shape[0];
    if (!batchedDims.includes(x.ndim)) throw new Error(`${what}: expected a ${[...batchedDims, ...(unbatchedDims === null ? [] : [unbatchedDims])].sort().join('-D or ')}-D input, got shape ${fmt(x.shape)}`);
    return x.shape[1];
  };
}

const LINEAR_PARAMS = ['weight', 'bias'] as const;

/** The features a stored `key` of `ndim` dims implies: its dim `d`, times `times` (a convolution's groups). */
const dimOf = (key: string, d: number, ndim: number, times = 1) => (stored: (key: string) => Tensor | undefined): number | null => {
  const t = stored(key);
  return t && t.ndim === ndim ? t.shape[d] * times : null;
};

/** A normalization's features: its stored weight's length, or its running mean's. */
const normFeatures = (stored: (key: string) => Tensor | undefined): number | null => dimOf('weight', 0, 1)(stored) ?? dimOf('running_mean', 0, 1)(stored);

/** A Linear whose inFeatures its first input decides (torch.nn.LazyLinear): it is a Linear after that forward. */
export class LazyLinear extends LazyModule {
  constructor(outFeatures: number, options?: LinearOptions) {
    super((n) => new Linear(n, outFeatures, options), lastDim('LazyLinear'), 1, LINEAR_PARAMS, dimOf('weight', 1, 2));
  }
}

/** Options of a convolution with its `groups` (the probe's channels). */
type Grouped = { groups?: number };
const probeOf = (o?: Grouped) => (typeof o?.groups === 'number' && o.groups > 0 ? o.groups : 1);

/** A Conv1d whose inChannels its first input decides (torch.nn.LazyConv1d). */
export class LazyConv1d extends LazyModule {
  constructor(outChannels: number, kernelSize: number, options?: Conv1dLayerOptions) {
    super((n) => new Conv1d(n, outChannels, kernelSize, options), channelsOf('LazyConv1d', 1), probeOf(options), LINEAR_PARAMS, dimOf('weight', 1, 3, probeOf(options)));
  }
}

/** A Conv2d whose inChannels its first input decides (torch.nn.LazyConv2d). */
export class LazyConv2d extends LazyModule {
  constructor(outChannels: number, kernelSize: Size2, options?: Conv2dLayerOptions) {
    super((n) => new Conv2d(n, outChannels, kernelSize, options), channelsOf('LazyConv2d', 2), probeOf(options), LINEAR_PARAMS, dimOf('weight', 1, 4, probeOf(options)));
  }
}

/** A Conv3d whose inChannels its first input decides (torch.nn.LazyConv3d). */
export class LazyConv3d extends LazyModule {
  constructor(outChannels: number, kernelSize: Size3, options?: Conv3dLayerOptions) {
    super((n) => new Conv3d(n, outChannels, kernelSize, options), channelsOf('LazyConv3d', 3), probeOf(options), LINEAR_PARAMS, dimOf('weight', 1, 5, probeOf(options)));
  }
}

/** A ConvTranspose1d whose inChannels its first input decides (torch.nn.LazyConvTranspose1d). */
export class LazyConvTranspose1d extends LazyModule {
  constructor(outChannels: number, kernelSize: number, options?: ConvTranspose1dLayerOptions) {
    super((n) => new ConvTranspose1d(n, outChannels, kernelSize, options), channelsOf('LazyConvTranspose1d', 1), probeOf(options), LINEAR_PARAMS, dimOf('weight', 0, 3));
  }
}

/** A ConvTranspose2d whose inChannels its first input decides (torch.nn.LazyConvTranspose2d). */
export class LazyConvTranspose2d extends LazyModule {
  constructor(outChannels: number, kernelSize: Size2, options?: ConvTranspose2dLayerOptions) {
    super((n) => new ConvTranspose2d(n, outChannels, kernelSize, options), channelsOf('LazyConvTranspose2d', 2), probeOf(options), LINEAR_PARAMS, dimOf('weight', 0, 4));
  }
}

/** A ConvTranspose3d whose inChannels its first input decides (torch.nn.LazyConvTranspose3d). */
export class LazyConvTranspose3d extends LazyModule {
  constructor(outChannels: number, kernelSize: Size3, options?: ConvTranspose3dLayerOptions) {
    super((n) => new ConvTranspose3d(n, outChannels, kernelSize, options), channelsOf('LazyConvTranspose3d', 3), probeOf(options), LINEAR_PARAMS, dimOf('weight', 0, 5));
  }
}

/** The parameters a normalization holds before its first forward: torch's, affine or not. */
const normParams = (o?: { affine?: boolean }) => (o?.affine === false ? [] : LINEAR_PARAMS);

/** A BatchNorm1d whose numFeatures its first input decides (torch.nn.LazyBatchNorm1d). */
export class LazyBatchNorm1d extends LazyModule {
  constructor(options?: BatchNormOptions) {
    super((n) => new BatchNorm1d(n, options), featuresOfNorm('LazyBatchNorm1d', [2, 3], null), 1, normParams(options), normFeatures);
  }
}

/** A BatchNorm2d whose numFeatures its first input decides (torch.nn.LazyBatchNorm2d). */
export class LazyBatchNorm2d extends LazyModule {
  constructor(options?: BatchNormOptions) {
    super((n) => new BatchNorm2d(n, options), featuresOfNorm('LazyBatchNorm2d', [4], null), 1, normParams(options), normFeatures);
  }
}

/** A BatchNorm3d whose numFeatures its first input decides (torch.nn.LazyBatchNorm3d). */
export class LazyBatchNorm3d extends LazyModule {
  constructor(options?: BatchNormOptions) {
    super((n) => new BatchNorm3d(n, options), featuresOfNorm('LazyBatchNorm3d', [5], null), 1, normParams(options), normFeatures);
  }
}

/** torch's lazy instance norms default to affine and tracked statistics, unlike InstanceNorm's own. */
const lazyInstance = (o?: InstanceNormOptions): InstanceNormOptions => ({ affine: true, trackRunningStats: true, ...o });

/** An InstanceNorm1d whose numFeatures its first input decides (torch.nn.LazyInstanceNorm1d: affine and trackRunningStats default true). */
export class LazyInstanceNorm1d extends LazyModule {
  constructor(options?: InstanceNormOptions) {
    super((n) => new InstanceNorm1d(n, lazyInstance(options)), featuresOfNorm('LazyInstanceNorm1d', [3], 2), 1, normParams(lazyInstance(options)), normFeatures);
  }
}

/** An InstanceNorm2d whose numFeatures its first input decides (torch.nn.LazyInstanceNorm2d: affine and trackRunningStats default true). */
export class LazyInstanceNorm2d extends LazyModule {
  constructor(options?: InstanceNormOptions) {
    super((n) => new InstanceNorm2d(n, lazyInstance(options)), featuresOfNorm('LazyInstanceNorm2d', [4], 3), 1, normParams(lazyInstance(options)), normFeatures);
  }
}

/** An InstanceNorm3d whose numFeatures its first input decides (torch.nn.LazyInstanceNorm3d: affine and trackRunningStats default true). */
export class LazyInstanceNorm3d extends LazyModule {
  constructor(options?: InstanceNormOptions) {
    super((n) => new InstanceNorm3d(n, lazyInstance(options)), featuresOfNorm('LazyInstanceNorm3d', [5], 4), 1, normParams(lazyInstance(options)), normFeatures);
  }
}
