// RNN, LSTM and GRU as torch.nn's: the same parameters under the same names (weight_ih_l0,
// weight_hh_l0_reverse, ...), so that a torch state dict loads, and each cell computed as torch's
// CPU cell computes it, composed from the library's ops: the input's projection for every step in
// one product per layer and direction, then per step the hidden projection and the gates.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { optionsOf, shown } from '../args';
import { checkTensor, letGoAfterBackward, letGoAfterRead } from '../ops/core';
import { linear } from '../ops/matmul';
import { add } from '../ops/binary';
import { relu, tanh } from '../ops/unary';
import { cat, narrow, stack } from '../ops/join';
import { indexSelect, select } from '../ops/index_ops';
import { gruCell, lstmCell } from '../ops/rnn_cell';
import { permute } from '../ops/shape';
import { zeros } from '../ops/creation';
import { Module } from './module';
import { Parameter } from './parameter';
import { uniform } from './init';
import { dropped } from './dropout';
import { positiveInt } from '../args';
import { pyBool, pyFloat } from '../format';
import { PackedSequence } from './rnn_sequences';

/** Options of nn.RNN, nn.LSTM and nn.GRU (torch's keyword arguments). */
export interface RNNOptions {
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Learn the biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** Inputs and outputs [batch, time, features] rather than [time, batch, features] (default false). */
  batchFirst?: boolean;
  /** Dropout on each layer's output but the last, in training (default 0). */
  dropout?: number;
  /** Run a second direction from the sequence's end; outputs concatenate both (default false). */
  bidirectional?: boolean;
}

/** Options of nn.RNN: RNNOptions and the cell's nonlinearity. */
export interface RNNLayerOptions extends RNNOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

/** What forwardWithState returns: the output and the final hidden state (and cell state, LSTM's). */
export interface RNNResult {
  /** Every step's hidden state of the last layer: [time, batch, directions * hidden] ([batch, time, ...] with batchFirst). */
  output: Tensor;
  /** Each layer's and direction's last hidden state: [layers * directions, batch, hidden]. */
  hN: Tensor;
  /** LSTM's last cell states, as hN; null for RNN and GRU. */
  cN: Tensor | null;
}

/** What forwardWithState returns for a packed input: the output packed as the input, the final states in the caller's batch order. */
export interface PackedRNNResult {
  /** Every step's hidden state of the last layer, packed as the input ([sum of lengths, directions * hidden]). */
  output: PackedSequence;
  /** Each layer's and direction's hidden state at each sequence's own end: [layers * directions, batch, hidden]. */
  hN: Tensor;
  /** LSTM's cell states, as hN; null for RNN and GRU. */
  cN: Tensor | null;
}

/** A cell: an Elman cell's nonlinearity, or LSTM's or GRU's gates. */
export type Mode = 'tanh' | 'relu' | 'lstm' | 'gru';
export const GATES: Record<Mode, number> = { tanh: 1, relu: 1, lstm: 4, gru: 3 };

/**
 * The state of one layer and direction between two steps: h, and LSTM's cell state as c, or as the
 * cell kernel's [2, batch, hidden] output hc, from which the next step selects it (so that the last
 * step's c is selected only when the final state is asked for: a selected c that nothing reads
 * leaves a node that never sees its backward, and while one waits no storage goes back to the
 * pool, reuse.ts).
 */
export interface CellState { h: Tensor; c: Tensor | null; hc?: Tensor }

/** LSTM's cell state of `s`. */
export function cellOf(s: CellState): Tensor {
  return s.c ?? select(s.hc as Tensor, 0, 1);
}

/** The weights of one layer and direction. */
export interface CellWeights { wIh: Tensor; wHh: Tensor; bIh: Tensor | null; bHh: Tensor | null }

/**
 * One step of a cell: x's projection xp (with b_ih) for this step, the state before, the state
 * after. The step's own intermediates go back to the pool once backward() has run through them
 * (at once without a graph), as a Sequential's do: left to the collector, an LSTM(128, 256) over
 * 35 steps of 32 made ~29 MB of fresh arrays a training step.
 */
