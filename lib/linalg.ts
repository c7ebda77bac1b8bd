// torch.linalg's names (`bp.linalg.det`, ...): re-exports only.
export { det, slogdet, inv, solve, luFactor } from './ops/linalg';
export type { SlogdetResult, LuFactorResult } from './ops/linalg';
