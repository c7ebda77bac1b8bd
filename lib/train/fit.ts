// fit / evaluate / predict: the training loop over mini-batches. The loop yields to the event loop
// between batches (at most every 10 ms of work), so timers and I/O keep running while it trains.
import * as path from 'node:path';
import { Tensor } from '../tensor';
import { checkModule, Module } from '../nn/module';
import { Loss } from '../nn/loss';
import { Optimizer } from '../optim/optimizer';
import { noGrad } from '../autograd';
import { tidy } from '../memory';
import { liveSpareNormal, manualSeed, rngWords, setRngWords } from '../random';
import { gatherRows, order, shardOf } from './batches';
import { BatchTally, checkMetrics, MetricName } from './metrics';
import { Progress } from './progress';
import { EpochOutcome, FusedPlan, fusedPlan } from './plan';
import { OptionKinds, optionsOf, shown } from '../args';
import { fitEnded, fitStarted } from '../reuse';
import { ProcessGroup } from '../distributed/process_group';
import { DistributedDataParallel } from '../nn/parallel';
import { SummaryWriter } from '../io/tensorboard';

/** Inputs and targets: x [n, ...], y [n] class indices or [n, ...] targets. */
export interface Dataset {
  /** Inputs, one row per sample along dimension 0. */
  x: Tensor;
  /** Targets, one per row of x (class indices, or rows of values). */
  y: Tensor;
}

/** Per-epoch values given to callbacks and stored in History. */
export type Logs = Record<string, number>;

/** Early stopping: stop when `monitor` has not improved by minDelta for `patience` epochs. */
export interface EarlyStopping {
  /** The value watched (default 'valLoss' with validationData, else 'loss'). */
  monitor?: 'loss' | 'valLoss';
  /** Epochs without improvement before stopping. */
  patience: number;
  /** The least decrease that counts as an improvement (default 0). */
  minDelta?: number;
}

/** Options of fit. */
export interface FitOptions {
  /** The loss module (CrossEntropyLoss, MSELoss...). */
  loss: Loss;
  /** The optimizer, made over the model's parameters. */
  optimizer: Optimizer;
  /** Passes over the data (default 1). */
  epochs?: number;
  /** Rows per step (default 32); the last batch may be smaller. */
  batchSize?: number;
  /** Shuffle the rows every epoch (default true), from `seed` when given. */
  shuffle?: boolean;
  /** Seeds the library's generator (manualSeed) before training: shuffles and Dropout repeat. */
  seed?: number;
  /** Evaluated after each epoch into valLoss (and valAccuracy). */
  validationData?: Dataset;
  /**
   * 'accuracy': the share of rows whose prediction equals the target: the argmax column against a
   * class index (or a one-hot row); for a single output column of a loss other than
   * CrossEntropyLoss and NLLLoss, output above 0.5 (above 0 with BCEWithLogitsLoss, whose outputs
   * are logits) against a 0/1 target. Rows whose target is the loss's ignoreIndex are left out
   * (NaN when every row is).
   */
  metrics?: MetricName[];
  /** Progress on stderr: a bar on a TTY, one line per epoch otherwise. */
  verbose?: boolean;
  /** Aborting rejects fit with an AbortError; the model keeps its last completed step. */
  signal?: AbortSignal;
  /** Return false (or call stop()) to stop after this epoch. */
  onEpochEnd?: (epoch: number, logs: Logs, stop: () => void) => boolean | void | Promise<boolean | void>;
  /** Return false (or call stop()) to stop after this batch. */
  onBatchEnd?: (batch: number, logs: Logs, stop: () => void) => boolean | void;
  /** Stop when the monitored loss stops improving. */
  earlyStopping?: EarlyStopping;
  /**
   * On the native backend, run whole epochs in C++ off the JavaScript thread when the model, loss
   * and optimizer allow it (default true); the numbers are the same as the eager loop's.
   * onBatchEnd needs the eager loop.
   */
  fused?: boolean;
  /**
   * Data-parallel training (PyTorch's DistributedDataParallel with a DistributedSampler): every
   * process of the group calls fit with the same model, data and options. fit first gives every
   * rank rank 0's parameters, buffers and generator state; each epoch's row order (shuffled alike
   * on every rank) is dealt out, rank r taking rows r, r + worldSize, ... (ceil(n / worldSize)
   * each, the order's start repeated to fill the last round); each batch's gradients are averaged
   * over the ranks before the optimizer steps, so the parameters stay the same on every rank. The
   * History (loss and metrics over all ranks' rows) is the same on every rank; buffers (BatchNorm's
   * running statistics) are rank 0's after each epoch; validationData is dealt out as the training
   * rows are (without repeats) and its values summed over the ranks.
   * batchSize is per process. When any rank stops (onEpochEnd, onBatchEnd, earlyStopping, stop()),
   * every rank stops with it: at the end of that epoch, or of that batch with onBatchEnd.
   */
  processGroup?: ProcessGroup;
  /**
   * A directory for TensorBoard (`tensorboard --logdir <dir>`), as Keras's TensorBoard callback
   * writes it: each epoch's `epoch_loss` (and `epoch_accuracy`) in an event file under `<dir>/train`,
   * the validation values under `<dir>/validation`, the epoch as the step. Under a processGroup,
   * rank 0 alone writes.
   */
  tensorBoard?: string;
}

