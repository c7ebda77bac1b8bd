// ZeroPad2d, ConstantPad2d and Upsample (nearest), as torch.nn's; ops/pad_resize.ts computes.
import { Tensor } from '../tensor';
import { interpolate, InterpolateOptions, pad } from '../ops/pad_resize';
import { Module } from './module';
import { pyFloat } from '../format';
import { optionsOf, shown } from '../args';

/** [left, right, top, bottom] from one amount for all four sides or the four, or an error naming `what`. */
function sides(padding: number | readonly [number, number, number, number], what: string): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding, padding, padding, padding] : padding;
  if (!Array.isArray(p) || p.length !== 4 || !p.every((v) => Number.isInteger(v))) {
    throw new Error(`${what}: padding must be an integer or four of them [left, right, top, bottom], got ${shown(padding)}`);
  }
  return [p[0], p[1], p[2], p[3]];
}

/** Pads the last two dimensions with a constant, as torch.nn.ConstantPad2d (negative amounts cut). */
export class ConstantPad2d extends Module {
  /** [left, right, top, bottom]. */
  readonly padding: [number, number, number, number];

  /** @param padding one amount for all four sides, or [left, right, top, bottom] @param value the added elements' value */
  constructor(padding: number | readonly [number, number, number, number], readonly value: number) {
    super();
    this.padding = sides(padding, 'ConstantPad2d');
    if (typeof value !== 'number') throw new Error(`ConstantPad2d: value must be a number, got ${shown(value)}`);
  }

  protected override extraRepr(): string {
    return `padding=(${this.padding.join(', ')}), value=${pyFloat(this.value)}`;
  }

  forward(x: Tensor): Tensor {
    return pad(x, this.padding, { value: this.value });
  }
}

/** Pads the last two dimensions with zeros, as torch.nn.ZeroPad2d (negative amounts cut). */
export class ZeroPad2d extends ConstantPad2d {
  /** @param padding one amount for all four sides, or [left, right, top, bottom] */
  constructor(padding: number | readonly [number, number, number, number]) {
    super(sides(padding, 'ZeroPad2d'), 0);
  }

  protected override extraRepr(): string {
    return `(${this.padding.join(', ')})`;
  }
}

/** Resizes [N, C, L] or [N, C, H, W] by nearest neighbour, as torch.nn.Upsample (see interpolate). */
export class Upsample extends Module {
  /** The options, as given. */
  readonly options: Readonly<InterpolateOptions>;

  constructor(options: InterpolateOptions) {
    super();
    const o = optionsOf(options, 'Upsample', { size: 'value', scaleFactor: 'value', mode: 'value' });
    if ((o.size === undefined) === (o.scaleFactor === undefined)) throw new Error('Upsample: give exactly one of size and scaleFactor');
    if (o.mode !== undefined && o.mode !== 'nearest') throw new Error(`Upsample: mode must be 'nearest' (the only mode here), got ${shown(o.mode)}`);
    this.options = { ...o };
  }

  protected override extraRepr(): string {
    const { size, scaleFactor } = this.options;
    const tuple = (v: number | readonly number[], f: (x: number) => string) => (typeof v === 'number' ? f(v) : `(${v.map(f).join(', ')})`);
    const first = size !== undefined ? `size=${tuple(size, String)}` : `scale_factor=${tuple(scaleFactor as number | readonly number[], pyFloat)}`;
    return `${first}, mode=nearest`;
  }

  forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }
}
