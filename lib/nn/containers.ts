// ModuleList and ModuleDict: sub-modules held in a list or by name, registered as torch's are (their
// parameters in parameters(), their state under 'name.0.weight' or 'name.key.weight'), with no forward;
// ParameterList and ParameterDict, the same for parameters.
import { Tensor } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { shown } from '../args';

/** m, or an error naming `what` when it is not a Module. */
function checkModuleArg(m: unknown, what: string): Module {
  if (!(m instanceof Module)) throw new Error(`${what}: expected a Module, got ${shown(m)}`);
  return m;
}

/**
 * Modules in a list (torch.nn.ModuleList): named '0', '1', ... in the state dict; indexable with
 * at(i), iterable, growable with append, extend and insert. It has no forward: a model calls its
 * modules itself.
 */
export class ModuleList extends Module implements Iterable<Module> {
  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  private get slots(): Record<string, Module> {
    return this as unknown as Record<string, Module>;
  }

  /** How many modules. */
  get length(): number {
    return this.moduleValues().length;
  }

  /** Module i (negative counts from the end); throws when out of range. */
  at(i: number): Module {
    const l = this.moduleValues();
    const m = Number.isInteger(i) ? l[i < 0 ? l.length + i : i] : undefined;
    if (!m) throw new Error(`ModuleList.at: index ${shown(i)} out of range for ${l.length} modules`);
    return m;
  }

  /** Puts m at i (negative counts from the end), in place of the module there. */
  set(i: number, m: Module): this {
    const n = this.length;
    if (!Number.isInteger(i) || i < -n || i >= n) throw new Error(`ModuleList.set: index ${shown(i)} out of range for ${n} modules`);
    this.slots[String(i < 0 ? n + i : i)] = checkModuleArg(m, 'ModuleList.set');
    return this;
  }

  /** Adds m at the end. */
  append(m: Module): this {
    this.slots[String(this.length)] = checkModuleArg(m, 'ModuleList.append');
    return this;
  }

  /** Adds each module of ms at the end, in order. */
  extend(ms: Iterable<Module>): this {
    if (ms === null || typeof (ms as Partial<Iterable<Module>>)[Symbol.iterator] !== 'function') {
      throw new Error(`ModuleList: expected an iterable of Modules, got ${shown(ms)}`);
    }
    let k = 0;
    for (const m of ms) {
      checkModuleArg(m, `ModuleList: element ${k++}`);
      this.append(m);
    }
    return this;
  }

  /** Puts m before index i (as Python's list.insert: i past the end appends, negative counts from the end). */
  insert(i: number, m: Module): this {
    if (!Number.isInteger(i)) throw new Error(`ModuleList.insert: index must be an integer, got ${shown(i)}`);
    checkModuleArg(m, 'ModuleList.insert');
    const l = this.moduleValues();
    const at = Math.min(Math.max(i < 0 ? l.length + i : i, 0), l.length);
    l.splice(at, 0, m);
    l.forEach((mod, k) => (this.slots[String(k)] = mod));
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.moduleValues()[Symbol.iterator]();
  }

  /** ModuleList has no forward (torch's raises too): call its modules. */
  forward(..._inputs: Tensor[]): Tensor {
    throw new Error('ModuleList: has no forward; call its modules (for (const m of list) x = m.forward(x))');
  }
}

/**
 * Modules by name (torch.nn.ModuleDict): each under its key in the state dict, in insertion order
 * (but integer-like keys, which JavaScript's objects put first in numeric order). It has no forward:
 * a model calls its modules itself.
 */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    this.update(modules);
  }

  /** The module under key; throws when there is none. */
  get(key: string): Module {
    const m = this.has(key) ? (this as unknown as Record<string, Module>)[key] : undefined;
    if (!m) throw new Error(`ModuleDict.get: no module under ${shown(key)} (the keys are ${this.keys().map((k) => shown(k)).join(', ') || 'none'})`);
    return m;
  }

  /** Whether a module is held under key. */
  has(key: string): boolean {
    return typeof key === 'string' && Object.prototype.hasOwnProperty.call(this, key) && (this as unknown as Record<string, unknown>)[key] instanceof Module;
  }

  /** Holds m under key (replacing the module there). */
  set(key: string, m: Module): this {
    if (typeof key !== 'string' || key === '' || key.includes('.')) throw new Error(`ModuleDict: a key must be a non-empty string without '.', got ${shown(key)}`);
    // A key may not hide one of the module's own members (torch: "attribute already exists").
    if (key in this && !this.has(key)) throw new Error(`ModuleDict: key ${shown(key)} is the name of a ModuleDict member`);
    (this as unknown as Record<string, Module>)[key] = checkModuleArg(m, `ModuleDict: the value of ${shown(key)}`);
    return this;
  }

  /** Removes and returns the module under key. */
  pop(key: string): Module {
    const m = this.get(key);
    delete (this as unknown as Record<string, Module>)[key];
    return m;
  }

  /** Adds every [key, module] of entries (an object or an iterable of pairs). */
  update(entries: Record<string, Module> | Iterable<[string, Module]>): this {
    if (entries === null || typeof entries !== 'object') throw new Error(`ModuleDict: expected an object or pairs of key and Module, got ${shown(entries)}`);
    const pairs = Symbol.iterator in entries ? [...(entries as Iterable<[string, Module]>)] : Object.entries(entries);
    for (const p of pairs) {
      if (!Array.isArray(p) || p.length !== 2) throw new Error(`ModuleDict: each entry must be a [key, Module] pair, got ${shown(p)}`);
      this.set(p[0], p[1]);
    }
    return this;
  }

  /** The keys, in insertion order. */
  keys(): string[] {
    return this.moduleFields().map(([k]) => k);
  }

  /** The modules, in insertion order. */
  values(): Module[] {
    return this.moduleValues();
  }

  /** [key, module] pairs, in insertion order. */
  entries(): [string, Module][] {
    return this.moduleFields();
  }

  /** How many modules. */
  get size(): number {
    return this.moduleValues().length;
  }

  /** ModuleDict has no forward (torch's raises too): call its modules. */
  forward(..._inputs: Tensor[]): Tensor {
    throw new Error('ModuleDict: has no forward; call its modules (dict.get(key).forward(x))');
  }
}

