// The switch that lets load() build a model without drawing its initial values (nn.init's random
// fills read it). Its own module, not part of nn.init, which is public API.

// Above zero while load() builds a model whose every parameter the file then overwrites: drawing
// them first took over half of loading an 84 MB model and moved the global random stream, which
// torch.load leaves alone. Only the random fills are skipped: constants (BatchNorm's ones) are cheap.
let skipped = 0;

/** fn() with nn.init's random initialisers leaving their tensors as they are (zeros). */
export function withoutRandomInit<T>(fn: () => T): T {
  skipped++;
  try {
    return fn();
  } finally {
    skipped--;
  }
}

/** Whether a random initialiser should leave its tensor as it is (inside withoutRandomInit). */
export function randomInitSkipped(): boolean {
  return skipped > 0;
}