const FIT_OPTIONS: OptionKinds<FitOptions> = {
  loss: 'value', optimizer: 'value', epochs: 'value', batchSize: 'value', shuffle: 'boolean', seed: 'value', validationData: 'value',
  metrics: 'value', verbose: 'boolean', signal: 'value', onEpochEnd: 'value', onBatchEnd: 'value', earlyStopping: 'value', fused: 'boolean',
  processGroup: 'value', tensorBoard: 'value',
};

/** What fit returns: one entry per completed epoch for each value. */
export interface History {
  /** Training loss of each epoch: what the loss module gives over the epoch's batches as one set (its mean; its sum for reduction 'sum'), ignored targets and class weights included. */
  loss: number[];
  /** Validation loss of each epoch, as evaluate gives it (empty without validationData). */
  valLoss: number[];
  /** Per-metric arrays: `accuracy`, `valAccuracy`. */
  [metric: string]: number[];
}

const training = new WeakSet<Module>();

function checkDataset(d: Dataset, what: string): number {
  if (!d || !(d.x instanceof Tensor) || !(d.y instanceof Tensor)) throw new Error(`${what}: expected { x: Tensor, y: Tensor }`);
  if (d.x.ndim < 1 || d.y.ndim < 1 || d.x.shape[0] !== d.y.shape[0]) {
    throw new Error(`${what}: x has shape [${d.x.shape.join(', ')}] and y [${d.y.shape.join(', ')}]; they need the same number of rows`);
  }
  if (d.x.shape[0] === 0) throw new Error(`${what}: the dataset is empty`);
  return d.x.shape[0];
}

function positiveInt(v: number | undefined, dflt: number, what: string, name: string): number {
  const n = v ?? dflt;
  if (!Number.isInteger(n) || n < 1) throw new Error(`${what}: ${name} must be a positive integer, got ${shown(v)}`);
  return n;
}

