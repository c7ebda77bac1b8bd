// save / load a model (weights + architecture), and training checkpoints that also hold the
// optimizer's state and the epoch, so that training resumes to identical numbers.
import { checkModule, Module } from '../nn/module';
import { Optimizer, OptimizerStateDict } from '../optim/optimizer';
import { Tensor } from '../tensor';
import { applyParameterTies, build, describe, LayerSpec, parameterTies } from './architecture';
import { readSafetensors, TensorDict, writeSafetensors } from './safetensors';
import { checkPath, shown } from '../args';
import { withoutRandomInit } from '../nn/skip_init';

const FORMAT = 'backprop-1';

/** Saves weights and buffers with PyTorch state-dict names; the architecture goes in the metadata. */
export function save(model: Module, file: string): void {
  checkModule(model, 'save');
  checkPath(file, 'save');
  writeSafetensors(file, model.stateDict(), architectureMetadata(model));
}

// The architecture, and the parameters that distinct modules share (only when some are: files
// without ties read as before).
function architectureMetadata(model: Module): Record<string, string> {
  const ties = parameterTies(model);
  return { format: FORMAT, architecture: JSON.stringify(describe(model)), ...(ties.length ? { ties: JSON.stringify(ties) } : {}) };
}

/** Loads the file's tensors that belong to the model (strictly: a missing one is an error). */
function loadModelTensors(model: Module, tensors: TensorDict): void {
  const own: TensorDict = {};
  for (const k of Object.keys(model.stateDict())) if (tensors[k]) own[k] = tensors[k];
  model.loadStateDict(own);
}

/** A metadata entry written as JSON, parsed; a damaged one is named with its file. */
function metadataJson(metadata: Record<string, string>, key: string, file: string, what: string): unknown {
  try {
    return JSON.parse(metadata[key]);
  } catch (e) {
    throw new Error(`${what}: '${file}' has a damaged '${key}' entry in its metadata (${(e as Error).message})`);
  }
}

/** Rebuilds the model saved by save() and loads its weights. */
export function load(file: string): Module {
  const { tensors, metadata } = readSafetensors(checkPath(file, 'load'));
  if (!metadata.architecture) throw new Error(`load: '${file}' has no architecture in its metadata (was it written by save()?); use readSafetensors and loadStateDict`);
  // Built without drawing initial values: the strict loadStateDict below overwrites every one.
  const model = withoutRandomInit(() => build(metadataJson(metadata, 'architecture', file, 'load') as LayerSpec));
  if (metadata.ties) {
    const ties = metadataJson(metadata, 'ties', file, 'load');
    if (!Array.isArray(ties) || !ties.every((t) => Array.isArray(t) && t.length === 2 && t.every((n) => typeof n === 'string'))) {
      throw new Error(`load: '${file}' has a damaged 'ties' entry in its metadata (expected pairs of parameter names)`);
    }
    applyParameterTies(model, ties as Array<[string, string]>);
  }
  loadModelTensors(model, tensors);
  return model;
}

/** What a training checkpoint holds besides the model. */
export interface CheckpointInfo {
  /** The epoch training resumes after. */
  epoch: number;
  /** Strings stored in the file's metadata beside the checkpoint. */
  extra?: Record<string, string>;
}

/** Saves model, optimizer state and epoch in one safetensors file (atomically). */
export function saveCheckpoint(file: string, model: Module, optimizer: Optimizer, info: CheckpointInfo): void {
  checkModule(model, 'saveCheckpoint');
  checkPath(file, 'saveCheckpoint');
  if (!(optimizer instanceof Optimizer)) throw new Error(`saveCheckpoint: optimizer must be an optimizer such as optim.Adam, got ${shown(optimizer)}`);
  if (info === null || typeof info !== 'object' || !Number.isInteger(info.epoch)) throw new Error(`saveCheckpoint: info must be { epoch: an integer, extra?: strings }, got ${shown(info)}`);
  const tensors: TensorDict = { ...model.stateDict() };
  const sd = optimizer.stateView();
  const steps: number[] = [];
  sd.state.forEach((s, i) => {
    steps.push(s.step);
    s.buffers.forEach((b, k) => { tensors[`optimizer.state.${i}.${k}`] = new Tensor(b, [b.length]); });
  });
  writeSafetensors(file, tensors, {
    ...architectureMetadata(model),
    optimizer: JSON.stringify({ type: optimizer.constructor.name, hyper: sd.hyper, ...(sd.groups && { groups: sd.groups }), steps }),
    epoch: String(info.epoch),
    ...(info.extra ?? {}),
  });
}

/**
 * Restores a training checkpoint into an existing model and optimizer; returns the epoch. Either
 * both are restored or, when the file does not fit them, neither changes.
 */
export function loadCheckpoint(file: string, model: Module, optimizer?: Optimizer): CheckpointInfo {
  checkModule(model, 'loadCheckpoint');
  if (optimizer !== undefined && !(optimizer instanceof Optimizer)) throw new Error(`loadCheckpoint: optimizer must be an optimizer such as optim.Adam (or left out), got ${shown(optimizer)}`);
  const { tensors, metadata } = readSafetensors(checkPath(file, 'loadCheckpoint'));
  if (!optimizer) {
    loadModelTensors(model, tensors);
    return { epoch: Number(metadata.epoch ?? 0) };
  }
  if (!metadata.optimizer) throw new Error(`loadCheckpoint: '${file}' holds no optimizer state`);
  const o = metadataJson(metadata, 'optimizer', file, 'loadCheckpoint') as Pick<OptimizerStateDict, 'hyper' | 'groups'> & { type: string; steps: number[] };
  if (o === null || typeof o !== 'object' || typeof o.type !== 'string' || !Array.isArray(o.steps)) {
    throw new Error(`loadCheckpoint: '${file}' has a damaged 'optimizer' entry in its metadata (expected { type, hyper, steps })`);
  }
  if (o.type !== optimizer.constructor.name) throw new Error(`loadCheckpoint: '${file}' holds ${o.type} state, not ${optimizer.constructor.name}`);
  // The optimizer's state as it is (its buffers are replaced, not written, by loadStateDict), to
  // put back if the model does not take the file's tensors.
  const previous = optimizer.stateView();
  try {
    optimizer.loadStateDict({
      hyper: o.hyper,
      groups: o.groups,
      state: o.steps.map((step, i) => {
        const buffers: Float32Array[] = [];
        for (let k = 0; tensors[`optimizer.state.${i}.${k}`]; k++) buffers.push(tensors[`optimizer.state.${i}.${k}`].data);
        return { step, buffers };
      }),
    });
  } catch (e) {
    // loadStateDict checks everything before it changes anything; its message alone would not say
    // that the state came from this file.
    throw new Error(`loadCheckpoint: '${file}' holds optimizer state that ${optimizer.constructor.name} refuses: ${(e as Error).message}`);
  }
  try {
    loadModelTensors(model, tensors);
  } catch (e) {
    optimizer.loadStateDict(previous);
    throw e;
  }
  return { epoch: Number(metadata.epoch ?? 0) };
}
