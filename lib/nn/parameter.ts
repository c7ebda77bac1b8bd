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

/**
 * A lazy module's parameter before its first forward has made it (torch's UninitializedParameter):
 * its shape waits on the input's. It is no tensor: listing a module's parameters or its state dict
 * while one is left is an error that names it (an optimizer made then would miss it, where torch's
 * fills the same object in place).
 */
export class UninitializedParameter {
  /** @param owner the lazy module's class, for the error */
  constructor(readonly owner: string) {}

  /** The error for listing this parameter under `name` before the first forward. */
  unready(name: string, what: string): Error {
    return new Error(`${what}: '${name}' is ${this.owner}'s uninitialized parameter, which its first forward makes: run a batch through the model first (torch's dry run)`);
  }
}
