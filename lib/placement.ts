// Where a tensor lives and what it holds, in torch's words: every tensor here is on the CPU and holds
// float32 (float64 only inside the library's finite-difference checks). `.to()`, `.cpu()` and
// `.float()` are there so that code written for torch (`model.to(device)`, `x.float()`) runs
// unchanged; asking for another device or dtype is an error that says what there is.
import { shown } from './args';

/** The one device. */
export type Device = 'cpu';
/** The element types a tensor can hold: float32 (float64 only in gradient checks' storage). */
export type Dtype = 'float32' | 'float64';

/** What `.to()` takes: a device, a dtype, both as options, or (for a tensor) another tensor to match. */
export interface PlacementOptions {
  /** 'cpu' (torch's device; 'cpu:0' too). */
  device?: string;
  /** 'float32' (also 'float', torch.float32's other name). */
  dtype?: string;
}

const DEVICES = new Set(['cpu', 'cpu:0']);
const DTYPES = new Set(['float32', 'float', 'torch.float32']);

function checkDevice(d: unknown, what: string): void {
  if (typeof d !== 'string' || !DEVICES.has(d)) {
    throw new Error(`${what}: device ${shown(d)} is not available: backprop runs on the CPU ('cpu'), with native kernels where they are built`);
  }
}

function checkDtype(d: unknown, what: string): void {
  if (typeof d !== 'string' || !DTYPES.has(d)) throw new Error(`${what}: dtype ${shown(d)} is not supported: tensors hold float32 ('float32')`);
}

/**
 * Checks a `.to()` argument: a device or dtype name, or { device, dtype }; an error names what is
 * not here. `what` names the caller ('to', 'Module.to').
 */
export function checkPlacement(target: unknown, what: string): void {
  if (typeof target === 'string') {
    if (DEVICES.has(target)) return;
    if (DTYPES.has(target)) return;
    throw new Error(`${what}: ${shown(target)} is neither an available device ('cpu') nor a supported dtype ('float32')`);
  }
  if (target === null || typeof target !== 'object' || Array.isArray(target)) {
    throw new Error(`${what}: expected a device ('cpu'), a dtype ('float32') or { device, dtype }, got ${shown(target)}`);
  }
  const o = target as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'device' && k !== 'dtype') throw new Error(`${what}: unknown option '${k}' (device, dtype)`);
  if (o.device !== undefined) checkDevice(o.device, what);
  if (o.dtype !== undefined) checkDtype(o.dtype, what);
}
