// Parameter: a leaf tensor that a Module owns and an optimizer updates.
import { Tensor } from '../tensor';
import { shown } from '../args';

/** A tensor registered as a module parameter (requiresGrad is on). */
export class Parameter extends Tensor {
  constructor(t: Tensor) {
    if (!(t instanceof Tensor)) throw new Error(`Parameter: expected a Tensor, got ${shown(t)}`);
    super(t.data, t.shape, true, null);
  }
}
