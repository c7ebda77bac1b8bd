// The fused native training plan: when the model is a Sequential that starts with a Linear layer and
// holds only Linear, ReLU, Sigmoid, Tanh, Dropout and BatchNorm1d, the loss is CrossEntropyLoss, MSELoss, BCELoss (after a
// sigmoid) or BCEWithLogitsLoss with 'mean' reduction
// and the backend is native, fit runs each whole epoch in C++ on a worker thread (one crossing per
// epoch, no JavaScript allocation per batch), with the same kernels in the same order as the eager
// loop, so the numbers are the same. Anything else returns null and fit runs the eager loop.
import { Tensor } from '../tensor';
import { Module, runsOwnForward } from '../nn/module';
import { Sequential } from '../nn/sequential';
import { isParametrized } from '../nn/parametrize';
import { Linear } from '../nn/linear';
import { ReLU, Sigmoid, Tanh } from '../nn/activation';
import { Dropout } from '../nn/dropout';
import { BatchNorm1d } from '../nn/batchnorm';
import { rngWords, setRngWords } from '../random';
import { BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, Loss, MSELoss } from '../nn/loss';
import { Optimizer } from '../optim/optimizer';
import { packHyper, Unary } from '../backend/backend';
import { classIndices } from '../ops/loss';
import { decisionThreshold } from './metrics';
import { getBackend } from '../backend/registry';
import { loadNative } from '../backend/native';
import { Dataset } from './fit';
import { holdForEpoch } from '../worker_owned';
import type { GroupHandle } from '../distributed/process_group';

/** Data-parallel fit's share: the rows each epoch visits here, and the group its gradients are averaged over. */
export interface PlanShard { rows: number; group: GroupHandle }

const STAGE = { linear: 0, activation: 1, dropout: 2, batchNorm: 3 } as const;

/** One module of the Sequential as native/src/train/epoch.h describes it. */
interface StageSpec {
  kind: number; inF: number; outF: number; act: number; dropout: number;
  W: Float32Array | null; b: Float32Array | null; gW: Float32Array | null; gb: Float32Array | null;
  runningMean?: Float32Array; runningVar?: Float32Array; numBatchesTracked?: Float32Array; eps?: number; momentum?: number;
}

type TrainEpoch = (spec: Record<string, unknown>) => Promise<number>;

/** Outcome of a run of epochs: batches completed, per-batch losses and correct counts. */
export interface EpochOutcome { done: number; losses: Float32Array; correct: Int32Array | null }

export interface FusedPlan {
  /** Dropout draws from the library's generator, so shuffled epochs must run one per crossing. */
  readonly usesRng: boolean;
  /**
   * Runs `epochs` epochs back to back in one crossing, each visiting the rows in its slice of
   * `orders` (epochs * rows indices: n, or the shard's rows), or all n in stored order when `orders`
   * is null; onProgress gets batches done.
   */
  runEpochs(orders: Int32Array | null, epochs: number, onProgress?: (batchesDone: number) => void): Promise<EpochOutcome>;
  /** Stops before the next batch (AbortSignal). */
  abort(): void;
}

function activationCode(m: Module): number {
  return runsOwnForward(m, ReLU) ? Unary.relu : runsOwnForward(m, Sigmoid) ? Unary.sigmoid : runsOwnForward(m, Tanh) ? Unary.tanh : 0;
}

/**
 * The model's modules as stages, or null when one is not supported. A Linear takes the activation
 * that follows it into its GEMM, exactly as Sequential.forward does; the first module must be Linear.
 */
