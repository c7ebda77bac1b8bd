// torch.nn.utils.parametrize: a module's tensor (weight, say) computed on each read from a parameter
// `original` through modules in turn (a symmetric matrix as X triu + its transpose, a positive one
// as exp ...). As torch: the module's class becomes Parametrized<Class>, the tensor a property whose
// getter runs the chain and whose setter runs the right inverses back, and `original` lives at
// module.parametrizations.<name>.original, its state-dict key. fit's native loop, which reads
// weights as they are stored, leaves such modules to the eager loop.
import { Tensor } from '../tensor';
import { optionsOf, shown } from '../args';
import { sameShape } from '../shape';
import { noGrad } from '../autograd';
import { Module } from './module';
import { ModuleDict } from './containers';
import { Parameter } from './parameter';

/**
 * What a parametrization's rightInverse throws when it has no inverse (torch's NotImplementedError):
 * registerParametrization then stores the tensor as it is, and assigning to it is this error.
 */
export class NotImplementedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotImplementedError';
  }
}

/** Options of registerParametrization. */
export interface RegisterParametrizationOptions {
  /** Skip the check that the parametrization keeps the tensor's shape (default false; torch's unsafe). */
  unsafe?: boolean;
}

/** A parametrization: a module whose forward maps the stored tensor to the one used; rightInverse, when it has one, maps back. */
export interface Parametrization extends Module {
  /** A stored tensor from a used one: what a new value of the tensor sets the stored one to. */
  rightInverse?(x: Tensor): Tensor;
}

/** The parametrizations of one tensor, in order, over its stored value `original` (torch's ParametrizationList). */
export class ParametrizationList extends Module {
  /** The stored tensor the chain starts from. */
  original: Parameter;

  constructor(parametrizations: readonly Module[], original: Parameter) {
    super();
    parametrizations.forEach((p, i) => { (this as unknown as Record<string, Module>)[String(i)] = p; });
    this.original = original;
  }

  /** The tensor: each parametrization applied in order to original. */
  forward(): Tensor {
    return this.moduleValues().reduce<Tensor>((x, p) => p.forward(x), this.original);
  }

  /** The stored value for the tensor `value`: each parametrization's rightInverse, last first. */
  rightInverse(value: Tensor): Tensor {
    return this.moduleValues().reverse().reduce((x, p) => {
      const inverse = (p as Parametrization).rightInverse;
      if (typeof inverse !== 'function') throw new Error(`parametrization ${p.constructor.name} does not implement rightInverse`);
      return inverse.call(p, x);
    }, value);
  }

  /** @internal Appends a parametrization to the chain. */
  append(p: Module): void {
    (this as unknown as Record<string, Module>)[String(this.moduleValues().length)] = p;
  }
}

// One Parametrized<Class> per class, as torch makes one per class it parametrizes.
const parametrizedClasses = new WeakMap<object, new () => Module>();

/** The class a module of class `cls` takes when first parametrized: a subclass named Parametrized<cls>. */
function parametrizedClassOf(cls: abstract new (...a: never[]) => Module): new () => Module {
  let made = parametrizedClasses.get(cls);
  if (!made) {
    // An empty subclass: the module keeps its class's forward and fields, under torch's name.
    const Base = cls as unknown as new () => { forward(...inputs: Tensor[]): Tensor };
    made = (class extends Base {}) as unknown as new () => Module;
    Object.defineProperty(made, 'name', { value: `Parametrized${cls.name}` });
    parametrizedClasses.set(cls, made);
  }
  return made;
}

/** The module's ModuleDict of parametrizations, or null. */
function dictOf(module: Module): ModuleDict | null {
  const d = (module as unknown as { parametrizations?: unknown }).parametrizations;
  return d instanceof ModuleDict ? d : null;
}

/** Whether module has parametrizations, or (given tensorName) one of that tensor (torch's is_parametrized). */
export function isParametrized(module: Module, tensorName?: string): boolean {
  const d = dictOf(module);
  return d !== null && (tensorName === undefined ? d.keys().length > 0 : d.has(tensorName));
}

/**
 * Parametrizes module[tensorName] by `parametrization` (torch.nn.utils.parametrize.register_parametrization):
 * the first time, the tensor becomes the stored `original` (through the parametrization's
 * rightInverse when it has one) and module[tensorName] the parametrization of it, computed on each
 * read; a further one applies after those already there. Returns the module.
 */
