// torch.einsum: an equation of subscripts ('bij,bjk->bik') over one or more tensors, lowered onto
// the library's ops as torch lowers it: a label repeated within an operand takes the diagonal, a
// label seen in one operand and not wanted after it is summed out, and the operands are contracted
// left to right, each pair as one batched matrix product (matmul) between permutes.
import { Tensor } from '../tensor';
import { contiguousStrides, fmt } from '../shape';
import { shown } from '../args';
import { checkTensor, letGoAfterRead } from './core';
import { indexSelect } from './index_ops';
import { sum } from './reduce';
import { expand, permute } from './shape';
import { matmul } from './matmul';

/** A tensor and the label of each of its dimensions (a letter, or '.k' for the k-th ellipsis dimension from the right). */
interface Labelled { t: Tensor; labels: string[] }

const what = 'einsum';
const LETTER = /^[a-zA-Z]$/;

/** A term's parts before and after its ellipsis (one part without one), its subscripts checked. */
function termParts(term: string, whose: string): string[] {
  const parts = term.split('...');
  if (parts.length > 2) throw new Error(`einsum: ${whose} subscripts '${term}' hold more than one ellipsis`);
  for (const c of parts.join('')) if (!LETTER.test(c)) throw new Error(`einsum: subscripts must be letters a-z or A-Z (and one '...'), got '${c}' in '${term}'`);
  return parts;
}

/** A term's labels: its letters, and the ellipsis's labels where it stands. */
const labelsOf = (parts: string[], ellipsis: string[]): string[] => (parts.length === 1 ? [...parts[0]] : [...parts[0], ...ellipsis, ...parts[1]]);

/** A term's labels for an operand of `ndim` dimensions: its letters, and the ellipsis's dimensions where it stands. */
function termLabels(term: string, ndim: number, i: number): string[] {
  const parts = termParts(term, `operand ${i}'s`);
  const letters = parts.join('').length;
  if (parts.length === 1 ? letters !== ndim : letters > ndim) {
    throw new Error(`einsum: the subscripts '${term}' of operand ${i} name ${letters} dimensions, but it has ${ndim} (shape given${parts.length === 1 ? ' and no ellipsis' : ''})`);
  }
  return labelsOf(parts, Array.from({ length: ndim - letters }, (_, k) => `.${ndim - letters - 1 - k}`));
}

/** Records a tensor an einsum step made (see einsum's `made`) and returns it. */
type Own = (t: Tensor) => Tensor;

/** x with each label once: a label repeated takes the diagonal of its dimensions (their sizes must agree). */
function diagonal(x: Tensor, labels: string[], i: number, own: Own): Labelled {
  const once = [...new Set(labels)];
  if (once.length === labels.length) return { t: x, labels };
  const size = new Map<string, number>();
  labels.forEach((l, d) => {
    const seen = size.get(l);
    if (seen !== undefined && seen !== x.shape[d]) throw new Error(`einsum: subscript ${l} is repeated for operand ${i} but the sizes don't match, ${seen} != ${x.shape[d]}`);
    size.set(l, x.shape[d]);
  });
  const shape = once.map((l) => size.get(l) as number);
  // Each element of the diagonal's offset in x (a dimension's stride summed for each of its labels).
  const strides = contiguousStrides(x.shape);
  const step = once.map((l) => labels.reduce((s, m, d) => (m === l ? s + strides[d] : s), 0));
  const count = shape.reduce((a, b) => a * b, 1);
  const at = new Int32Array(count);
  for (let e = 0; e < count; e++) {
    let rem = e, off = 0;
    for (let d = once.length - 1; d >= 0; d--) {
      off += (rem % shape[d]) * step[d];
      rem = Math.floor(rem / shape[d]);
    }
    at[e] = off;
  }
  return { t: own(own(indexSelect(own(x.reshape([x.size])), 0, at)).reshape(shape)), labels: once };
}

/** x with the dimensions of the labels not in `keep` summed out. */
function sumOut(x: Labelled, keep: (l: string) => boolean, own: Own): Labelled {
  const dims = x.labels.map((l, d) => (keep(l) ? -1 : d)).filter((d) => d >= 0);
  if (!dims.length) return x;
  return { t: own(sum(x.t, dims)), labels: x.labels.filter((l) => keep(l)) };
}

/** x with its dimensions in the order of `labels` (each of x's labels among them). */
function ordered(x: Labelled, labels: string[], own: Own): Tensor {
  const perm = labels.map((l) => x.labels.indexOf(l));
  return perm.every((d, i) => d === i) ? x.t : own(permute(x.t, perm));
}