function stagesOf(model: Module, grads: Map<Tensor, Float32Array>): StageSpec[] | null {
  if (!runsOwnForward(model, Sequential)) return null;
  const mods = model.layers;
  // A parametrized weight is computed on each read, not stored where the plan would update it.
  if (!runsOwnForward(mods[0], Linear) || mods.some((m) => isParametrized(m))) return null;
  const out: StageSpec[] = [];
  let width = (mods[0] as Linear).inFeatures;
  const base = { act: 0, dropout: 0, W: null, b: null, gW: null, gb: null };
  for (let i = 0; i < mods.length; i++) {
    const m = mods[i];
    if (runsOwnForward(m, Linear)) {
      if (m.inFeatures === 0 || m.outFeatures === 0) return null; // zero-size layers: the eager loop
      const act = i + 1 < mods.length ? activationCode(mods[i + 1]) : 0;
      if (act) i++;
      out.push({
        ...base, kind: STAGE.linear, inF: m.inFeatures, outF: m.outFeatures, act, W: m.weight.data, b: m.bias?.data ?? null,
        gW: grads.get(m.weight) as Float32Array, gb: m.bias ? (grads.get(m.bias) as Float32Array) : null,
      });
      width = m.outFeatures;
    } else if (activationCode(m)) {
      out.push({ ...base, kind: STAGE.activation, inF: width, outF: width, act: activationCode(m) });
    } else if (runsOwnForward(m, Dropout)) {
      if (m.p > 0) out.push({ ...base, kind: STAGE.dropout, inF: width, outF: width, dropout: m.p }); // p = 0 draws nothing in eager mode either
    } else if (runsOwnForward(m, BatchNorm1d)) {
      if (m.numFeatures !== width || !m.running_mean) return null; // the eager loop reports the mismatch
      out.push({
        ...base, kind: STAGE.batchNorm, inF: width, outF: width,
        W: m.weight?.data ?? null, b: m.bias?.data ?? null,
        gW: m.weight ? (grads.get(m.weight) as Float32Array) : null, gb: m.bias ? (grads.get(m.bias) as Float32Array) : null,
        runningMean: m.running_mean.data, runningVar: m.running_var.data, numBatchesTracked: m.num_batches_tracked.data,
        eps: m.eps, momentum: m.momentum ?? NaN, // NaN: the cumulative average (epoch.h)
      });
    } else return null;
  }
  // A parameter in two stages (a layer used twice, or tied weights) would have its gradient written
  // over by the second instead of added to: the eager loop adds them.
  const used = mods.flatMap((m) => (m instanceof Linear || m instanceof BatchNorm1d ? m.parameters() : []));
  if (new Set(used).size !== used.length) return null;
  return out;
}