export function registerParametrization<M extends Module>(module: M, tensorName: string, parametrization: Module,
  options?: RegisterParametrizationOptions): M {
  const what = 'registerParametrization';
  const unsafe = optionsOf(options, what, { unsafe: 'boolean' }).unsafe ?? false;
  if (!(module instanceof Module)) throw new Error(`${what}: module must be a Module, got ${shown(module)}`);
  if (!(parametrization instanceof Module)) throw new Error(`${what}: parametrization must be a Module, got ${shown(parametrization)}`);
  if (typeof tensorName !== 'string') throw new Error(`${what}: tensorName must be a string, got ${shown(tensorName)}`);
  const fields = module as unknown as Record<string, unknown>;
  const existing = dictOf(module);
  if (existing?.has(tensorName)) {
    const list = existing.get(tensorName) as ParametrizationList;
    const now = fields[tensorName] as Tensor;
    const next = unsafe ? now : noGrad(() => parametrization.forward(now));
    if (!(next instanceof Tensor) || next.shape.length !== now.shape.length || next.shape.some((n, i) => n !== now.shape[i])) {
      throw new Error(`${what}: the parametrization must keep ${tensorName}'s shape [${now.shape.join(', ')}], it gave ${next instanceof Tensor ? `[${next.shape.join(', ')}]` : shown(next)}`);
    }
    list.append(parametrization);
    return module;
  }
  const value = fields[tensorName];
  if (!(value instanceof Tensor)) throw new Error(`${what}: ${module.constructor.name} has no parameter or buffer '${tensorName}'`);
  const inverse = (parametrization as Parametrization).rightInverse;
  let stored = value;
  if (typeof inverse === 'function') {
    try {
      stored = noGrad(() => inverse.call(parametrization, value));
    } catch (e) {
      // As torch: a rightInverse that is not implemented leaves the tensor stored as it is.
      if (!(e instanceof NotImplementedError)) throw e;
    }
  }
  // As torch (original.set_(new)): a parameter of the same shape stays the stored one, so that an
  // optimizer given it before still holds it.
  let original: Parameter;
  if (stored instanceof Parameter) original = stored;
  else if (value instanceof Parameter && sameShape(value.shape, stored.shape)) {
    if (stored !== value) noGrad(() => { value.data.set(stored.contiguous().data); });
    original = value;
  } else original = new Parameter(stored.detach());
  const list = new ParametrizationList([parametrization], original);
  const check = unsafe ? value : noGrad(() => list.forward());
  if (check.shape.length !== value.shape.length || check.shape.some((n, i) => n !== value.shape[i])) {
    throw new Error(`${what}: the parametrization must keep ${tensorName}'s shape [${value.shape.join(', ')}], it gave [${check.shape.join(', ')}]`);
  }
  delete fields[tensorName];
  // The accessors find the list through the module they are read on: a deep copy (AveragedModel's)
  // carries them over, and then reads its own list, not this one's.
  const listOf = (m: Module) => (dictOf(m) as ModuleDict).get(tensorName) as ParametrizationList;
  Object.defineProperty(module, tensorName, {
    configurable: true, enumerable: false,
    get(this: Module) { return listOf(this).forward(); },
    set(this: Module, v: Tensor) {
      const own = listOf(this);
      noGrad(() => { own.original.data.set(own.rightInverse(v).data); });
    },
  });
  if (existing) existing.set(tensorName, list);
  else fields.parametrizations = new ModuleDict({ [tensorName]: list });
  if (!(Object.getPrototypeOf(module).constructor.name as string).startsWith('Parametrized')) {
    Object.setPrototypeOf(module, parametrizedClassOf(module.constructor as abstract new (...a: never[]) => Module).prototype);
  }
  return module;
}

/**
 * Takes module[tensorName]'s parametrizations away (torch.nn.utils.parametrize.remove_parametrizations):
 * the tensor becomes a parameter again holding its parametrized value (leaveParametrized, the
 * default) or the stored original. The module's class is given back with its last one.
 */
export function removeParametrizations<M extends Module>(module: M, tensorName: string, leaveParametrized = true): M {
  const what = 'removeParametrizations';
  const d = module instanceof Module ? dictOf(module) : null;
  if (!d || !d.has(tensorName)) throw new Error(`${what}: ${module instanceof Module ? module.constructor.name : shown(module)} has no parametrization on '${tensorName}'`);
  if (typeof leaveParametrized !== 'boolean') throw new Error(`${what}: leaveParametrized must be true or false, got ${shown(leaveParametrized)}`);
  const list = d.get(tensorName) as ParametrizationList;
  const original = list.original;
  // As torch: the original Parameter object stays the tensor's (an optimizer holding it keeps it).
  if (leaveParametrized) noGrad(() => { original.data.set(list.forward().data); });
  const fields = module as unknown as Record<string, unknown>;
  delete fields[tensorName];
  fields[tensorName] = original;
  d.pop(tensorName);
  if (d.keys().length === 0) {
    delete fields.parametrizations;
    Object.setPrototypeOf(module, Object.getPrototypeOf(Object.getPrototypeOf(module)));
  }
  return module;
}
