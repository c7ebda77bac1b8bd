// The data namespace: IDX reading, Fashion-MNIST, and mini-batches.
export { readIdx } from './idx';
export { fashionMnist, FASHION_MNIST_DIR } from './fashion-mnist';
export type { Split } from './fashion-mnist';
export { batches } from './batches';
export type { Batch, BatchOptions } from './batches';
