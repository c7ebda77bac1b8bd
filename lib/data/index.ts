// The data namespace: IDX reading, Fashion-MNIST, mini-batches, and torch.utils.data's datasets and loader.
export { readIdx } from './idx';
export { fashionMnist, FASHION_MNIST_DIR } from './fashion-mnist';
export type { Split } from './fashion-mnist';
export { batches } from './batches';
export type { Batch, BatchOptions } from './batches';
export { TensorDataset, Subset, DataLoader, randomSplit, defaultCollate, IterableDataset, ChainDataset } from './loader';
export type { MapDataset, StreamDataset, DataLoaderOptions, Collate } from './loader';
export { SequentialSampler, RandomSampler, SubsetRandomSampler, WeightedRandomSampler, BatchSampler, ConcatDataset, DistributedSampler } from './samplers';
export type { Sampler, RandomSamplerOptions, DistributedSamplerOptions } from './samplers';