// patience was read as given: -1 stopped after the first epoch, a missing one never stopped, and
// valLoss without validation data compared undefined and stopped after `patience` epochs.
function checkEarlyStopping(es: EarlyStopping, hasValidation: boolean): void {
  optionsOf(es, 'fit: earlyStopping', { monitor: 'value', patience: 'value', minDelta: 'value' });
  if (!Number.isInteger(es.patience) || es.patience < 0) {
    throw new Error(`fit: earlyStopping.patience must be a non-negative integer, got ${shown(es.patience)}`);
  }
  if (es.minDelta !== undefined && !(typeof es.minDelta === 'number' && es.minDelta >= 0 && Number.isFinite(es.minDelta))) {
    throw new Error(`fit: earlyStopping.minDelta must be a non-negative number, got ${shown(es.minDelta)}`);
  }
  if (es.monitor !== undefined && es.monitor !== 'loss' && es.monitor !== 'valLoss') {
    throw new Error(`fit: earlyStopping.monitor must be 'loss' or 'valLoss', got ${shown(es.monitor)}`);
  }
  if (es.monitor === 'valLoss' && !hasValidation) throw new Error("fit: earlyStopping monitors 'valLoss', which needs validationData");
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const e = new Error(`fit: aborted${reason !== undefined ? ` (${String(reason)})` : ''}`);
  e.name = 'AbortError';
  return e;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Sum over the rows of the loss, and the correct predictions, of epoch `e` of a fused run over `n` rows an epoch. */
function epochSums(r: EpochOutcome, e: number, batches: number, n: number, batchSize: number): [number, number] {
  let lossSum = 0;
  let correct = 0;
  const done = Math.max(0, Math.min(batches, r.done - e * batches));
  for (let b = 0; b < done; b++) {
    lossSum += r.losses[e * batches + b] * (Math.min(n, (b + 1) * batchSize) - b * batchSize);
    if (r.correct) correct += r.correct[e * batches + b];
  }
  return [lossSum, correct];
}

/** The rows one epoch visits, in order: all n (shuffled or not), or this rank's share of them. */
type EpochOrder = (into?: Int32Array) => Int32Array;

/**
 * All epochs through the fused plan when nothing runs between epochs: groups of epochs per crossing
 * (up to ~4M row indices: thousands of epochs of a tiny dataset, a few of a large one), their row
 * orders drawn in advance in the sequence the eager loop draws them, none when the rows go in
 * stored order (`orderOf` null).
 */
async function fitGrouped(plan: FusedPlan, epochs: number, rows: number, batchSize: number, orderOf: EpochOrder | null,
  metrics: MetricName[], history: History, signal: AbortSignal | undefined, group: ProcessGroup | undefined, model: Module): Promise<void> {
  const batches = Math.ceil(rows / batchSize);
  const accuracy = metrics.includes('accuracy') ? history.accuracy : null;
  for (let epoch = 0; epoch < epochs;) {
    const count = Math.max(1, Math.min(epochs - epoch, Math.floor(4_194_304 / rows)));
    let orders: Int32Array | null = null;
    if (orderOf) {
      orders = new Int32Array(count * rows);
      for (let g = 0; g < count; g++) orderOf(orders.subarray(g * rows, (g + 1) * rows));
    }
    const r = await plan.runEpochs(orders, count);
    if (signal?.aborted) throw abortError(signal);
    // Each epoch's loss sum and correct rows, then summed over the ranks.
    const sums = new Float64Array(2 * count);
    for (let e = 0; e < count; e++) [sums[e], sums[count + e]] = epochSums(r, e, batches, rows, batchSize);
    if (group) await Promise.all([group.reduceArrays([sums], false), shareBuffers(group, model)]);
    const seen = rows * (group?.worldSize ?? 1);
    for (let e = 0; e < count; e++) {
      history.loss.push(sums[e] / seen);
      accuracy?.push(sums[count + e] / seen);
    }
    epoch += count;
  }
}

/** Each epoch's logs as Keras's TensorBoard callback writes them: `<dir>/train` and `<dir>/validation`, tags `epoch_<name>`. */
function epochBoard(dir: string, validation: boolean): { log(epoch: number, logs: Logs): void; close(): void } {
  const train = new SummaryWriter(path.join(dir, 'train'));
  let val: SummaryWriter | null = null;
  try {
    if (validation) val = new SummaryWriter(path.join(dir, 'validation'));
  } catch (e) {
    train.close();
    throw e;
  }
  return {
    log(epoch, logs) {
      for (const [k, v] of Object.entries(logs)) {
        const isVal = k.startsWith('val') && k.length > 3;
        const name = isVal ? k[3].toLowerCase() + k.slice(4) : k;
        (isVal ? val : train)?.addScalar(`epoch_${name}`, v, epoch);
      }
    },
    close() {
      train.close();
      val?.close();
    },
  };
}

/** Gives every rank rank 0's buffers (BatchNorm's running statistics), as DistributedDataParallel does. */
function shareBuffers(group: ProcessGroup, model: Module): Promise<void> {
  const buffers = model.namedBuffers().map(([, b]) => b.data);
  return buffers.length ? group.broadcastArrays(buffers, 0) : Promise.resolve();
}

/** Starts every rank from rank 0's parameters, buffers and generator state (the same shuffles and Dropout masks). */
async function startTogether(group: ProcessGroup, model: Module): Promise<void> {
  const words = Float64Array.from(rngWords());
  const spare = liveSpareNormal();
  await Promise.all([group.broadcastArrays([...model.parameters().map((p) => p.data), ...model.namedBuffers().map(([, b]) => b.data)], 0),
    group.broadcastArrays([words, spare], 0)]);
  setRngWords(Uint32Array.from(words));
}

/** Each parameter's gradient storage, for averaging over the ranks (zeros standing in for a missing one). */
function gradArrays(params: readonly Tensor[]): Float32Array[] {
  return params.map((p) => p.gradData() ?? new Float32Array(p.size));
}

/**
 * Trains `model` on `data` for `epochs` epochs; resolves to the History. The eager loop runs each
 * batch's forward, loss and backward inside tidy(): a tensor the model keeps from its forward must
 * be marked with keep().
 */
export async function fit(model: Module, data: Dataset, options: FitOptions): Promise<History> {
  checkModule(model, 'fit');
  const n = checkDataset(data, 'fit');
  if (!(options?.loss instanceof Loss)) throw new Error('fit: options.loss must be a loss module such as new nn.CrossEntropyLoss()');
  optionsOf(options, 'fit', FIT_OPTIONS);
  if (options.earlyStopping !== undefined) checkEarlyStopping(options.earlyStopping, Boolean(options.validationData));
  // Each would otherwise fail later with V8's own message ("addEventListener is not a function"),
  // or be reported as manualSeed's.
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw new Error(`fit: signal must be an AbortSignal (an AbortController's signal), got ${shown(options.signal)}`);
  }
  for (const key of ['onEpochEnd', 'onBatchEnd'] as const) {
    if (options[key] !== undefined && typeof options[key] !== 'function') throw new Error(`fit: ${key} must be a function, got ${shown(options[key])}`);
  }
  if (options.seed !== undefined && (typeof options.seed !== 'number' || !Number.isFinite(options.seed))) {
    throw new Error(`fit: seed must be a finite number, got ${shown(options.seed)}`);
  }
  if (!(options.optimizer instanceof Optimizer)) throw new Error('fit: options.optimizer must be an optimizer such as new optim.Adam(model.parameters())');
  // An optimizer made for another model would train nothing, silently. (Some of the model's
  // parameters may be left out on purpose, to freeze them; all of them is a mistake.)
  const updated = new Set(options.optimizer.params);
  const trainable = model.parameters().filter((p) => p.requiresGrad);
  if (trainable.length && !trainable.some((p) => updated.has(p))) {
    throw new Error("fit: options.optimizer updates none of the model's parameters; make it with this model's parameters(), e.g. new optim.Adam(model.parameters())");
  }
  const epochs = positiveInt(options.epochs, 1, 'fit', 'epochs');
  const batchSize = positiveInt(options.batchSize, 32, 'fit', 'batchSize');
  const metrics = checkMetrics(options.metrics, 'fit');
  if (options.validationData) checkDataset(options.validationData, 'fit: validationData');
  if (training.has(model)) throw new Error('fit: this model is already being trained by another fit() call; wait for it to finish');
  const group = options.processGroup;
  if (group !== undefined) {
    if (!(group instanceof ProcessGroup)) throw new Error(`fit: processGroup must be a ProcessGroup from distributed.initProcessGroup(), got ${shown(group)}`);
    group.handle('fit'); // throws once destroyed
    // Its backward would average the gradients fit averages again (and off fit's order of collectives).
    if (model instanceof DistributedDataParallel) throw new Error('fit: the model is a DistributedDataParallel and a processGroup is given; pass its module (ddp.module) with the processGroup');
  }
  if (options.tensorBoard !== undefined && (typeof options.tensorBoard !== 'string' || options.tensorBoard === '')) {
    throw new Error(`fit: tensorBoard must be a directory path, got ${shown(options.tensorBoard)}`);
  }
  if (options.signal?.aborted) throw abortError(options.signal);
  const { loss: lossFn, optimizer } = options;
  // Rows each epoch visits here: all of them, or this rank's share.
  const rows = group ? Math.ceil(n / group.worldSize) : n;
  const history: History = { loss: [], valLoss: [] };
  for (const m of metrics) {
    history[m] = [];
    if (options.validationData) history[`val${m[0].toUpperCase()}${m.slice(1)}`] = [];
  }
  const progress = new Progress(options.verbose ?? false, epochs);
  const es = options.earlyStopping;
  let best = Infinity;
  let sinceBest = 0;
  if (options.seed !== undefined) manualSeed(options.seed);
  // This rank's wish to stop; under a group the loop obeys `stopping`, the wishes of all ranks
  // agreed at the end of each epoch (and batch, with onBatchEnd).
  let stopRequested = false;
  let stopping = false;
  const stop = (): void => { stopRequested = true; };
  const stops = (): boolean => (group ? stopping : stopRequested);
  let board: ReturnType<typeof epochBoard> | null = null;
  const plan = options.fused === false || options.onBatchEnd ? null
    : fusedPlan(model, data, lossFn, optimizer, batchSize, metrics.includes('accuracy'), group ? { rows, group: group.handle('fit') } : null);
  const onAbort = (): void => plan?.abort();
  options.signal?.addEventListener('abort', onAbort);
  // Marked only now, with no await since the check above: everything before may throw, and the
  // finally below is what unmarks it.
  training.add(model);
  // Between awaits other code runs, and may dispose tensors whose arrays the native loop holds: no
  // storage is pooled while a fused plan exists. The eager loop holds nothing across its awaits,
  // and its steps pool what backward and the model give back, as outside fit.
  if (plan) fitStarted();
  try {
    // Made before training starts, so that a directory that cannot be made fails fit at once.
    if (options.tensorBoard !== undefined && (group?.rank ?? 0) === 0) board = epochBoard(options.tensorBoard, Boolean(options.validationData));
    model.train();
    const shuffle = options.shuffle ?? true;
    if (group) await startTogether(group, model);
    const orderOf: EpochOrder = group ? (into) => shardOf(order(n, shuffle), group.rank, group.worldSize, into) : (into) => order(n, shuffle, into);
    // The fused plan visits all rows in stored order without being given one.
    const storedOrder = !shuffle && !group;
    // With no per-epoch hook, the fused plan runs many epochs per crossing (unless shuffling must
    // interleave with Dropout's draws from the same generator).
    const perEpochHooks = Boolean(options.onEpochEnd || options.validationData || es || options.verbose || board);
    if (plan && !perEpochHooks && !(plan.usesRng && shuffle)) {
      await fitGrouped(plan, epochs, rows, batchSize, storedOrder ? null : orderOf, metrics, history, options.signal, group, model);
      return history;
    }
    for (let epoch = 0; epoch < epochs && !stops(); epoch++) {
      const t0 = Date.now();
      let lastYield = t0;
      const tally = new BatchTally(lossFn, metrics.includes('accuracy'));
      const batches = Math.ceil(rows / batchSize);
      if (plan) {
        // On a TTY the bar follows the worker's progress (batches done; the loss arrives at the end).
        const onProgress = progress.live ? (b: number) => progress.batch(epoch, Math.min(rows, b * batchSize), rows, NaN, (b * batchSize) / Math.max(1e-3, (Date.now() - t0) / 1000)) : undefined;
        const r = await plan.runEpochs(storedOrder ? null : orderOf(), 1, onProgress);
        if (options.signal?.aborted) throw abortError(options.signal);
        const [lossSum, correct] = epochSums(r, 0, batches, rows, batchSize);
        tally.addTotals(lossSum, rows, correct);
        progress.batch(epoch, rows, rows, tally.loss, rows / Math.max(1e-3, (Date.now() - t0) / 1000));
      } else {
        const idx = orderOf();
        for (let b = 0; b < batches; b++) {
          if (options.signal?.aborted) throw abortError(options.signal);
          const begin = b * batchSize;
          const end = Math.min(rows, begin + batchSize);
          // Each batch's tensors (the rows, the model's intermediates, the output and the loss) go
          // back to the pool once its backward has run, as TensorFlow.js's fit tidies each batch: a
          // model of the caller's own composes ops whose results only tidy can see (a residual CNN's
          // step allocated 4.2 MB fresh and took 1.33x the time without: npm run bench:storage).
          const lv = tidy(() => {
            const xb = gatherRows(data.x, idx, begin, end);
            const yb = gatherRows(data.y, idx, begin, end);
            optimizer.zeroGrad();
            const out = model.forward(xb);
            const loss = lossFn.forward(out, yb);
            loss.backward();
            const value = loss.item();
            tally.add(out, yb, value);
            return value;
          });
          if (group) await group.reduceArrays(gradArrays(optimizer.params), true);
          optimizer.step();
          progress.batch(epoch, end, rows, tally.loss, end / Math.max(1e-3, (Date.now() - t0) / 1000));
          if (options.onBatchEnd && options.onBatchEnd(b, { loss: lv }, stop) === false) stopRequested = true;
          if (group && options.onBatchEnd) stopping = await anyRankStops(group, stopRequested);
          if (stops()) break;
          if (Date.now() - lastYield > 10) {
            await yieldToEventLoop();
            lastYield = Date.now();
          }
        }
      }
      if (group) await Promise.all([tallyOverRanks(group, tally), shareBuffers(group, model)]);
      const logs: Logs = { loss: tally.loss };
      if (metrics.includes('accuracy')) logs.accuracy = tally.accuracy;
      if (options.validationData) {
        // Under a group each rank evaluates its share of the rows (the values are the whole set's).
        const v = group ? await evaluateShared(group, model, options.validationData, lossFn, batchSize, metrics)
          : evaluateRows(model, options.validationData, order(options.validationData.x.shape[0], false), lossFn, batchSize, metrics);
        logs.valLoss = v.loss;
        if (metrics.includes('accuracy')) logs.valAccuracy = v.accuracy;
        model.train();
      }
      for (const [k, v] of Object.entries(logs)) (history[k] ??= []).push(v);
      board?.log(epoch, logs);
      progress.epoch(epoch, logs, (Date.now() - t0) / 1000);
      if (options.onEpochEnd && (await options.onEpochEnd(epoch, logs, stop)) === false) stopRequested = true;
      if (es) {
        const monitored = logs[es.monitor ?? (options.validationData ? 'valLoss' : 'loss')];
        if (monitored < best - (es.minDelta ?? 0)) {
          best = monitored;
          sinceBest = 0;
        } else if (++sinceBest >= es.patience) stopRequested = true;
      }
      if (group && (options.onEpochEnd || options.onBatchEnd || es)) stopping = await anyRankStops(group, stopRequested);
      await yieldToEventLoop();
    }
  } finally {
    board?.close();
    if (plan) fitEnded();
    training.delete(model);
    options.signal?.removeEventListener('abort', onAbort);
  }
  return history;
}