export function cellStep(mode: Mode, xp: Tensor, s: CellState, w: CellWeights): CellState {
  const hp = linear(s.h, w.wHh, w.bHh);
  if (mode === 'gru') {
    // torch's GRUCell: r, z from both projections, n = tanh(x_n + r (h_n)), h' = (h - n) z + n (one kernel).
    const h = gruCell(xp, hp, s.h);
    letGoAfterBackward(hp);
    return { h, c: null };
  }
  const z = add(hp, xp);
  if (mode === 'lstm') {
    // torch's LSTMCell: the gates i, f, g, o; c' = f c + i g, h' = o tanh(c') (one kernel).
    const c = cellOf(s);
    const hc = lstmCell(z, c);
    letGoAfterBackward(hp, z);
    // The step before's output, read for the last time (its h is the caller's to let go).
    if (s.hc) letGoAfterBackward(s.hc, c);
    return { h: select(hc, 0, 0), c: null, hc };
  }
  const h = mode === 'relu' ? relu(z) : tanh(z);
  letGoAfterBackward(hp, z);
  return { h, c: null };
}

/**
 * The recurrent layers' shared part: parameters as torch names and initialises them (uniform in
 * +-1/sqrt(hidden)), the layers and directions run in torch's order.
 */
abstract class RNNBase extends Module {
  /** Features of each input step. */
  readonly inputSize: number;
  /** Features of the hidden state. */
  readonly hiddenSize: number;
  /** Stacked layers. */
  readonly numLayers: number;
  /** Whether the biases are learnt. */
  readonly bias: boolean;
  /** Whether inputs and outputs are [batch, time, features]. */
  readonly batchFirst: boolean;
  /** Dropout between layers, in training. */
  readonly dropout: number;
  /** Whether a second direction runs from the sequence's end. */
  readonly bidirectional: boolean;
  /** The cell: an RNN's nonlinearity, or 'lstm' / 'gru'. */
  protected readonly mode: Mode;