/** Builds the plan, or returns null when fit must run the eager loop. */
export function fusedPlan(model: Module, data: Dataset, loss: Loss, optimizer: Optimizer, batchSize: number, wantAccuracy: boolean,
  shard: PlanShard | null = null): FusedPlan | null {
  if (getBackend() !== 'native') return null;
  const trainEpoch = (loadNative().backend as unknown as { trainEpoch?: TrainEpoch }).trainEpoch;
  if (!trainEpoch) return null;
  if (!(data.x.data instanceof Float32Array) || data.x.ndim !== 2) return null;
  const params = model.parameters();
  if (params.length !== optimizer.params.length || !params.every((p) => optimizer.params.includes(p))) return null;
  // The native loop updates every parameter: frozen ones (requiresGrad false) train on the eager loop.
  if (params.some((p) => !p.requiresGrad)) return null;
  // Gradient hooks (and a DistributedDataParallel's averaging) run in backward(), which the native
  // loop does not call: such models train eagerly.
  if (params.some((p) => p.gradHooks || p.gradAdded)) return null;
  // Each parameter's gradient storage from the last step or fit when only the library holds it (a
  // fresh 7.4 MB of zeroed arrays for W3 cost ~0.5-0.8 ms a call); the loop overwrites it whole.
  const grads = new Map<Tensor, Float32Array>(optimizer.params.map((p) => [p, p.takeOwnGradStorage() ?? new Float32Array(p.size)]));
  const stages = stagesOf(model, grads);
  if (!stages || stages[0].inF !== data.x.shape[1]) return null;
  // BatchNorm refuses a batch of one row in training (every batch when batchSize is 1, or the last
  // one); the eager loop throws that error.
  const n = data.x.shape[0];
  const rows = shard?.rows ?? n;
  if (stages.some((s) => s.kind === STAGE.batchNorm) && (batchSize === 1 || rows % batchSize === 1)) return null;
  const outF = stages[stages.length - 1].outF;
  let yIndex: Int32Array | null = null;
  let yValues: Float32Array | null = null;
  let lossCode: number;
  let smoothing = 0;
  // Class weights, ignored targets and element weights are the eager loss's alone.
  if (runsOwnForward(loss, CrossEntropyLoss) && loss.reduction === 'mean' && data.y.ndim === 1 && loss.weight === null && !data.y.data.includes(loss.ignoreIndex)) {
    lossCode = 0;
    smoothing = loss.labelSmoothing;
    // The loss's own check, over the whole of y before any batch trains (the eager loop stops at
    // the batch that holds a bad target); positions are rows of y.
    yIndex = classIndices(data.y, n, outF, 'fit');
  } else if (runsOwnForward(loss, MSELoss) && loss.reduction === 'mean' && !wantAccuracy && data.y.ndim === 2 && data.y.shape[1] === outF) {
    lossCode = 1;
    yValues = data.y.data;
  } else if (((runsOwnForward(loss, BCEWithLogitsLoss) && loss.posWeight === null) || (runsOwnForward(loss, BCELoss) && stages[stages.length - 1].act === Unary.sigmoid))
    && loss.weight === null && loss.reduction === 'mean' && data.y.ndim === 2 && data.y.shape[1] === outF && (!wantAccuracy || outF === 1)) {
    // BCELoss needs probabilities: a final sigmoid guarantees them, as the eager check would.
    lossCode = loss instanceof BCELoss ? 2 : 3;
    yValues = data.y.data;
  } else return null;
  const state = optimizer.fusedState();
  if (!state) return null;
  const usesRng = stages.some((l) => l.dropout > 0 && l.dropout < 1);
  // What each epoch writes on its worker (JavaScript may not write them meanwhile: worker_owned.ts).
  const trained = [...optimizer.params, ...model.namedBuffers().map(([, b]) => b)];
  const batches = Math.ceil(rows / batchSize);
  const control = new Int32Array(1);
  // order, epochs, hyper, rng and onProgress are set by each runEpochs call.
  const spec: Record<string, unknown> & { batchLoss: Float32Array; batchCorrect: Int32Array | null } = {
    stages, loss: lossCode, smoothing, threshold: decisionThreshold(loss), n, rows, group: shard?.group ?? null, features: data.x.shape[1], batchSize, x: data.x.data, yIndex, yValues,
    params: optimizer.params.map((p) => p.data), grads: optimizer.params.map((p) => grads.get(p)), s0: state.s[0], s1: state.s[1], s2: state.s[2],
    control, batchLoss: new Float32Array(batches), batchCorrect: wantAccuracy ? new Int32Array(batches) : null,
  };
  return {
    usesRng,
    async runEpochs(orders: Int32Array | null, epochs: number, onProgress?: (batchesDone: number) => void): Promise<EpochOutcome> {
      spec.onProgress = onProgress ?? null;
      spec.order = orders;
      spec.epochs = epochs;
      if (spec.batchLoss.length !== epochs * batches) {
        spec.batchLoss = new Float32Array(epochs * batches);
        if (spec.batchCorrect) spec.batchCorrect = new Int32Array(epochs * batches);
      }
      spec.hyper = packHyper(optimizer.fusedState()!.hyper); // the current lr and step count
      const rng = rngWords();
      spec.rng = rng;
      const held = holdForEpoch(trained);
      let done: number;
      try {
        done = await trainEpoch(spec);
      } finally {
        held.release();
      }
      setRngWords(rng);
      optimizer.advanceSteps(done);
      // As after an eager step: each parameter's .grad holds the last batch's gradient.
      for (const p of optimizer.params) p.setOwnGrad(new Tensor(grads.get(p) as Float32Array, p.shape));
      return { done, losses: spec.batchLoss, correct: spec.batchCorrect };
    },
    abort(): void {
      Atomics.store(control, 0, 1);
    },
  };
}
