// Fashion-MNIST from the IDX files Debian's dataset-fashion-mnist installs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Tensor } from '../tensor';
import { readIdx } from './idx';

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** A labelled split: x [n, 784] scaled to [0, 1], y [n] class indices. */
export interface Split {
  /** Images [n, 784], pixels scaled to [0, 1]. */
  x: Tensor;
  /** Labels [n], class indices 0-9. */
  y: Tensor;
}

function find(dir: string, stem: string): string {
  for (const name of [`${stem}.gz`, stem]) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`fashionMnist: '${path.join(dir, stem)}(.gz)' not found. On Debian, \`apt-get install dataset-fashion-mnist\` provides the files in ${FASHION_MNIST_DIR}.`);
}

function split(dir: string, images: string, labels: string): Split {
  const x = readIdx(find(dir, images));
  const y = readIdx(find(dir, labels));
  if (x.ndim !== 3 || y.ndim !== 1 || x.shape[0] !== y.shape[0]) {
    throw new Error(`fashionMnist: ${images} has shape [${x.shape.join(', ')}] and ${labels} [${y.shape.join(', ')}]; expected [n, 28, 28] and [n]`);
  }
  const d = x.data;
  for (let i = 0; i < d.length; i++) d[i] /= 255;
  return { x: new Tensor(d, [x.shape[0], x.shape[1] * x.shape[2]]), y };
}

/** Loads Fashion-MNIST (60k train, 10k test), pixels scaled to [0, 1]. */
export function fashionMnist(dir: string = FASHION_MNIST_DIR): { train: Split; test: Split } {
  if (typeof dir !== 'string') throw new Error(`fashionMnist: dir must be a directory path (a string), got ${typeof dir}`);
  return {
    train: split(dir, 'train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
    test: split(dir, 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'),
  };
}