/** Options of evaluate. */
export interface EvaluateOptions {
  /** The loss to average. */
  loss: Loss;
  /** Rows per forward pass (default 256). */
  batchSize?: number;
  /** As fit's `metrics`. */
  metrics?: MetricName[];
}

/** The loss (and metrics) over a dataset, in eval mode without recording gradients: what the loss module gives for the whole set in one call (its mean, or its sum for reduction 'sum'; ignored targets and class weights included), computed batch by batch. */
export function evaluate(model: Module, data: Dataset, options: EvaluateOptions): { loss: number; accuracy?: number } {
  checkModule(model, 'evaluate');
  options = optionsOf(options, 'evaluate', { loss: 'value', batchSize: 'value', metrics: 'value' });
  if (!(options.loss instanceof Loss)) throw new Error('evaluate: options.loss must be a loss module such as new nn.CrossEntropyLoss()');
  const n = checkDataset(data, 'evaluate');
  const batchSize = positiveInt(options.batchSize, 256, 'evaluate', 'batchSize');
  const metrics = checkMetrics(options.metrics, 'evaluate');
  const tally = evaluateRows(model, data, order(n, false), options.loss, batchSize, metrics);
  return metrics.includes('accuracy') ? { loss: tally.loss, accuracy: tally.accuracy } : { loss: tally.loss };
}

