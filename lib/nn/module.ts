// Module: the base of every layer. Parameters, buffers and children are found by walking the
// module's own fields in the order they were assigned, which gives PyTorch's state-dict key order.
import { Tensor } from '../tensor';
import { checkPlacement, PlacementOptions } from '../placement';
import type { RemovableHandle } from '../tensor';
import { addModuleHook } from './module_hooks';
import type { ForwardHook, ForwardPreHook, FullBackwardHook } from './module_hooks';
export type { ForwardHook, ForwardPreHook, FullBackwardHook } from './module_hooks';
import { holdForGood } from '../memory';
import { fmt, sameShape } from '../shape';
import { Parameter, UninitializedParameter } from './parameter';
import { optionsOf, shown } from '../args';
import { assertNotInEpoch } from '../worker_owned';

// The modules whose train() is running (see train()).
const trainWalk = new Set<Module>();

/** Options for loadStateDict. */
export interface LoadStateDictOptions {
  /** Throw when keys are missing from or unexpected in the dict (default true). */
  strict?: boolean;
}

/** What loadStateDict found when not strict. */
export interface LoadStateDictResult {
  /** The model's keys the dict did not have. */
  missingKeys: string[];
  /** The dict's keys the model does not have. */
  unexpectedKeys: string[];
}

/** A state dict: PyTorch-style dotted names to tensors. */
export type StateDict = Record<string, Tensor>;

/** `m` as a Module, or an error naming `what` (fit, save...) and what it got instead. */
export function checkModule(m: unknown, what: string): Module {
  if (!(m instanceof Module)) throw new Error(`${what}: model must be an nn.Module (such as an nn.Sequential), got ${m === null ? 'null' : typeof m === 'object' ? (m as object).constructor?.name ?? 'an object' : typeof m}`);
  return m;
}

// A name prefix for the named* walks: a string (the state-dict names are built from it).
function checkPrefix(prefix: unknown, what: string): void {
  if (typeof prefix !== 'string') throw new Error(`${what}: prefix must be a string, got ${shown(prefix)}`);
}

/**
 * @internal Whether `m` (a module or a loss) is a `cls` that runs cls's own forward. Where the library
 * replaces forward calls by a kernel (Sequential's Linear + activation in one GEMM, fit's native
 * plan), a forward that a subclass or an instance put in its place would be skipped: such modules
 * run as they are.
 */
export function runsOwnForward<T extends { forward: unknown }>(m: object, cls: abstract new (...a: never[]) => T): m is T {
  return m instanceof cls && (m as T).forward === cls.prototype.forward;
}

/**
 * The base of every layer, as torch.nn.Module: subclasses set parameters, buffers and child modules
 * as fields and implement forward(); parameters(), stateDict(), train()/eval() find them by walking
 * the fields in the order they were assigned.
 */
export abstract class Module {
  /** True in training mode (Dropout active, BatchNorm using batch statistics). */
  training = true;
  private readonly bufferNames = new Set<string>();

  /**
   * The computation; subclasses implement it, with as many tensor arguments as they need (a module
   * of two inputs declares forward(x: Tensor, mask: Tensor)).
   */
  abstract forward(...inputs: Tensor[]): Tensor;

  /** The module's own settings as torch prints them (its extra_repr); '' for none. */
  protected extraRepr(): string {
    return '';
  }

  /** The module as torch prints it: `Linear(in_features=4, out_features=2, bias=True)`, containers with their children indented. */
  toString(): string {
    return this.repr(new Set());
  }

  // A field leading back to a module on the path being printed (m.me = m) prints as a mark, where
  // torch's print recurses without end.
  private repr(path: Set<Module>): string {
    const extra = this.extraRepr();
    path.add(this);
    const childRepr = (c: Module) => (path.has(c) ? `${c.constructor.name}(<contains itself>)` : c.repr(path));
    const children = this.moduleFields().map(([k, c]) => `(${k}): ${childRepr(c).split('\n').join('\n  ')}`);
    path.delete(this);
    const lines = extra ? [...extra.split('\n'), ...children] : children;
    if (!children.length && lines.length <= 1) return `${this.constructor.name}(${extra})`;
    return `${this.constructor.name}(\n  ${lines.join('\n  ')}\n)`;
  }

  /** What console.log and util.inspect show: toString(), not the fields. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }

  /** Same as forward (PyTorch's module call). */
  call(...inputs: Tensor[]): Tensor {
    return this.forward(...inputs);
  }

  /**
   * Calls fn(module, inputs) before every forward of this module; an array (or one tensor) it returns
   * replaces the inputs (torch's register_forward_pre_hook). Returns a handle whose remove() unregisters it.
   */
  registerForwardPreHook(fn: ForwardPreHook): RemovableHandle {
    return addModuleHook(this, 'pre', fn);
  }

