// Random op calls compared with torch: the cases travel to one Python process as JSON (NaN,
// infinities and -0 as strings, which JSON cannot carry), and each result is checked against torch's.
import { expect } from 'vitest';
import { torchJson } from './torch';

/** One call: input a (and b), their shapes, and op-specific arguments. */
export interface OpCase { op: string; a: number[]; as: number[]; b?: number[]; bs?: number[]; args: unknown[] }

/** What a call gives: the output's values and shape, and the gradients of a and b (null if none). */
export interface OpResult { y: number[]; shape: number[]; ga: number[] | null; gb: number[] | null }

/** A number as JSON carries it (NaN, infinities and -0 as strings). */
export type Encoded = number | string;
interface TorchResult { y: Encoded[]; shape: number[]; ga: Encoded[] | null; gb: Encoded[] | null }

/** A number as JSON can carry it. */
export const encodeNumber = (v: number): Encoded => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : Object.is(v, -0) ? '-0.0' : v);
const decode = (v: Encoded): number => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity').replace('nan', 'NaN')));

/** Python lines defining enc(t): a tensor's values as a JSON-safe list (None for no tensor). */
export const PY_ENCODE = 'enc = lambda t: None if t is None else [("nan" if v != v else "inf" if v == float("inf") else "-inf" if v == float("-inf") else v) for v in t.reshape(-1).tolist()]';

/** Python line defining T(values, shape, requires_grad): a float32 tensor from a case's encoded values. */
export const PY_TENSOR = 'T = lambda v, s, g: torch.tensor([float(x) for x in v], dtype=torch.float32).reshape(s).requires_grad_(g)';

/**
 * The start of a script for expectOpsLikeTorch: imports, enc and T, and the loop over the cases with
 * `op` and `p` (its args) set; the body goes on at 4 spaces and appends one result to `out`, which
 * the script prints with print(json.dumps(out)).
 */
export const PY_CASES_LOOP = `import torch, json, sys
import torch.nn.functional as F
${PY_ENCODE}
${PY_TENSOR}
out = []
for c in json.loads(sys.stdin.read()):
    op, p = c["op"], c["args"]`;

const answers = new Map<string, TorchResult[]>();

/** got against torch's want within a relative tolerance (0: the exact bits); null for no array on both sides. */
export function expectLike(got: number[] | null, want: Encoded[] | null, what: string, tol: number): void {
  if (want === null || got === null) {
    expect(got === null && want === null, `${what}: present ${got !== null} vs torch ${want !== null}`).toBe(true);
    return;
  }
  expect(got.length, what).toBe(want.length);
  want.forEach((w, i) => {
    const v = decode(w);
    if (Number.isNaN(v)) expect(got[i], `${what} [${i}]`).toBeNaN();
    // Exact (tol 0) includes the sign of a zero.
    else expect(tol === 0 ? Object.is(got[i], v) : got[i] === v || Math.abs(got[i] - v) <= tol * Math.max(1, Math.abs(v)), `${what} [${i}]: ${got[i]} vs torch ${v}`).toBe(true);
  });
}

/**
 * Runs `script` (reading the cases from stdin, printing one result per case) once per script, then
 * checks run(case) against each answer within a relative tolerance (one for all, or one per case:
 * 0 asks for torch's exact bits).
 */
export function expectOpsLikeTorch<C extends OpCase>(cases: C[], script: string, run: (c: C) => OpResult, tol: number | ((c: C) => number)): void {
  let theirs = answers.get(script);
  if (!theirs) {
    const input = JSON.stringify(cases.map((c) => ({ ...c, a: c.a.map(encodeNumber), b: c.b?.map(encodeNumber) })));
    theirs = torchJson<TorchResult[]>(script, input);
    answers.set(script, theirs);
  }
  cases.forEach((c, i) => {
    const what = `case ${i}: ${c.op} a[${c.as}]${c.bs ? ` b[${c.bs}]` : ''} ${JSON.stringify(c.args)}`;
    const got = run(c);
    const t = theirs![i];
    const caseTol = typeof tol === 'number' ? tol : tol(c);
    expect(got.shape, what).toEqual(t.shape);
    expectLike(got.y, t.y, `${what} value`, caseTol);
    expectLike(got.ga, t.ga, `${what} grad a`, caseTol);
    expectLike(got.gb, t.gb, `${what} grad b`, caseTol);
  });
}
