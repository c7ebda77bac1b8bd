// The 1-d ops of the convolution family run as their 2-d twins over images one row high: the views
// in and out, and the 2-d op's errors told in the 1-d op's terms.
import { Tensor } from '../tensor';
import { fmt } from '../shape';
import { checkTensor, letGoAfterRead } from './core';

/** x [N, C, L] (or [C, L]) as images one row high [N, C, 1, L], or an error naming `what`. */
export function rowImages(x: Tensor, what: string): Tensor {
  checkTensor(x, what);
  if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`${what}: input must be 2-D [C, L] or 3-D [N, C, L], got shape ${fmt(x.shape)}`);
  return x.reshape([...x.shape.slice(0, -1), 1, x.shape[x.ndim - 1]]);
}

/** A result one row high, [..., 1, L], that nothing else will see, back as [..., L]. */
export function lengths(y: Tensor): Tensor {
  const r = y.reshape([...y.shape.slice(0, -2), y.shape[y.ndim - 1]]);
  // The 2-d result holds r's storage too: kept, r's never went back to the pool.
  letGoAfterRead(r, y);
  return r;
}

/**
 * Runs a 2-d op for a 1-d one. Its errors (those whose op name `from` matches) come out named as the
 * 1-d op's and in its terms: the views' shapes as the tensors given ([2, 3, 1, 8] as [2, 3, 8]),
 * every "height x width" size as its width and an output size [1, L] as L (the height is the one
 * row), the height and width as the length.
 */
export function as1d<T extends Tensor | { values: Tensor }>(what: string, from: RegExp, views: readonly (readonly [Tensor, Tensor])[], run: () => T): T {
  try {
    const result = run();
    // The views hold the given tensors' storage: kept, a layer's input never went back to the pool.
    letGoAfterRead(result instanceof Tensor ? result : result.values, ...views.map(([view]) => view));
    return result;
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    const op = /^(\w+): /.exec(e.message);
    if (!op || !from.test(op[1])) throw e;
    let message = e.message.slice(op[0].length);
    for (const [view, given] of views) message = message.split(fmt(view.shape)).join(fmt(given.shape));
    message = message.replace(/\b\d+ x (-?\d+)\b/g, '$1').replace(/outputSize \[1, (\d+)\]/, 'outputSize $1')
      .replace('channels, height and width', 'channels and length');
    throw new Error(`${what}: ${message}`);
  }
}
