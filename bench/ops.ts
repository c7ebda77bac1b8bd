// O1: single tensor ops on large operands, as a program that uses the library as a compute backend
// calls them (not part of WORKLOADS.md, which measures training and inference). Each op is timed
// through the public API, output allocation included, on an n x n float32 tensor of uniform [0, 1)
// values; peers/torch_workloads.py times the same list under the same names (O1_OPS there).
import * as bp from '../dist/index';
import type { Tensor } from '../dist/index';
import { median } from './timing';

/**
 * The operands every op reads: a and b [n, n], row [n], col [n, 1]; rows, n row numbers of a (each
 * twice, half the rows unpicked), and pick [n, n], column numbers of a for gather.
 */
type Operands = { a: Tensor; b: Tensor; row: Tensor; col: Tensor; rows: number[]; pick: Tensor };

const BCE_LOGITS = new bp.nn.BCEWithLogitsLoss({ reduction: 'none' });

type Op = (o: Operands) => unknown;

/** The ops, by the name both sides report. */
export const O1_OPS: ReadonlyArray<[string, Op]> = [
  ['add', ({ a, b }) => a.add(b)],
  ['add row', ({ a, row }) => a.add(row)],
  ['mul col', ({ a, col }) => a.mul(col)],
  ['add scalar', ({ a }) => a.add(1.5)],
  ['div', ({ a, b }) => a.div(b)],
  ['pow 2', ({ a }) => a.pow(2)],
  ['exp', ({ a }) => a.exp()],
  ['relu', ({ a }) => a.relu()],
  ['sigmoid', ({ a }) => a.sigmoid()],
  ['tanh', ({ a }) => a.tanh()],
  ['gelu', ({ a }) => a.gelu()],
  ['sum', ({ a }) => a.sum()],
  ['sum dim0', ({ a }) => a.sum(0)],
  ['sum dim1', ({ a }) => a.sum(1)],
  ['max dim1', ({ a }) => a.max(1)],
  ['argmax dim1', ({ a }) => a.argmax(1)],
  ['min dim1', ({ a }) => a.min(1)],
  ['argmin dim1', ({ a }) => a.argmin(1)],
  ['max dim0', ({ a }) => a.max(0)],
  ['argmin dim0', ({ a }) => a.argmin(0)],
  ['logsumexp dim0', ({ a }) => a.logsumexp(0)],
  ['softmax dim1', ({ a }) => a.softmax(1)],
  ['softmax dim0', ({ a }) => a.softmax(0)],
  ['logSoftmax dim1', ({ a }) => a.logSoftmax(1)],
  ['transpose', ({ a }) => a.transpose(0, 1)],
  ['clamp', ({ a }) => a.clamp(0.2, 0.8)],
  ['where', ({ a, b }) => bp.where(a.gt(0.5), a, b)],
  ['softplus', ({ a }) => a.softplus()],
  ['bce with logits', ({ a, b }) => BCE_LOGITS.forward(a, b)],
  ['index select', ({ a, rows }) => a.indexSelect(0, rows)],
  ['gather dim1', ({ a, pick }) => a.gather(1, pick)],
  // Copies of many short blocks (one per row): three columns, one column, two tensors side by side.
  ['narrow 3 cols', ({ a }) => a.narrow(1, 5, 3)],
  ['select col', ({ a }) => a.select(1, 5)],
  ['cat dim1', ({ a, col }) => bp.cat([col, a, col], 1)],
  // Random tensors of a's shape (the generator's draws are sequential; randn's arithmetic is not).
  ['rand', ({ a }) => bp.rand(a.shape)],
  ['randn', ({ a }) => bp.randn(a.shape)],
  // Ops that were closures called element by element, or TypeScript loops, until session 65.
  ['sin', ({ a }) => a.sin()],
  ['tan', ({ a }) => a.tan()],
  ['atan2', ({ a, b }) => bp.atan2(a, b)],
  ['fmod', ({ a }) => bp.fmod(a, 0.3)],
  ['hardswish', ({ a }) => bp.nn.functional.hardswish(a)],
  ['relu6', ({ a }) => bp.nn.functional.relu6(a)],
  ['smooth l1 loss', ({ a, b }) => bp.nn.functional.smoothL1Loss(a, b)],
  ['sort dim1', ({ a }) => a.sort(1).values],
  ['masked select', ({ a }) => bp.maskedSelect(a, a.gt(0.5))],
  ['max pool1d', ({ a }) => bp.nn.functional.maxPool1d(a.reshape([a.shape[0], 1, a.shape[1]]), 2)],
  ['cdist 64 cols', ({ a, b }) => bp.cdist(a.narrow(1, 0, 64), b.narrow(1, 0, 64))],
  // Average pooling of a as 32 x 32 images of 64 channels (im2col rows and a sum until session 66).
  ['avg pool2d 2', ({ a }) => bp.nn.functional.avgPool2d(a.reshape([-1, 64, 32, 32]), 2)],
  ['avg pool2d 3 s1', ({ a }) => bp.nn.functional.avgPool2d(a.reshape([-1, 64, 32, 32]), 3, { stride: 1, padding: 1 })],
  ['adaptive avg 7', ({ a }) => bp.nn.functional.adaptiveAvgPool2d(a.reshape([-1, 64, 32, 32]), 7)],
];

