// ctcLoss's forward (alpha) recursion written in recorded ops: createGraph's form of ctcLoss, whose
// own gradients are then those ops' (torch 1.13 has no second derivative of ctc_loss at all).
// Positions that no alignment reaches hold a large negative number rather than -Infinity, so that
// logsumexp's weights there are 0 and not NaN in every derivative.
import { Tensor } from '../tensor';
import { add, mul } from '../ops/binary';
import { exp, neg } from '../ops/unary';
import { logsumexp } from '../ops/more';
import { cat, narrow, stack } from '../ops/join';
import { reshape } from '../ops/shape';
import { indexSelect } from '../ops/index_ops';
import { tensor } from '../ops/creation';

const UNREACHED = -1e30;

/** One sample as the recursion needs it: its frames, its path (labels between blanks), or a loss with no graph. */
export interface ComposedSample {
  frames: number;
  path: readonly number[];
  /** The loss when it is a constant (zeroed, impossible, or without frames); null: recorded. */
  constant: number | null;
}

/** Sample n's loss [1] from lp3 [T, N, C]: -log of the alpha recursion's two end positions summed. */
function sampleLoss(lp3: Tensor, n: number, s: ComposedSample): Tensor {
  const classes = lp3.shape[2], width = s.path.length;
  const rows = indexSelect(reshape(narrow(narrow(lp3, 1, n, 1), 0, 0, s.frames), [s.frames, classes]), 1, [...s.path]);
  const row = (t: number) => reshape(narrow(rows, 0, t, 1), [width]);
  const filled = (count: number) => tensor(new Float32Array(count).fill(UNREACHED));
  // The first frame starts at the leading blank or the first label; a label may be reached from two
  // positions back when it differs from the label there (kernel's alphas()).
  let alpha = add(row(0), tensor(Float32Array.from({ length: width }, (_, k) => (k < 2 ? 0 : UNREACHED))));
  const skip = tensor(Float32Array.from({ length: width }, (_, k) => (k > 1 && k % 2 === 1 && s.path[k] !== s.path[k - 2] ? 0 : UNREACHED)));
  for (let t = 1; t < s.frames; t++) {
    const from = [alpha];
    if (width > 1) from.push(cat([filled(1), narrow(alpha, 0, 0, width - 1)]));
    if (width > 2) from.push(add(cat([filled(2), narrow(alpha, 0, 0, width - 2)]), skip));
    alpha = add(logsumexp(stack(from, 0), 0), row(t));
  }
  return neg(logsumexp(width > 1 ? narrow(alpha, 0, width - 2, 2) : alpha, 0, true));
}

/** The per-sample losses [N] of log-probabilities lp3 [T, N, C], recorded from lp3. */
export function composedCtcLosses(lp3: Tensor, samples: readonly ComposedSample[]): Tensor {
  return cat(samples.map((s, n) => (s.constant !== null ? tensor([s.constant]) : sampleLoss(lp3, n, s))), 0);
}

/**
 * What torch's ctc_loss gradient adds to the true derivative: exp(lp) times each sample's gy over its
 * frames (the term that log-softmax's backward cancels), for the recorded samples.
 */
export function torchsExtraTerm(lp3: Tensor, samples: readonly ComposedSample[], gy: Tensor): Tensor {
  const [frames, batch] = lp3.shape;
  const mask = new Float32Array(frames * batch);
  samples.forEach((s, n) => {
    if (s.constant === null) for (let t = 0; t < s.frames; t++) mask[t * batch + n] = 1;
  });
  return mul(exp(lp3), mul(tensor(mask, { shape: [frames, batch, 1] }), reshape(gy, [1, batch, 1])));
}