  /**
   * Calls fn(module, inputs, output) after every forward of this module; a tensor it returns replaces
   * the output (torch's register_forward_hook). Returns a handle whose remove() unregisters it.
   */
  registerForwardHook(fn: ForwardHook): RemovableHandle {
    return addModuleHook(this, 'post', fn);
  }

  /**
   * Calls fn(module, gradInput, gradOutput) once backward() has the gradients of this module's inputs
   * (null for inputs that need none) from those of its output (torch's register_full_backward_hook);
   * for a module with one input that needs a gradient, an array fn returns replaces gradInput.
   */
  registerFullBackwardHook(fn: FullBackwardHook): RemovableHandle {
    return addModuleHook(this, 'backward', fn);
  }

  /** Registers a tensor that is state but not a parameter (e.g. running_mean), saved in stateDict (torch's register_buffer). */
  registerBuffer(name: string, t: Tensor): void {
    checkName(name, this, 'registerBuffer');
    if (!(t instanceof Tensor)) throw new Error(`${this.constructor.name}.registerBuffer: the buffer must be a Tensor, got ${shown(t)}`);
    holdForGood(t); // state the module holds: tidy() must not dispose it, nor the pool take its storage
    this.bufferNames.add(name);
    (this as unknown as Record<string, Tensor>)[name] = t;
  }

  /**
   * Every sub-module field with its name, a module held twice listed twice (torch's _modules): what
   * Sequential runs and what printing shows.
   */
  protected moduleFields(): [string, Module][] {
    return this.eachModuleField((k, m): [string, Module] => [k, m]);
  }

  /** The modules of moduleFields() without their names: Sequential's forward asks for them on every call. */
  protected moduleValues(): Module[] {
    return this.eachModuleField((_, m) => m);
  }

  // One pass over the fields, no [name, value] pair made for the fields that are not modules.
  private eachModuleField<T>(pick: (name: string, m: Module) => T): T[] {
    const self = this as unknown as Record<string, unknown>;
    const out: T[] = [];
    for (const k of Object.keys(self)) {
      const v = self[k];
      if (v instanceof Module) out.push(pick(k, v));
    }
    return out;
  }

  /**
   * @internal Called by loadStateDict on every module before it reads `dict`, with the module's key
   * prefix ('0.' ...): a lazy module takes its shapes from the dict there. Nothing for the others.
   */
  prepareForState(_dict: StateDict, _prefix: string): void {}

  /** Adds p as the parameter `name` (torch's register_parameter), or, given null, removes that parameter. */
  registerParameter(name: string, p: Parameter | null): void {
    checkName(name, this, 'registerParameter');
    const f = this as unknown as Record<string, unknown>;
    if (p === null) {
      if (f[name] instanceof Parameter) delete f[name];
      return;
    }
    if (!(p instanceof Parameter)) throw new Error(`${this.constructor.name}.registerParameter: '${name}' must be a Parameter (or null), got ${shown(p)}`);
    f[name] = p;
  }

  /** Adds m as the child module `name` (torch's register_module / add_module). */
  registerModule(name: string, m: Module): void {
    checkName(name, this, 'registerModule');
    if (!(m instanceof Module)) throw new Error(`${this.constructor.name}.registerModule: '${name}' must be a Module, got ${shown(m)}`);
    (this as unknown as Record<string, unknown>)[name] = m;
  }

  /** registerModule's other name (torch's add_module). */
  addModule(name: string, m: Module): void {
    this.registerModule(name, m);
  }

  /** The descendant at a dotted path ('' is this module; torch's get_submodule). */
  getSubmodule(target: string): Module {
    if (typeof target !== 'string') throw new Error(`${this.constructor.name}.getSubmodule: target must be a dotted name, got ${shown(target)}`);
    let m: Module = this;
    for (const part of target === '' ? [] : target.split('.')) {
      const next = (m as unknown as Record<string, unknown>)[part];
      if (!(next instanceof Module)) throw new Error(`${this.constructor.name}.getSubmodule: ${m.constructor.name} has no submodule '${part}' (in '${target}')`);
      m = next;
    }
    return m;
  }

  /** The parameter at a dotted path (torch's get_parameter). */
  getParameter(target: string): Parameter {
    if (typeof target !== 'string') throw new Error(`${this.constructor.name}.getParameter: target must be a dotted name, got ${shown(target)}`);
    const at = target.lastIndexOf('.');
    const owner = this.getSubmodule(at < 0 ? '' : target.slice(0, at));
    const p = (owner as unknown as Record<string, unknown>)[target.slice(at + 1)];
    if (!(p instanceof Parameter)) throw new Error(`${this.constructor.name}.getParameter: ${owner.constructor.name} has no parameter '${target.slice(at + 1)}' (in '${target}')`);
    return p;
  }

