// torch.utils.checkpoint's names: re-exports only.
export { checkpoint, checkpointSequential } from './checkpoint';
export type { CheckpointOptions } from './checkpoint';
