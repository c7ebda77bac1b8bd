// How a tensor prints (toString, console.log): PyTorch's layout, so that output pasted next to
// PyTorch's reads the same. One format for every element (fixed with 4 decimals, whole numbers as
// `1.`, or scientific when the magnitudes are far apart), right-aligned to one width; tensors of more
// than 1000 elements show the first and last 3 entries of each dimension around `...`.
import { fmt, Shape } from './shape';

const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;

/** Where each printed entry of one dimension comes from: every index, or the edges with a gap (-1). */
function shownIndices(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE_ITEMS) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: EDGE_ITEMS }, (_, i) => i), -1, ...Array.from({ length: EDGE_ITEMS }, (_, i) => n - EDGE_ITEMS + i)];
}

/** Every element that will be printed (for choosing the number format). */
function shownValues(data: ArrayLike<number>, shape: Shape, summarize: boolean): number[] {
  const out: number[] = [];
  const walk = (dim: number, offset: number, stride: number): void => {
    if (dim === shape.length) { out.push(data[offset]); return; }
    const inner = stride / shape[dim];
    for (const i of shownIndices(shape[dim], summarize)) if (i >= 0) walk(dim + 1, offset + i * inner, inner);
  };
  walk(0, 0, data.length);
  return out;
}

// Python's formats: '{:.0f}', '{:.4f}' and '{:.4e}' (a signed exponent of at least two digits).
// Python rounds an exact tie to even (5838.90625 -> 5838.9062) where toFixed and toExponential
// round it up: `exact` is the value written out in full (float32 values end within 40 more digits),
// and a tie keeps the truncated digits when the last of them is even.
const halfEven = (rounded: string, exact: string, digits: number): string => {
  const point = exact.indexOf('.');
  const cut = digits === 0 ? point : point + 1 + digits;
  const rest = exact.slice(cut).replace('.', '');
  if (!/^50*$/.test(rest) || Number(exact[cut - 1]) % 2 !== 0) return rounded;
  return exact.slice(0, digits === 0 ? point : cut);
};
const negZero = (v: number, text: string): string => (Object.is(v, -0) ? `-${text}` : text);
const fixed = (v: number, digits: number): string => negZero(v, halfEven(v.toFixed(digits), v.toFixed(digits + 40), digits));
const sci = (v: number): string => {
  const [exactMantissa, exactExp] = v.toExponential(44).split('e');
  const tie = halfEven(v.toExponential(4), exactMantissa, 4);
  // A tie keeps the exponent; otherwise toExponential's own rounding (which may carry into it).
  const [m, e] = tie.includes('e') ? tie.split('e') : [tie, exactExp];
  const exp = Math.abs(Number(e));
  return negZero(v, `${m}e${Number(e) < 0 ? '-' : '+'}${exp < 10 ? '0' : ''}${exp}`);
};

/**
 * PyTorch's _Formatter: one format for every shown element, chosen from the nonzero finite ones
 * (whole numbers as `3.`, fixed with 4 decimals, or scientific when the magnitudes span more than
 * 1000x, exceed 1e8 or go below 1e-4), and the width they are right-aligned to.
 */
function numberFormat(values: number[]): { cell: (v: number) => string; width: number } {
  // Loops, not Math.max(...values): a summary of an 8-d tensor shows 6^8 values, past the argument limit.
  const nonzero = values.filter((v) => Number.isFinite(v) && v !== 0);
  let max = 0;
  let min = Infinity;
  for (const v of nonzero) {
    max = Math.max(max, Math.abs(v));
    min = Math.min(min, Math.abs(v));
  }
  const intMode = nonzero.every(Number.isInteger);
  const sciMode = nonzero.length > 0 && (max / min > 1000 || max > 1e8 || (!intMode && min < 1e-4));
  const body = sciMode ? sci : intMode ? (v: number) => `${fixed(v, 0)}.` : (v: number) => fixed(v, 4);
  let width = 1;
  for (const v of nonzero) width = Math.max(width, body(v).length);
  const cell = (v: number): string => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : body(v)).padStart(width);
  return { cell, width };
}

/**
 * The text of a tensor as PyTorch prints it, e.g. `tensor([[ 1.0000, -2.5000], [ 3.0000,  4.0000]])`
 * on two lines; `requiresGrad=true` is added for a tensor that records gradients.
 */
export function formatTensor(data: ArrayLike<number>, shape: Shape, requiresGrad: boolean): string {
  const suffix = requiresGrad ? ', requiresGrad=true' : '';
  if (data.length === 0) return `tensor([]${shape.length === 1 ? '' : `, size=${fmt(shape)}`}${suffix})`;
  const summarize = data.length > THRESHOLD;
  const { cell, width } = numberFormat(shownValues(data, shape, summarize));
  const prefix = 'tensor(';
  const block = (dim: number, offset: number, stride: number, indent: number): string => {
    const inner = stride / shape[dim];
    const idx = shownIndices(shape[dim], summarize);
    if (dim === shape.length - 1) {
      const cells = idx.map((i) => (i < 0 ? ' ...' : cell(data[offset + i])));
      // As PyTorch, a long last dimension wraps at 80 columns, under its first element.
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / (width + 2)));
      const lines: string[] = [];
      for (let i = 0; i < cells.length; i += perLine) lines.push(cells.slice(i, i + perLine).join(', '));
      return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
    }
    const parts = idx.map((i) => (i < 0 ? '...' : block(dim + 1, offset + i * inner, inner, indent + 1)));
    return `[${parts.join(`,${'\n'.repeat(shape.length - dim - 1)}${' '.repeat(indent + 1)}`)}]`;
  };
  const body = shape.length === 0 ? cell(data[0]) : block(0, 0, data.length, prefix.length);
  return `${prefix}${body}${suffix})`;
}

/** A number as Python's repr prints a float: 1.0, 0.1, 1e-05 (so module settings read as torch's). */
export function pyFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const [mant, e] = v.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 16) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

/** A boolean as Python prints it. */
export const pyBool = (b: boolean): string => (b ? 'True' : 'False');
