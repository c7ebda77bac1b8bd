// A fixed linear map of a tensor (its coefficients constants: a pooling's windows, a resize's taps)
// as an op, and its adjoint as another: each one's gradient is the other, to any order (createGraph).
import { Tensor } from '../tensor';
import { allocOutput } from '../storage';
import { sizeOf } from '../shape';
import { record } from './core';

/** A linear map between two shapes, run by a kernel pair. */
export interface LinearMap {
  /** The shape the map reads and the shape it writes. */
  shapes: readonly [readonly number[], readonly number[]];
  /** The ops' names: the map's and its adjoint's. */
  names: readonly [string, string];
  /** Writes the map of `from` into `to` (back false), or its adjoint (back true). Overwrites `to`. */
  run(back: boolean, from: Float32Array, to: Float32Array): void;
}

/** The map of t (back false; t has the first shape) or its adjoint (back true; t has the second). */
export function applyLinear(t: Tensor, map: LinearMap, back = false): Tensor {
  const shape = map.shapes[back ? 0 : 1];
  const y = allocOutput(sizeOf(shape));
  map.run(back, t.data, y);
  const out = record(y, [...shape], [t], map.names[back ? 1 : 0], (gy) => {
    const g = allocOutput(t.size);
    map.run(!back, gy, g);
    return [g];
  });
  if (out.node) out.node.graphBackward = (gy) => [applyLinear(gy, map, !back)];
  return out;
}
