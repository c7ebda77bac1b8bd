// P1: products with a small side (a depth of a few steps, a few rows or a few columns of C), as
// classical models and geometry call them: a regression's predictions and gradient on ten features,
// a 2-D input's first layer, an affine grid's points and their gradient, a Gram matrix of three
// columns. Not part of WORKLOADS.md. Each is timed through the public API (bp.matmul, bp.linear) on
// uniform [0, 1) operands, each result disposed after its timing; peers/torch_workloads.py times the
// same list under the same names (P1_OPS there).
import * as bp from '../dist/index';
import type { Tensor } from '../dist/index';
import { timedOps } from './ops';

/** matmul's operands [a, b] by name, for P1_PRODUCTS and P1_LINEAR. */
type Operands = Record<string, [Tensor, Tensor]>;

/** [name, shape of a, shape of b]: a @ b. */
export const P1_PRODUCTS: ReadonlyArray<[string, number[], number[]]> = [
  ['affine grid [16384,3]@[3,2]', [16384, 3], [3, 2]],
  ['grid gradient [3,16384]@[16384,2]', [3, 16384], [16384, 2]],
  ['regression [100000,10]@[10,1]', [100000, 10], [10, 1]],
  ['regression gradient [10,100000]@[100000,1]', [10, 100000], [100000, 1]],
  ['gram [3,100000]@[100000,3]', [3, 100000], [100000, 3]],
  ['features [50000,8]@[8,8]', [50000, 8], [8, 8]],
  ['[4096,4]@[4,4]', [4096, 4], [4, 4]],
];

/** [name, rows, in, out]: linear(x [rows, in], weight [out, in]), x W^T as nn.Linear computes it. */
export const P1_LINEAR: ReadonlyArray<[string, number, number, number]> = [
  ['linear 2->64 on 10000 rows', 10000, 2, 64],
  ['linear 8->4 on 10000 rows', 10000, 8, 4],
  ['linear 10->1 on 10000 rows', 10000, 10, 1],
];

/** Every P1 op by the name both sides report. */
export const P1_OPS: ReadonlyArray<[string, (o: Operands) => unknown]> = [
  ...P1_PRODUCTS.map(([name]): [string, (o: Operands) => unknown] => [name, (o) => bp.matmul(...o[name])]),
  ...P1_LINEAR.map(([name]): [string, (o: Operands) => unknown] => [name, (o) => bp.linear(...o[name])]),
];

/** One repetition of every P1 op (bench/ops.ts's timedOps), each result disposed after its timing. */
export function p1Runner(): () => Record<string, number> {
  bp.manualSeed(0);
  const o: Operands = {};
  for (const [name, sa, sb] of P1_PRODUCTS) o[name] = [bp.rand(sa), bp.rand(sb)];
  for (const [name, rows, inF, out] of P1_LINEAR) o[name] = [bp.rand([rows, inF]), bp.rand([out, inF])];
  return timedOps(o, P1_OPS, 'P1', true);
}