/** The row numbers of 'index select' and the column numbers of 'gather dim1' (the same on both sides). */
export const o1Rows = (n: number): number[] => Array.from({ length: n }, (_, i) => ((i >> 1) * 7) % n);
export const o1Pick = (n: number): Float32Array => Float32Array.from({ length: n * n }, (_, e) => (Math.floor(e / n) * 7 + (e % n) * 13) % n);

/** The side of the operands: 2048 (16 MiB each), 1024 in quick runs. */
export const o1Size = (quick: boolean): number => (quick ? 1024 : 2048);

/**
 * One repetition of every op of `ops` on `operands`: two untimed calls, then the median of five
 * timed ones, in ms, keyed `<prefix>.<name>` as the PyTorch side reports them. With `disposed`, each
 * result is disposed after its timing (Tensor.dispose, as a TensorFlow.js user writes it).
 */
export function timedOps<T>(operands: T, ops: ReadonlyArray<[string, (o: T) => unknown]>, prefix: string, disposed = false): () => Record<string, number> {
  // The plain calls keep no reference to their result: held until the next call, each 16 MiB output
  // stayed alive one op longer and the element-wise ops ran 1.3-2x slower (bench runs alternated).
  const call = disposed ? (op: (o: T) => unknown) => { const t0 = process.hrtime.bigint(); const y = op(operands); const t = process.hrtime.bigint() - t0; if (y instanceof bp.Tensor) y.dispose(); return t; }
    : (op: (o: T) => unknown) => { const t0 = process.hrtime.bigint(); op(operands); return process.hrtime.bigint() - t0; };
  return () => {
    const out: Record<string, number> = {};
    for (const [name, op] of ops) {
      call(op);
      call(op);
      const ts: number[] = [];
      for (let i = 0; i < 5; i++) ts.push(Number(call(op)) / 1e6);
      out[`${prefix}.${name}`] = median(ts);
    }
    return out;
  };
}

/**
 * O1's repetition (timedOps over O1_OPS): with `disposed`, the next call's output reuses the
 * disposed result's storage while it is in the caches, as PyTorch's allocator hands back the block
 * its last result freed.
 */
export function o1Runner(quick: boolean, disposed = false): () => Record<string, number> {
  bp.manualSeed(0);
  const n = o1Size(quick);
  const o: Operands = { a: bp.rand([n, n]), b: bp.rand([n, n]), row: bp.rand([n]), col: bp.rand([n, 1]), rows: o1Rows(n), pick: bp.tensor(o1Pick(n), { shape: [n, n] }) };
  return timedOps(o, O1_OPS, 'O1', disposed);
}
