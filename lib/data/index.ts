// The data namespace: IDX reading and Fashion-MNIST.
export { readIdx } from './idx';
export { fashionMnist, FASHION_MNIST_DIR } from './fashion-mnist';
export type { Split } from './fashion-mnist';
