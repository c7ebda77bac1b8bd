// C's pow where JavaScript's parts from it. ECMAScript makes 1 ** NaN, 1 ** ±Infinity and
// (-1) ** ±Infinity NaN; C (and so torch, and our kernels through libm) makes them 1. Elsewhere
// the two agree.

/** a ** b with C99's (and torch's) special cases. */
export function powC(a: number, b: number): number {
  if (a === 1 || ((a === -1) && (b === Infinity || b === -Infinity))) return 1;
  return Math.pow(a, b);
}