  /** Direct sub-modules with their names, each once (under its first name), as torch's named_children(). */
  namedChildren(): [string, Module][] {
    const seen = new Set<Module>();
    return this.moduleFields().filter(([, m]) => {
      if (seen.has(m)) return false;
      seen.add(m);
      return true;
    });
  }

  /** Direct sub-modules, in the order they were assigned. */
  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * This module and every descendant with dotted names (this one as ''), depth first in assignment
   * order, each once (a layer used twice is listed under its first name), as torch's named_modules().
   */
  namedModules(prefix = ''): [string, Module][] {
    checkPrefix(prefix, 'namedModules');
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    const walk = (m: Module, name: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [k, c] of m.namedChildren()) walk(c, name ? `${name}.${k}` : k);
    };
    walk(this, prefix);
    return out;
  }

  /** This module and every descendant, each once (see namedModules). */
  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Calls fn on every descendant and then on this module (torch's apply: children first; a module shared by two parents is visited under each); returns this. */
  apply(fn: (m: Module) => void): this {
    if (typeof fn !== 'function') throw new Error(`${this.constructor.name}.apply: fn must be a function of a module`);
    // torch's recursion: a module shared by two parents is visited under each (once per parent).
    const path = new Set<Module>();
    const visit = (m: Module): void => {
      if (path.has(m)) throw new Error(`${this.constructor.name}.apply: ${m.constructor.name} contains itself`);
      path.add(m);
      for (const c of m.children()) visit(c);
      path.delete(m);
      fn(m);
    };
    visit(this);
    return this;
  }

  /**
   * Sets requiresGrad on every parameter (false freezes them: backward makes no gradient for them,
   * and optimizers skip them, as in torch); returns this.
   */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad_(flag);
    return this;
  }

  /**
   * Every parameter of this module and its descendants, with dotted names; a parameter reached twice
   * (a layer used twice) is listed once, under its first name, as PyTorch's named_parameters() does:
   * an optimizer given it twice would update it twice per step.
   */
  namedParameters(prefix = ''): [string, Parameter][] {
    checkPrefix(prefix, 'namedParameters');
    const seen = new Set<Parameter>();
    return this.allNamedParameters(prefix).filter(([, p]) => !seen.has(p) && seen.add(p));
  }

  private allNamedParameters(prefix: string): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    this.walkFields(prefix, (name, v) => {
      if (v instanceof Parameter) out.push([name, v]);
      else if (v instanceof UninitializedParameter) throw v.unready(name, 'parameters');
    });
    return out;
  }

  /**
   * @internal Calls visit on every field of this module and, depth first, of its sub-modules, with
   * dotted names; a sub-module reached twice is walked under each name. A field leading back to a
   * module on the current path (m.me = m) is skipped: a cycle holds nothing the walk has not met
   * (torch's walks recurse without end there, but for parameters() and modules()).
   */
  walkFields(prefix: string, visit: (name: string, value: unknown, owner: Module, key: string) => void, path = new Set<Module>()): void {
    path.add(this);
    // The module's own fields, then its sub-modules', each in the order assigned: torch's order
    // (its own parameters and buffers before its children's), whatever order a class assigns them in.
    const fields = Object.entries(this);
    for (const [k, v] of fields) if (!(v instanceof Module)) visit(prefix + k, v, this, k);
    for (const [k, v] of fields) if (v instanceof Module && !path.has(v)) v.walkFields(`${prefix}${k}.`, visit, path);
    path.delete(this);
  }

  /** Every parameter of this module and its descendants, each once (what an optimizer takes). */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** Buffers of this module and its descendants, with dotted names. */
  namedBuffers(prefix = ''): [string, Tensor][] {
    checkPrefix(prefix, 'namedBuffers');
    const out: [string, Tensor][] = [];
    this.walkFields(prefix, (name, v, owner, key) => { if (owner.bufferNames.has(key) && v instanceof Tensor) out.push([name, v]); });
    return out;
  }

  /** Buffers of this module and its descendants. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Sets training mode here and in every descendant. */
  train(mode = true): this {
    // As torch: anything but a boolean is refused (a module given here would become a child of itself).
    if (typeof mode !== 'boolean') throw new Error(`train: mode must be a boolean, got ${shown(mode)}`);
    this.training = mode;
    // Each child's own train() (a subclass may override it, as in torch), but not one whose train()
    // is already running further up: a cycle (m.me = m) would recurse without end.
    trainWalk.add(this);
    try {
      for (const c of this.children()) if (!trainWalk.has(c)) c.train(mode);
    } finally {
      trainWalk.delete(this);
    }
    return this;
  }

  /** Evaluation mode: train(false). */
  eval(): this {
    return this.train(false);
  }

  /**
   * This module itself, as torch's model.to(device) when nothing moves: its parameters and buffers are
   * on the CPU and hold float32. Takes 'cpu', 'float32' or { device, dtype } of those; any other
   * device or dtype is an error that names it.
   */
  to(target: string | PlacementOptions): this {
    checkPlacement(target, 'Module.to');
    return this;
  }

  /** This module itself (torch's model.cpu()). */
  cpu(): this {
    return this;
  }

  /** This module itself (torch's model.float(): its parameters hold float32). */
  float(): this {
    return this;
  }

  /** Clears every parameter's gradient (sets it to null, PyTorch's default). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.releaseGrad();
  }

  /** Parameters and buffers by PyTorch key (`0.weight`, `1.running_mean`), sharing storage. */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const [k, v] of this.namedParametersAndBuffers()) out[k] = v.detach();
    return out;
  }

  private namedParametersAndBuffers(): [string, Tensor][] {
    // torch's state-dict order: each module's parameters, then its buffers, then its children's
    // (walkFields' order, but for the parameters first among a module's own fields).
    const out: [string, Tensor][] = [];
    const walk = (m: Module, prefix: string, path: Set<Module>): void => {
      path.add(m);
      const fields = Object.entries(m);
      for (const [k, v] of fields) {
        if (v instanceof Parameter) out.push([prefix + k, v]);
        else if (v instanceof UninitializedParameter) throw v.unready(prefix + k, 'stateDict');
      }
      for (const [k, v] of fields) if (!(v instanceof Parameter) && m.bufferNames.has(k) && v instanceof Tensor) out.push([prefix + k, v]);
      for (const [k, v] of fields) if (v instanceof Module && !path.has(v)) walk(v, `${prefix}${k}.`, path);
      path.delete(m);
    };
    walk(this, '', new Set());
    return out;
  }


  /**
   * Copies values from `dict` into parameters and buffers. Shape mismatches always throw, naming the
   * key; missing and unexpected keys throw when strict (the default) and are reported otherwise.
   */
  loadStateDict(dict: StateDict, options?: LoadStateDictOptions): LoadStateDictResult {
    if (dict === null || typeof dict !== 'object' || dict instanceof Tensor) throw new Error(`loadStateDict: expected an object of name -> Tensor (a state dict), got ${dict === null ? 'null' : dict instanceof Tensor ? 'a Tensor' : typeof dict}`);
    const strict = optionsOf(options, 'loadStateDict', { strict: 'boolean' }).strict ?? true;
    for (const [name, m] of this.namedModules()) m.prepareForState(dict, name ? `${name}.` : '');
    const own = new Map(this.namedParametersAndBuffers());
    assertNotInEpoch(own.values(), 'loadStateDict');
    const missingKeys = [...own.keys()].filter((k) => !(k in dict));
    const unexpectedKeys = Object.keys(dict).filter((k) => !own.has(k));
    if (strict && (missingKeys.length || unexpectedKeys.length)) {
      throw new Error(`loadStateDict: missing keys [${missingKeys.join(', ')}]; unexpected keys [${unexpectedKeys.join(', ')}]`);
    }
    const bad: string[] = [];
    for (const [k, dst] of own) {
      const src = dict[k];
      if (!src) continue;
      if (!(src instanceof Tensor)) throw new Error(`loadStateDict: value for '${k}' is not a Tensor`);
      if (!sameShape(src.shape, dst.shape)) bad.push(`'${k}': checkpoint shape ${fmt(src.shape)}, model shape ${fmt(dst.shape)}`);
    }
    if (bad.length) throw new Error(`loadStateDict: size mismatch for ${bad.join('; ')}`);
    for (const [k, dst] of own) if (dict[k]) dst.data.set(dict[k].data);
    return { missingKeys, unexpectedKeys };
  }
}

/** A name a module can take for a parameter, buffer or child: a non-empty string without dots. */
function checkName(name: unknown, m: Module, what: string): void {
  if (typeof name !== 'string' || name === '' || name.includes('.')) throw new Error(`${m.constructor.name}.${what}: name must be a non-empty string without dots, got ${shown(name)}`);
}

/** @internal Removes the buffer `name` of m (the field and its buffer mark). */
export function dropBuffer(m: Module, name: string): void {
  (m as unknown as { bufferNames: Set<string> }).bufferNames.delete(name);
  delete (m as unknown as Record<string, unknown>)[name];
}