/** a and b contracted over the labels they share that nothing after needs; the kept labels stay. */
function contract(a: Labelled, b: Labelled, kept: (l: string) => boolean, size: Map<string, number>, own: Own): Labelled {
  const inB = (l: string) => b.labels.includes(l), inA = (l: string) => a.labels.includes(l);
  const a1 = sumOut(a, (l) => kept(l) || inB(l), own), b1 = sumOut(b, (l) => kept(l) || inA(l), own);
  const batch = a1.labels.filter((l) => inB(l) && kept(l));
  const summed = a1.labels.filter((l) => inB(l) && !kept(l));
  const left = a1.labels.filter((l) => !inB(l)), right = b1.labels.filter((l) => !inA(l));
  const prod = (ls: string[]) => ls.reduce((p, l) => p * (size.get(l) as number), 1);
  const [bt, m, k, n] = [prod(batch), prod(left), prod(summed), prod(right)];
  const at = own(ordered(a1, [...batch, ...left, ...summed], own).reshape([bt, m, k]));
  const bt3 = own(ordered(b1, [...batch, ...summed, ...right], own).reshape([bt, k, n]));
  const labels = [...batch, ...left, ...right];
  return { t: own(own(matmul(at, bt3)).reshape(labels.map((l) => size.get(l) as number))), labels };
}

/**
 * torch.einsum: the sum of products of the operands' elements named by `equation`
 * ('ij,jk->ik' is a matrix product, 'bhid,bhjd->bhij' attention's scores, 'ii->i' a diagonal,
 * 'ij->' a sum). Labels are letters; '...' stands for the dimensions not named (broadcast between
 * operands, right-aligned). Without '->' the output is the ellipsis's dimensions and then the labels
 * seen once, in alphabetical order (uppercase first). A size-1 dimension broadcasts against its
 * label's size elsewhere. Gradients flow to every operand.
 */
export function einsum(equation: string, ...operands: Tensor[] | [Tensor[]]): Tensor {
  if (typeof equation !== 'string') throw new Error(`einsum: equation must be a string, got ${shown(equation)}`);
  const xs = (operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : operands) as Tensor[];
  xs.forEach((x) => checkTensor(x, what));
  const eq = equation.replace(/\s+/g, '');
  const arrow = eq.indexOf('->');
  const lhs = arrow < 0 ? eq : eq.slice(0, arrow);
  const terms = lhs.split(',');
  if (terms.length !== xs.length) throw new Error(`einsum: the equation '${equation}' has ${terms.length} operand${terms.length === 1 ? '' : 's'}, ${xs.length} given`);
  // Every step's tensor, each read by the next step alone: let go of once the result is made.
  const made: Tensor[] = [];
  const own: Own = (t) => (made.push(t), t);
  const ops = xs.map((x, i) => diagonal(x, termLabels(terms[i], x.ndim, i), i, own));
  // Each label's size: equal across operands, or 1 (which broadcasts).
  const size = new Map<string, number>();
  ops.forEach(({ t, labels }, i) => labels.forEach((l, d) => {
    const seen = size.get(l), s = t.shape[d];
    if (seen !== undefined && seen !== s && seen !== 1 && s !== 1) {
      const name = l.startsWith('.') ? 'an ellipsis dimension' : `subscript ${l}`;
      throw new Error(`einsum: ${name} has size ${s} for operand ${i} (shape ${fmt(xs[i].shape)}), which does not broadcast with the size ${seen} seen before`);
    }
    if (seen === undefined || seen === 1) size.set(l, s);
  }));
  const ellipsis = [...size.keys()].filter((l) => l.startsWith('.')).sort((p, q) => Number(q.slice(1)) - Number(p.slice(1)));
  let out: string[];
  if (arrow < 0) {
    const count = new Map<string, number>();
    for (const term of terms) for (const c of term.replace('...', '')) count.set(c, (count.get(c) ?? 0) + 1);
    out = [...ellipsis, ...[...count.keys()].filter((c) => count.get(c) === 1).sort()];
  } else {
    const rhs = eq.slice(arrow + 2);
    const parts = termParts(rhs, "the output's");
    for (const c of parts.join('')) if (!size.has(c)) throw new Error(`einsum: output subscript ${c} does not appear in the equation for any input operand`);
    if (new Set(parts.join('')).size !== parts.join('').length) throw new Error(`einsum: an output subscript appears more than once in '${rhs}'`);
    out = labelsOf(parts, ellipsis);
  }
  // Operands broadcast to each label's size where theirs is 1.
  const full = ops.map((o) => {
    const to = o.labels.map((l) => size.get(l) as number);
    return to.every((s, d) => s === o.t.shape[d]) ? o : { t: own(expand(o.t, to)), labels: o.labels };
  });
  const neededAfter = (i: number) => {
    const later = new Set(out);
    for (let j = i + 1; j < full.length; j++) for (const l of full[j].labels) later.add(l);
    return (l: string) => later.has(l);
  };
  let acc = sumOut(full[0], neededAfter(0), own);
  for (let i = 1; i < full.length; i++) acc = contract(acc, full[i], neededAfter(i), size, own);
  acc = sumOut(acc, (l) => out.includes(l), own);
  const last = ordered(acc, out, own);
  // A new tensor over an operand's storage where nothing was computed ('ij->ij'), as torch's view.
  const y = xs.includes(last) ? last.reshape([...last.shape]) : last;
  letGoAfterRead(y, ...made.filter((t) => t !== y && !xs.includes(t)));
  return y;
}
