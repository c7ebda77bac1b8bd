export { readSafetensors, writeSafetensors } from './safetensors';
export type { TensorDict } from './safetensors';
export { save, load, saveCheckpoint, loadCheckpoint } from './checkpoint';
export type { CheckpointInfo } from './checkpoint';
export type { LayerSpec } from './architecture';
export { SummaryWriter } from './tensorboard';
