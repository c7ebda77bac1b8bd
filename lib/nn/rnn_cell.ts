// RNNCell, LSTMCell and GRUCell as torch.nn's: one step of the recurrent layers' cells (rnn.ts's
// cellStep, so the numbers are those of nn.RNN / LSTM / GRU's steps), with torch's parameter names
// (weight_ih, weight_hh, bias_ih, bias_hh) and initialisation (uniform in +-1/sqrt(hidden)).
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf, positiveInt, shown } from '../args';
import { checkTensor, letGoAfterBackward } from '../ops/core';
import { linear } from '../ops/matmul';
import { zeros } from '../ops/creation';
import { Module } from './module';
import { Parameter } from './parameter';
import { uniform } from './init';
import { pyBool } from '../format';
import { cellOf, cellStep, GATES, Mode } from './rnn';

/** Options of nn.RNNCell, nn.LSTMCell and nn.GRUCell. */
export interface RNNCellOptions {
  /** Learn the biases b_ih and b_hh (default true). */
  bias?: boolean;
}

/** Options of nn.RNNCell: RNNCellOptions and the nonlinearity. */
export interface RNNCellLayerOptions extends RNNCellOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

/** What LSTMCell.forwardWithState returns: the next hidden and cell states. */
export interface LSTMCellState {
  /** The next hidden state, [batch, hidden] ([hidden] for an unbatched input). */
  h: Tensor;
  /** The next cell state, as h. */
  c: Tensor;
}

abstract class RNNCellBase extends Module {
  /** Features of the input. */
  readonly inputSize: number;
  /** Features of the hidden state. */
  readonly hiddenSize: number;
  /** Whether the biases are learnt. */
  readonly bias: boolean;
  /** [gates hidden, input] */
  readonly weight_ih: Parameter;
  /** [gates hidden, hidden] */
  readonly weight_hh: Parameter;
  /** [gates hidden], or null without bias. */
  readonly bias_ih: Parameter | null;
  /** [gates hidden], or null without bias. */
  readonly bias_hh: Parameter | null;
  /** The cell: an RNNCell's nonlinearity, or 'lstm' / 'gru'. */
  protected readonly mode: Mode;

  protected constructor(inputSize: number, hiddenSize: number, options: RNNCellLayerOptions | undefined, mode: Mode | 'rnn') {
    super();
    const what = new.target.name;
    const o = optionsOf(options, what, { bias: 'boolean', nonlinearity: 'value' });
    if (mode !== 'rnn' && o.nonlinearity !== undefined) throw new Error(`${what}: unknown option 'nonlinearity' (RNNCell's)`);
    if (o.nonlinearity !== undefined && o.nonlinearity !== 'tanh' && o.nonlinearity !== 'relu') throw new Error(`${what}: nonlinearity must be 'tanh' or 'relu', got ${shown(o.nonlinearity)}`);
    this.inputSize = positiveInt(inputSize, what, 'inputSize');
    this.hiddenSize = positiveInt(hiddenSize, what, 'hiddenSize');
    this.bias = o.bias !== false;
    this.mode = mode === 'rnn' ? (o.nonlinearity ?? 'tanh') : mode;
    const g = GATES[this.mode] * hiddenSize;
    const bound = 1 / Math.sqrt(hiddenSize);
    const param = (shape: number[]) => new Parameter(uniform(zeros(shape), -bound, bound));
    this.weight_ih = param([g, inputSize]);
    this.weight_hh = param([g, hiddenSize]);
    this.bias_ih = this.bias ? param([g]) : null;
    this.bias_hh = this.bias ? param([g]) : null;
  }

