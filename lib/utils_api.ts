// torch.utils' names that are not elsewhere (`bp.utils.checkpoint.checkpoint`): re-exports only.
export * as checkpoint from './checkpoint_api';
