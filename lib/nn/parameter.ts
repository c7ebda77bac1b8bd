// Parameter: a leaf tensor that a Module owns and an optimizer updates.
import { Tensor } from '../tensor';

/** A tensor registered as a module parameter (requiresGrad is on). */
export class Parameter extends Tensor {
  constructor(t: Tensor) {
    super(t.data, t.shape, true, null);
  }
}