/** The loss (and metrics) over the rows `idx` of data, batch by batch, in eval mode without recording gradients. */
function evaluateRows(model: Module, data: Dataset, idx: Int32Array, loss: Loss, batchSize: number, metrics: MetricName[]): BatchTally {
  const wasTraining = model.training;
  model.eval();
  const tally = new BatchTally(loss, metrics.includes('accuracy'));
  try {
    noGrad(() => {
      for (let begin = 0; begin < idx.length; begin += batchSize) {
        const end = Math.min(idx.length, begin + batchSize);
        tidy(() => {
          const xb = gatherRows(data.x, idx, begin, end);
          const yb = gatherRows(data.y, idx, begin, end);
          const out = model.forward(xb);
          tally.add(out, yb, loss.forward(out, yb).item());
        });
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return tally;
}

/**
 * evaluate over the ranks of a group: rank r takes validation rows r, r + worldSize, ... (no row
 * twice), and the sums are added up over the ranks, so every rank gets the values of the whole set.
 */
async function evaluateShared(group: ProcessGroup, model: Module, data: Dataset, loss: Loss, batchSize: number, metrics: MetricName[]): Promise<BatchTally> {
  const n = data.x.shape[0];
  const idx = Int32Array.from({ length: Math.max(0, Math.ceil((n - group.rank) / group.worldSize)) }, (_, i) => group.rank + i * group.worldSize);
  const tally = evaluateRows(model, data, idx, loss, batchSize, metrics);
  await tallyOverRanks(group, tally);
  return tally;
}

/** Adds a tally's sums up over the ranks: every rank then holds the whole group's. */
/**
 * Whether any rank wishes to stop, summed over the ranks: a rank that left the loop alone would
 * leave the others waiting in their next collective until the group's timeout.
 */
async function anyRankStops(group: ProcessGroup, wish: boolean): Promise<boolean> {
  const votes = new Float64Array([wish ? 1 : 0]);
  await group.reduceArrays([votes], false);
  return votes[0] > 0;
}

async function tallyOverRanks(group: ProcessGroup, tally: BatchTally): Promise<void> {
  const sums = tally.totals();
  await group.reduceArrays([sums], false);
  tally.setTotals(sums);
}

/** The model's output for every row of x, computed in batches in eval mode. */
export function predict(model: Module, x: Tensor, options?: { batchSize?: number }): Tensor {
  checkModule(model, 'predict');
  if (!(x instanceof Tensor) || x.ndim < 1) throw new Error('predict: x must be a Tensor with a leading batch dimension');
  const n = x.shape[0];
  const batchSize = positiveInt(optionsOf(options, 'predict', { batchSize: 'value' }).batchSize, 256, 'predict', 'batchSize');
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      if (n === 0) return model.forward(x); // no batch to cut: the model says what no rows give
      const idx = order(n, false);
      // Each batch's output copied into the result as it comes, and the batch's tensors given back
      // (all batches' outputs were held until the end, and their intermediates left to the collector).
      let out: Tensor | null = null;
      for (let begin = 0; begin < n; begin += batchSize) {
        out = tidy(() => {
          const part = model.forward(gatherRows(x, idx, begin, Math.min(n, begin + batchSize)));
          const whole = out ?? new Tensor(new (part.data.constructor as Float32ArrayConstructor)((n * part.size) / part.shape[0]), [n, ...part.shape.slice(1)]);
          whole.data.set(part.data, (begin * part.size) / part.shape[0]);
          return whole;
        });
      }
      return out as Tensor;
    });
  } finally {
    model.train(wasTraining);
  }
}