  protected constructor(inputSize: number, hiddenSize: number, options: RNNLayerOptions | undefined, mode: Mode | 'rnn') {
    super();
    const what = new.target.name;
    const o = optionsOf(options, what, { numLayers: 'value', bias: 'boolean', batchFirst: 'boolean', dropout: 'value', bidirectional: 'boolean', nonlinearity: 'value' });
    if (mode !== 'rnn' && o.nonlinearity !== undefined) throw new Error(`${what}: unknown option 'nonlinearity' (RNN's)`);
    if (o.nonlinearity !== undefined && o.nonlinearity !== 'tanh' && o.nonlinearity !== 'relu') throw new Error(`${what}: nonlinearity must be 'tanh' or 'relu', got ${shown(o.nonlinearity)}`);
    this.inputSize = positiveInt(inputSize, what, 'inputSize');
    this.hiddenSize = positiveInt(hiddenSize, what, 'hiddenSize');
    this.numLayers = positiveInt(o.numLayers ?? 1, what, 'numLayers');
    const dropout = o.dropout ?? 0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) throw new Error(`${what}: dropout must be in [0, 1], got ${shown(dropout)}`);
    this.dropout = dropout;
    this.bias = o.bias !== false;
    this.batchFirst = o.batchFirst === true;
    this.bidirectional = o.bidirectional === true;
    this.mode = mode === 'rnn' ? (o.nonlinearity ?? 'tanh') : mode;
    const g = GATES[this.mode] * hiddenSize;
    const bound = 1 / Math.sqrt(hiddenSize);
    const param = (shape: number[]) => new Parameter(uniform(zeros(shape), -bound, bound));
    const fields = this as unknown as Record<string, Parameter>;
    for (let l = 0; l < this.numLayers; l++) {
      for (const suffix of this.suffixes()) {
        const inputs = l === 0 ? inputSize : hiddenSize * this.suffixes().length;
        fields[`weight_ih_l${l}${suffix}`] = param([g, inputs]);
        fields[`weight_hh_l${l}${suffix}`] = param([g, hiddenSize]);
        if (this.bias) {
          fields[`bias_ih_l${l}${suffix}`] = param([g]);
          fields[`bias_hh_l${l}${suffix}`] = param([g]);
        }
      }
    }
  }

  /** The directions' parameter name suffixes, torch's. */
  private suffixes(): string[] {
    return this.bidirectional ? ['', '_reverse'] : [''];
  }

  private weights(l: number, suffix: string): CellWeights {
    const f = this as unknown as Record<string, Parameter>;
    return { wIh: f[`weight_ih_l${l}${suffix}`], wHh: f[`weight_hh_l${l}${suffix}`], bIh: f[`bias_ih_l${l}${suffix}`] ?? null, bHh: f[`bias_hh_l${l}${suffix}`] ?? null };
  }

  protected override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (this.mode === 'relu') s += ', nonlinearity=relu';
    if (!this.bias) s += `, bias=${pyBool(false)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(true)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${pyBool(true)}`;
    return s;
  }

  /**
   * The layers over x, from the initial states h0 (and c0, LSTM's), each [layers * directions,
   * batch, hidden] (zeros when left out); x is [time, batch, input] ([batch, time, input] with
   * batchFirst), or [time, input] for one sequence.
   */
  forwardWithState(x: Tensor, h0?: Tensor | null, c0?: Tensor | null): RNNResult;
  /** A packed batch (packPaddedSequence, packSequence): the output packed alike, each sequence's final state at its own end. */
  forwardWithState(x: PackedSequence, h0?: Tensor | null, c0?: Tensor | null): PackedRNNResult;
  forwardWithState(x: Tensor | PackedSequence, h0?: Tensor | null, c0?: Tensor | null): RNNResult | PackedRNNResult {
    if (x instanceof PackedSequence) return this.runPacked(x, h0, c0, true) as PackedRNNResult;
    return this.run(x, h0, c0, true) as RNNResult;
  }

  /** The output alone (torch's `output, _ = rnn(x)`); forwardWithState gives the final states too. */
  forward(x: Tensor): Tensor;
  /** The output of a packed batch, packed alike. */
  forward(x: PackedSequence): PackedSequence;
  forward(x: Tensor | PackedSequence): Tensor | PackedSequence {
    if (x instanceof PackedSequence) return this.runPacked(x, null, null, false).output;
    // Without the final states: stacked for nobody, they were nodes that never saw a backward.
    return this.run(x, null, null, false).output;
  }

  /** The initial states [layers * directions, batch, hidden] given or zeros, checked, in the packing's sorted order. */
  private packedInitial(t: Tensor | null | undefined, shape: number[], sorted: readonly number[] | null, name: string): Tensor {
    const what = this.constructor.name;
    if (t === undefined || t === null) return zeros(shape);
    checkTensor(t, what);
    if (t.ndim !== 3 || t.shape.some((s, i) => s !== shape[i])) throw new Error(`${what}: ${name} must be ${fmt(shape)} for this packed batch, got shape ${fmt(t.shape)}`);
    return sorted ? indexSelect(t, 1, sorted) : t;
  }

  /**
   * The layers over a packed batch, as torch runs them: step t of a direction advances only the
   * batchSizes[t] sequences that have it (the longest first), so that a sequence's final state is its
   * last step's; the reverse direction starts each sequence at its own last step from its initial state.
   */
  private runPacked(x: PackedSequence, h0: Tensor | null | undefined, c0: Tensor | null | undefined, states: boolean): PackedRNNResult | { output: PackedSequence } {
    const what = this.constructor.name;
    if (x.data.ndim !== 2 || x.data.shape[1] !== this.inputSize) {
      throw new Error(`${what}: a packed input's data must be [steps, inputSize ${this.inputSize}], got shape ${fmt(x.data.shape)}`);
    }
    const sizes = x.batchSizes, batch = x.batch, steps = sizes.length;
    // Where each step's rows start in the packed data.
    const offsets: number[] = [];
    sizes.reduce((at, n) => (offsets.push(at), at + n), 0);
    const dirs = this.suffixes().length;
    const lstm = this.mode === 'lstm';
    if (!lstm && c0 !== undefined && c0 !== null) throw new Error(`${what}: c0 is LSTM's; ${what} has no cell state`);
    const stateShape = [this.numLayers * dirs, batch, this.hiddenSize];
    const h = this.packedInitial(h0, stateShape, x.sortedIndices, 'h0');
    const c = lstm ? this.packedInitial(c0, stateShape, x.sortedIndices, 'c0') : null;
    // Each layer and direction's initial state, copies read by its steps; the states this call made
    // (zeros, or the caller's in sorted order) are read by those copies alone, as run()'s.
    const firsts = Array.from({ length: stateShape[0] }, (_, k): { h: Tensor; c: Tensor | null } => ({ h: select(h, 0, k), c: c && select(c, 0, k) }));
    letGoAfterBackward(...[h, c].filter((t): t is Tensor => !!t && t !== h0 && t !== c0));
    const hN: Tensor[] = [], cN: Tensor[] = [];
    // What the steps made that nothing outside reads once a later op has read it (the intermediates
    // go back to the pool once backward() has run through them, as run()'s: left to the collector, a
    // packed LSTM(32, 160) training step made ~200 KB of fresh arrays).
    const readOnce = (reader: Tensor, ...ts: (Tensor | null | undefined)[]) => letGoAfterRead(reader, ...ts.filter((t): t is Tensor => !!t));
    let seq = x.data;
    for (let l = 0; l < this.numLayers; l++) {
      const outputs: Tensor[] = [];
      this.suffixes().forEach((suffix, d) => {
        const w = this.weights(l, suffix);
        const k = l * dirs + d;
        const xp = linear(seq, w.wIh, w.bIh);
        const { h: hk, c: ck } = firsts[k];
        const rows = (v: Tensor | null, from: number, n: number) => v && (from === 0 && n === v.shape[0] ? v : narrow(v, 0, from, n));
        const hs = new Array<Tensor>(steps);
        // One step over the rows that have it; the step's input rows and the state pieces it read
        // (made here, not the initial copies, which go once their first readers are recorded) are let go.
        const step = (t: number, state: CellState, made: (Tensor | null | undefined)[]): CellState => {
          const xt = rows(xp, offsets[t], sizes[t]) as Tensor;
          const next = cellStep(this.mode, xt, state, w);
          readOnce(next.h, xt === xp ? null : xt, ...made);
          hs[t] = next.h;
          return next;
        };
        let state: CellState;
        if (d === 0) {
          // Forward: the batch shrinks; the rows that leave have reached their sequences' ends.
          const endedH: Tensor[] = [], endedC: Tensor[] = [];
          state = step(0, { h: hk, c: ck }, [hk, ck]);
          for (let t = 1; t < steps; t++) {
            const running = state.h.shape[0];
            const made: (Tensor | null | undefined)[] = [];
            if (sizes[t] < running) {
              endedH.unshift(rows(state.h, sizes[t], running - sizes[t]) as Tensor);
              const cell = lstm ? cellOf(state) : null;
              if (cell) endedC.unshift(rows(cell, sizes[t], running - sizes[t]) as Tensor);
              // The step before's gates-and-cell, which cellStep would have let go, is read here last.
              made.push(cell, state.hc);
              state = { h: rows(state.h, 0, sizes[t]) as Tensor, c: cell && rows(cell, 0, sizes[t]) };
              made.push(state.h, state.c);
            }
            state = step(t, state, made);
          }
          if (states) {
            const cell = lstm ? cellOf(state) : null;
            const finalH = endedH.length ? cat([state.h, ...endedH], 0) : state.h;
            const finalC = cell && (endedC.length ? cat([cell, ...endedC], 0) : cell);
            hN.push(finalH);
            if (finalC) cN.push(finalC);
            readOnce(finalH, ...endedH);
            if (finalC && finalC !== cell) readOnce(finalC, ...endedC, cell);
          }
        } else {
          // Reverse: the batch grows; a sequence joins at its last step from its initial state.
          const start = { h: rows(hk, 0, sizes[steps - 1]) as Tensor, c: rows(ck, 0, sizes[steps - 1]) };
          state = step(steps - 1, start, [start.h !== hk ? start.h : null, start.c !== ck ? start.c : null]);
          for (let t = steps - 2; t >= 0; t--) {
            const running = state.h.shape[0];
            const made: (Tensor | null | undefined)[] = [];
            if (sizes[t] > running) {
              const joinH = rows(hk, running, sizes[t] - running) as Tensor, joinC = rows(ck, running, sizes[t] - running);
              const cell = lstm ? cellOf(state) : null;
              const joined: CellState = { h: cat([state.h, joinH], 0), c: cell && cat([cell, joinC as Tensor], 0) };
              readOnce(joined.h, joinH);
              if (joined.c) readOnce(joined.c, joinC, cell, state.hc);
              made.push(joined.h, joined.c);
              state = joined;
            }
            state = step(t, state, made);
          }
          // The initial copies, read by the first step or the joins (each a recorded reader, if any).
          readOnce(state.h, hk, ck);
          if (states) {
            hN.push(state.h);
            if (lstm) cN.push(cellOf(state));
          }
        }
        const out = cat(hs, 0);
        outputs.push(out);
        // Every step's h but the final state's (read by hN), the projections, and the last step's gates-and-cell.
        readOnce(out, ...hs.filter((ht) => !hN.includes(ht)), xp, state.hc);
      });
      const input = seq;
      seq = dirs === 1 ? outputs[0] : cat(outputs, 1);
      if (dirs > 1) readOnce(seq, ...outputs);
      if (input !== x.data) readOnce(seq, input);
      if (this.dropout > 0 && this.training && l + 1 < this.numLayers) {
        const kept = seq;
        seq = dropped(seq, this.dropout, seq.shape);
        readOnce(seq, kept);
      }
    }
    const output = x.withData(seq);
    if (!states) return { output };
    const finish = (final: Tensor[]) => {
      const t = stack(final, 0);
      readOnce(t, ...final);
      if (!x.unsortedIndices) return t;
      const r = indexSelect(t, 1, x.unsortedIndices);
      readOnce(r, t);
      return r;
    };
    return { output, hN: finish(hN), cN: lstm ? finish(cN) : null };
  }

  private run(x: Tensor, h0: Tensor | null | undefined, c0: Tensor | null | undefined, states: boolean): RNNResult | { output: Tensor } {
    const what = this.constructor.name;
    checkTensor(x, what);
    if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`${what}: input must be 2-D [time, input] or 3-D, got shape ${fmt(x.shape)}`);
    const batched = x.ndim === 3;
    let seq = batched ? (this.batchFirst ? permute(x, [1, 0, 2]) : x) : x.reshape([x.shape[0], 1, x.shape[1]]);
    const [steps, batch, features] = seq.shape;
    if (features !== this.inputSize) throw new Error(`${what}: input's features ${features} (shape ${fmt(x.shape)}) must be inputSize ${this.inputSize}`);
    const dirs = this.suffixes().length;
    const stateShape = [this.numLayers * dirs, batch, this.hiddenSize];
    const initial = (t: Tensor | null | undefined, name: string): Tensor => {
      if (t === undefined || t === null) return zeros(stateShape);
      checkTensor(t, what);
      const want = batched ? stateShape : [stateShape[0], stateShape[2]];
      if (t.ndim !== want.length || t.shape.some((s, i) => s !== want[i])) throw new Error(`${what}: ${name} must be ${fmt(want)}, got shape ${fmt(t.shape)}`);
      return batched ? t : t.reshape(stateShape);
    };
    const lstm = this.mode === 'lstm';
    if (!lstm && c0 !== undefined && c0 !== null) throw new Error(`${what}: c0 is LSTM's; ${what} has no cell state`);
    const h = initial(h0, 'h0');
    const c = lstm ? initial(c0, 'c0') : null;
    // Each layer and direction's initial state, views (or copies) read by its first step.
    const firsts = Array.from({ length: stateShape[0] }, (_, k): CellState => ({ h: select(h, 0, k), c: c && select(c, 0, k) }));
    // The initial states this call made (zeros, or views of the caller's), read by their views
    // alone: let go before any op records, a zero state copied into its views goes back at once.
    letGoAfterBackward(...[h, c].filter((t): t is Tensor => !!t && t !== h0 && t !== c0));
    const hN: Tensor[] = [], cN: Tensor[] = [];
    // What this call makes between the layers (each layer's output, the directions' before their
    // cat, dropout's input) and over x: each holds storage, kept it never went back to the pool.
    const between: Tensor[] = seq === x ? [] : [seq];
    for (let l = 0; l < this.numLayers; l++) {
      const outputs: Tensor[] = [];
      this.suffixes().forEach((suffix, d) => {
        const w = this.weights(l, suffix);
        const k = l * dirs + d;
        // Every step's input projection in one product: [time batch, gates hidden].
        const rows = seq.reshape([steps * batch, seq.shape[2]]);
        const projected = linear(rows, w.wIh, w.bIh);
        const xp = projected.reshape([steps, batch, -1]);
        const first = firsts[k];
        let state = first;
        const hs = new Array<Tensor>(steps);
        for (let s = 0; s < steps; s++) {
          const t = d === 0 ? s : steps - 1 - s;
          const xt = select(xp, 0, t);
          state = cellStep(this.mode, xt, state, w);
          letGoAfterBackward(xt);
          if (s === 0) letGoAfterRead(state.h, ...[first.h, first.c].filter((v): v is Tensor => !!v));
          hs[t] = state.h;
        }
        outputs.push(steps > 0 ? stack(hs, 0) : zeros([0, batch, this.hiddenSize]));
        // rows, a view of a constant x, is read by the projection's node alone.
        letGoAfterRead(projected, rows);
        letGoAfterBackward(projected, xp);
        if (states) {
          hN.push(state.h);
          if (lstm) cN.push(cellOf(state));
        }
        // Every step's h but the final state's (stacked below), and the last step's output.
        letGoAfterBackward(...hs.filter((ht) => !states || ht !== state.h));
        if (state.hc) letGoAfterBackward(state.hc);
      });
      seq = dirs === 1 ? outputs[0] : cat(outputs, 2);
      if (dirs > 1) between.push(...outputs);
      if (this.dropout > 0 && this.training && l + 1 < this.numLayers) {
        between.push(seq);
        seq = dropped(seq, this.dropout, seq.shape);
      }
      if (l + 1 < this.numLayers) between.push(seq);
    }
    let output = seq;
    if (!batched) output = output.reshape([steps, output.shape[2]]);
    else if (this.batchFirst) output = permute(output, [1, 0, 2]);
    if (output !== seq) between.push(seq);
    letGoAfterBackward(...between);
    if (!states) return { output };
    const finish = (final: Tensor[]) => {
      const t = stack(final, 0);
      letGoAfterBackward(...final);
      if (batched) return t;
      const r = t.reshape([stateShape[0], this.hiddenSize]);
      letGoAfterBackward(t);
      return r;
    };
    return { output, hN: finish(hN), cN: lstm ? finish(cN) : null };
  }
}

/** An Elman RNN as torch.nn.RNN: h' = tanh (or relu)(W_ih x + b_ih + W_hh h + b_hh). */
export class RNN extends RNNBase {
  /** @param inputSize features of each input step @param hiddenSize features of the hidden state */
  constructor(inputSize: number, hiddenSize: number, options?: RNNLayerOptions) {
    super(inputSize, hiddenSize, options, 'rnn');
  }

  /** The cell's nonlinearity. */
  get nonlinearity(): 'tanh' | 'relu' {
    return this.mode === 'relu' ? 'relu' : 'tanh';
  }
}

/** A long short-term memory as torch.nn.LSTM (gates i, f, g, o in its weights' row blocks). */
export class LSTM extends RNNBase {
  /** @param inputSize features of each input step @param hiddenSize features of the hidden and cell states */
  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions) {
    super(inputSize, hiddenSize, options, 'lstm');
  }
}

/** A gated recurrent unit as torch.nn.GRU (gates r, z, n in its weights' row blocks). */
export class GRU extends RNNBase {
  /** @param inputSize features of each input step @param hiddenSize features of the hidden state */
  constructor(inputSize: number, hiddenSize: number, options?: RNNOptions) {
    super(inputSize, hiddenSize, options, 'gru');
  }
}