  protected override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (!this.bias) s += `, bias=${pyBool(false)}`;
    if (this.mode === 'relu') s += ', nonlinearity=relu';
    return s;
  }

  /** x as [batch, input], and whether it came unbatched ([input]). */
  protected batchOf(x: Tensor): { rows: Tensor; batched: boolean } {
    const what = this.constructor.name;
    checkTensor(x, what);
    if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new Error(`${what}: input must be [batch, ${this.inputSize}] or [${this.inputSize}], got shape ${fmt(x.shape)}`);
    }
    return { rows: x.ndim === 2 ? x : x.reshape([1, this.inputSize]), batched: x.ndim === 2 };
  }

  /** A state argument as [batch, hidden] (zeros when left out), checked against the input's batch. */
  protected stateOf(t: Tensor | null | undefined, batch: number, batched: boolean, name: string): Tensor {
    if (t === undefined || t === null) return zeros([batch, this.hiddenSize]);
    const what = this.constructor.name;
    checkTensor(t, what);
    const want = batched ? [batch, this.hiddenSize] : [this.hiddenSize];
    if (t.ndim !== want.length || t.shape.some((s, i) => s !== want[i])) throw new Error(`${what}: ${name} must be ${fmt(want)}, got shape ${fmt(t.shape)}`);
    return batched ? t : t.reshape([1, this.hiddenSize]);
  }

  /** One step from (h, c): the state after, as [batch, hidden] tensors. */
  protected advance(x: Tensor, h0: Tensor | null | undefined, c0: Tensor | null | undefined): { h: Tensor; c: Tensor | null; batched: boolean } {
    const { rows, batched } = this.batchOf(x);
    if (this.mode !== 'lstm' && c0 !== undefined && c0 !== null) throw new Error(`${this.constructor.name}: cx is LSTMCell's; ${this.constructor.name} has no cell state`);
    const h = this.stateOf(h0, rows.shape[0], batched, 'hx');
    const c = this.mode === 'lstm' ? this.stateOf(c0, rows.shape[0], batched, 'cx') : null;
    const xp = linear(rows, this.weight_ih, this.bias_ih);
    const next = cellStep(this.mode, xp, { h, c }, { wIh: this.weight_ih, wHh: this.weight_hh, bIh: this.bias_ih, bHh: this.bias_hh });
    const made = [xp, ...[rows, h, c].filter((t): t is Tensor => t !== null && t !== x && t !== h0 && t !== c0)];
    if (this.mode !== 'lstm') {
      letGoAfterBackward(...made);
      return { h: next.h, c: null, batched };
    }
    const cNext = cellOf(next);
    letGoAfterBackward(...made, next.hc as Tensor);
    return { h: next.h, c: cNext, batched };
  }

  /** The next hidden state from x ([batch, input] or [input]) and hx (zeros when left out); LSTMCell's also takes cx. */
  forward(x: Tensor, hx?: Tensor, cx?: Tensor): Tensor {
    const { h, c, batched } = this.advance(x, hx, cx);
    if (c) letGoAfterBackward(c);
    return shaped(h, batched);
  }
}

/** The state as the caller gave the input: [hidden] for an unbatched one. */
function shaped(t: Tensor, batched: boolean): Tensor {
  if (batched) return t;
  const r = t.reshape([t.shape[1]]);
  letGoAfterBackward(t);
  return r;
}

/** One step of an Elman cell as torch.nn.RNNCell: h' = tanh (or relu)(W_ih x + b_ih + W_hh h + b_hh). */
export class RNNCell extends RNNCellBase {
  /** @param inputSize features of the input @param hiddenSize features of the hidden state */
  constructor(inputSize: number, hiddenSize: number, options?: RNNCellLayerOptions) {
    super(inputSize, hiddenSize, options, 'rnn');
  }

  /** The cell's nonlinearity. */
  get nonlinearity(): 'tanh' | 'relu' {
    return this.mode === 'relu' ? 'relu' : 'tanh';
  }
}

/** One step of a gated recurrent unit as torch.nn.GRUCell (gates r, z, n in its weights' row blocks). */
export class GRUCell extends RNNCellBase {
  /** @param inputSize features of the input @param hiddenSize features of the hidden state */
  constructor(inputSize: number, hiddenSize: number, options?: RNNCellOptions) {
    super(inputSize, hiddenSize, options, 'gru');
  }
}

/** One step of a long short-term memory as torch.nn.LSTMCell (gates i, f, g, o in its weights' row blocks). */
export class LSTMCell extends RNNCellBase {
  /** @param inputSize features of the input @param hiddenSize features of the hidden and cell states */
  constructor(inputSize: number, hiddenSize: number, options?: RNNCellOptions) {
    super(inputSize, hiddenSize, options, 'lstm');
  }

  /** The next hidden and cell states from x ([batch, input] or [input]) and (hx, cx) (zeros when left out), as torch's (h', c'). */
  forwardWithState(x: Tensor, hx?: Tensor | null, cx?: Tensor | null): LSTMCellState {
    const { h, c, batched } = this.advance(x, hx, cx);
    return { h: shaped(h, batched), c: shaped(c as Tensor, batched) };
  }

}
