// torch.nn.utils.weight_norm and remove_weight_norm: a parameter w re-expressed as g * v / ||v||, the
// norm over every dim but `dim` (or over all of it), so that its direction v and length g train apart
// (Salimans and Kingma 2016). The module keeps name_g and name_v as parameters, in torch's order and
// under torch's names, and a forward pre-hook recomputes the weight before every forward.
import { Tensor } from '../tensor';
import { div, mul } from '../ops/binary';
import { vectorNorm } from '../ops/linalg_composed';
import { clone } from '../ops/more';
import { noGrad } from '../autograd';
import { normDim } from '../shape';
import { shown } from '../args';
import type { RemovableHandle } from '../tensor';
import { Module } from './module';
import { Parameter } from './parameter';

/** ||v|| over every dim but d (kept, of size 1), or over all of v (0-d) when d is null: torch's norm_except_dim. */
function normExceptDim(v: Tensor, d: number | null): Tensor {
  if (d === null) return vectorNorm(v);
  return vectorNorm(v, 2, v.shape.map((_, k) => k).filter((k) => k !== d), true);
}

const applied = new WeakMap<Module, Map<string, { handle: RemovableHandle; dim: number | null }>>();

function fieldsOf(m: Module): Record<string, unknown> {
  return m as unknown as Record<string, unknown>;
}

/**
 * Re-expresses module[name] (default 'weight') as name_g * name_v / ||name_v|| (torch.nn.utils.weight_norm):
 * the parameter is replaced by name_g (its norm over every dim but `dim`, default 0; null: over all of
 * it) and name_v (its value), and module[name] is recomputed from them before every forward. Returns
 * the module.
 */
export function weightNorm<M extends Module>(module: M, name = 'weight', dim: number | null = 0): M {
  if (!(module instanceof Module)) throw new Error(`weightNorm: module must be a Module, got ${shown(module)}`);
  const f = fieldsOf(module);
  const w = f[name];
  const what = `weightNorm(${module.constructor.name})`;
  if (applied.get(module)?.has(name)) throw new Error(`${what}: '${name}' already has weight norm`);
  if (!(w instanceof Parameter)) throw new Error(`${what}: the module has no parameter '${name}'`);
  const d = dim === null ? null : normDim(dim, w.ndim, what);
  const g = new Parameter(noGrad(() => normExceptDim(w, d)));
  const v = new Parameter(noGrad(() => clone(w)));
  delete f[name];
  f[`${name}_g`] = g;
  f[`${name}_v`] = v;
  const compute = () => { f[name] = mul(f[`${name}_v`] as Tensor, div(f[`${name}_g`] as Tensor, normExceptDim(f[`${name}_v`] as Tensor, d))); };
  compute();
  const handle = module.registerForwardPreHook(() => { compute(); });
  let byName = applied.get(module);
  if (!byName) applied.set(module, (byName = new Map()));
  byName.set(name, { handle, dim: d });
  return module;
}

/** Undoes weightNorm: module[name] a parameter again, of the current g * v / ||v||; name_g and name_v gone. */
export function removeWeightNorm<M extends Module>(module: M, name = 'weight'): M {
  const entry = module instanceof Module ? applied.get(module)?.get(name) : undefined;
  if (!entry) throw new Error(`removeWeightNorm: weight norm of '${name}' not found in ${module instanceof Module ? module.constructor.name : shown(module)}`);
  const f = fieldsOf(module);
  const weight = noGrad(() => mul(f[`${name}_v`] as Tensor, div(f[`${name}_g`] as Tensor, normExceptDim(f[`${name}_v`] as Tensor, entry.dim))));
  entry.handle.remove();
  applied.get(module)!.delete(name);
  delete f[`${name}_g`];
  delete f[`${name}_v`];
  delete f[name];
  f[name] = new Parameter(weight);
  return module;
}
