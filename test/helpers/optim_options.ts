// Random option sets for the optimizers, drawn from a test's deterministic generator: the
// combinations torch accepts (nesterov only with momentum and no dampening), each option often.
export type OptimizerKind = 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad' | 'Adamax' | 'NAdam' | 'RAdam' | 'Adadelta' | 'Rprop' | 'ASGD';

export const OPTIMIZER_KINDS: readonly OptimizerKind[] = ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adamax', 'NAdam', 'RAdam', 'Adadelta', 'Rprop', 'ASGD'];

/** The kinds torch 1.13 gives a maximize option. */
const MAXIMIZING: readonly OptimizerKind[] = ['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'Adamax', 'Adadelta', 'Rprop', 'ASGD'];

export function randomOptimizerOptions(kind: OptimizerKind, r: () => number): Record<string, unknown> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const maybe = (p: number) => r() < p;
  const o: Record<string, unknown> = { lr: pick([0.1, 0.01, 1e-3]) };
  if (kind === 'SGD') {
    if (maybe(0.7)) o.momentum = pick([0.9, 0.5]);
    if (o.momentum && maybe(0.3)) o.dampening = 0.1;
    else if (o.momentum && maybe(0.5)) o.nesterov = true; // torch: nesterov needs dampening 0
  } else if (kind === 'Adam' || kind === 'AdamW') {
    if (maybe(0.3)) o.betas = [0.8, 0.99];
    if (maybe(0.4)) o.amsgrad = true;
  } else if (kind === 'RMSprop') {
    if (maybe(0.3)) o.alpha = 0.9;
    if (maybe(0.5)) o.momentum = 0.9;
    if (maybe(0.5)) o.centered = true;
  } else if (kind === 'Adagrad') {
    if (maybe(0.5)) o.lrDecay = 0.01;
    if (maybe(0.4)) o.initialAccumulatorValue = 0.1;
  } else if (kind === 'Adamax' || kind === 'NAdam' || kind === 'RAdam') {
    // beta2 0.9 brings RAdam's rectified steps in from step 6.
    if (maybe(0.4)) o.betas = [0.8, 0.9];
    if (kind === 'NAdam' && maybe(0.5)) o.momentumDecay = 0.05;
  } else if (kind === 'Adadelta') {
    if (maybe(0.5)) o.rho = 0.7;
  } else if (kind === 'ASGD') {
    // A large lambd makes the step size decay within a few steps; a small t0 starts the averaging.
    if (maybe(0.6)) o.lambd = pick([0.5, 0.05]);
    if (maybe(0.4)) o.alpha = 0.5;
    if (maybe(0.7)) o.t0 = pick([0, 1, 2]);
  } else {
    if (maybe(0.5)) o.etas = [0.3, 1.5];
    if (maybe(0.5)) o.stepSizes = [1e-3, 0.05];
  }
  if (kind !== 'Rprop' && maybe(0.5)) o.weightDecay = pick([0.01, 0.1]);
  if (MAXIMIZING.includes(kind) && maybe(0.25)) o.maximize = true;
  return o;
}
