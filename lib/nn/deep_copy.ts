// A module copied with everything it holds, as Python's copy.deepcopy copies a torch module (its
// __dict__, recursively): tensors as new tensors over copies of their values (parameters stay
// parameters, leaves with their requiresGrad; a computed tensor a module kept comes as a detached
// copy), typed arrays, arrays, maps, sets and objects copied, functions and primitives shared; an
// object reached twice is copied once, so tied parameters stay tied. Hooks live outside the module
// (module_hooks.ts's map, keyed by the module), so a module with any is refused.
import { Tensor } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';
import { hasModuleHooks } from './module_hooks';

/** A deep copy of `m`; `what` names the caller in errors. */
export function deepCopyModule<M extends Module>(m: M, what: string): M {
  const memo = new Map<object, unknown>();
  const copy = (v: unknown, path: string): unknown => {
    if (v === null || typeof v !== 'object') return v;
    const seen = memo.get(v);
    if (seen !== undefined) return seen;
    let c: unknown;
    if (v instanceof Tensor) {
      const values = new Tensor(v.data.slice(), v.shape);
      if (v instanceof Parameter) {
        const p = new Parameter(values);
        p.requiresGrad = v.requiresGrad;
        c = p;
      } else {
        c = new Tensor(values.data, v.shape, v.isLeaf && v.requiresGrad);
      }
      memo.set(v, c);
      return c;
    }
    if (ArrayBuffer.isView(v)) {
      c = v instanceof DataView ? new DataView(v.buffer.slice(0)) : (v as unknown as { slice(): unknown }).slice();
      memo.set(v, c);
      return c;
    }
    if (v instanceof Module && hasModuleHooks(v)) {
      throw new Error(`${what}: ${path} (${v.constructor.name}) has hooks (forward hooks, weightNorm or spectralNorm), which a copy would not carry; remove them first`);
    }
    if (Array.isArray(v)) {
      const a: unknown[] = [];
      memo.set(v, a);
      v.forEach((e, i) => a.push(copy(e, `${path}[${i}]`)));
      return a;
    }
    if (v instanceof Map) {
      const mp = new Map<unknown, unknown>();
      memo.set(v, mp);
      for (const [k, e] of v) mp.set(copy(k, path), copy(e, `${path}.get(${String(k)})`));
      return mp;
    }
    if (v instanceof Set) {
      const st = new Set<unknown>();
      memo.set(v, st);
      for (const e of v) st.add(copy(e, path));
      return st;
    }
    const o = Object.create(Object.getPrototypeOf(v)) as object;
    memo.set(v, o);
    for (const key of Reflect.ownKeys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, key)!;
      if ('value' in d) d.value = copy(d.value, `${path}.${String(key)}`);
      Object.defineProperty(o, key, d);
    }
    return o;
  };
  return copy(m, 'the model') as M;
}