/** t as a Parameter (a Parameter as it is; another tensor wrapped, sharing its storage, as torch's). */
function asParameter(t: unknown, what: string): Parameter {
  if (t instanceof Parameter) return t;
  if (t instanceof Tensor) return new Parameter(t);
  throw new Error(`${what}: expected a Tensor or Parameter, got ${shown(t)}`);
}

/** The Parameters a container holds in its own fields, in order, with their keys. */
function parameterFields(owner: Module): [string, Parameter][] {
  return Object.entries(owner).filter((e): e is [string, Parameter] => e[1] instanceof Parameter);
}

/**
 * Parameters in a list (torch.nn.ParameterList): named '0', '1', ... in the state dict and in
 * parameters(); indexable with at(i), iterable, growable with append and extend. Tensors that are
 * not Parameters are made Parameters. It has no forward.
 */
export class ParameterList extends Module implements Iterable<Parameter> {
  constructor(params: Iterable<Tensor> = []) {
    super();
    this.extend(params);
  }

  /** How many parameters. */
  get length(): number {
    return parameterFields(this).length;
  }

  /** Parameter i (negative counts from the end); throws when out of range. */
  at(i: number): Parameter {
    const l = parameterFields(this);
    const p = Number.isInteger(i) ? l[i < 0 ? l.length + i : i] : undefined;
    if (!p) throw new Error(`ParameterList.at: index ${shown(i)} out of range for ${l.length} parameters`);
    return p[1];
  }

  /** Adds p at the end. */
  append(p: Tensor): this {
    (this as unknown as Record<string, Parameter>)[String(this.length)] = asParameter(p, 'ParameterList.append');
    return this;
  }

  /** Adds each tensor of ps at the end, in order. */
  extend(ps: Iterable<Tensor>): this {
    if (ps === null || typeof (ps as Partial<Iterable<Tensor>>)[Symbol.iterator] !== 'function' || ps instanceof Tensor) {
      throw new Error(`ParameterList: expected an iterable of Tensors, got ${shown(ps)}`);
    }
    let k = 0;
    for (const p of ps) this.append(asParameter(p, `ParameterList: element ${k++}`));
    return this;
  }

  [Symbol.iterator](): Iterator<Parameter> {
    return parameterFields(this).map(([, p]) => p)[Symbol.iterator]();
  }

  /** ParameterList has no forward (torch's raises too): use its parameters. */
  forward(..._inputs: Tensor[]): Tensor {
    throw new Error('ParameterList: has no forward; use its parameters (list.at(i))');
  }
}

/**
 * Parameters by name (torch.nn.ParameterDict): each under its key in the state dict, in insertion
 * order (integer-like keys first, as JavaScript's objects keep them). Tensors are made Parameters.
 * It has no forward.
 */
export class ParameterDict extends Module {
  constructor(params: Record<string, Tensor> | Iterable<[string, Tensor]> = {}) {
    super();
    if (params === null || typeof params !== 'object') throw new Error(`ParameterDict: expected an object or pairs of key and Tensor, got ${shown(params)}`);
    const pairs = Symbol.iterator in params ? [...(params as Iterable<[string, Tensor]>)] : Object.entries(params);
    for (const p of pairs) {
      if (!Array.isArray(p) || p.length !== 2) throw new Error(`ParameterDict: each entry must be a [key, Tensor] pair, got ${shown(p)}`);
      this.set(p[0], p[1]);
    }
  }

  /** The parameter under key; throws when there is none. */
  get(key: string): Parameter {
    const p = this.has(key) ? (this as unknown as Record<string, Parameter>)[key] : undefined;
    if (!p) throw new Error(`ParameterDict.get: no parameter under ${shown(key)} (the keys are ${this.keys().map((k) => shown(k)).join(', ') || 'none'})`);
    return p;
  }

  /** Whether a parameter is held under key. */
  has(key: string): boolean {
    return typeof key === 'string' && Object.prototype.hasOwnProperty.call(this, key) && (this as unknown as Record<string, unknown>)[key] instanceof Parameter;
  }

  /** Holds p (made a Parameter) under key, replacing the one there. */
  set(key: string, p: Tensor): this {
    if (typeof key !== 'string' || key === '' || key.includes('.')) throw new Error(`ParameterDict: a key must be a non-empty string without '.', got ${shown(key)}`);
    if (key in this && !this.has(key)) throw new Error(`ParameterDict: key ${shown(key)} is the name of a ParameterDict member`);
    (this as unknown as Record<string, Parameter>)[key] = asParameter(p, `ParameterDict: the value of ${shown(key)}`);
    return this;
  }

  /** The keys, in insertion order. */
  keys(): string[] {
    return parameterFields(this).map(([k]) => k);
  }

  /** The parameters, in insertion order. */
  values(): Parameter[] {
    return parameterFields(this).map(([, p]) => p);
  }

  /** How many parameters. */
  get size(): number {
    return parameterFields(this).length;
  }

  /** ParameterDict has no forward (torch's raises too): use its parameters. */
  forward(..._inputs: Tensor[]): Tensor {
    throw new Error('ParameterDict: has no forward; use its parameters (dict.get(key))');
  }
}
