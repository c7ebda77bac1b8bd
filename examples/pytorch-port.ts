// A typical PyTorch CPU training script, ported line by line. The original:
//
//   model = nn.Sequential(nn.Linear(2, 64), nn.BatchNorm1d(64), nn.GELU(), nn.Dropout(0.1),
//                         nn.Linear(64, 64), nn.LeakyReLU(0.01), nn.Linear(64, 3))
//   for m in model:
//       if isinstance(m, nn.Linear): nn.init.kaiming_normal_(m.weight, nonlinearity='relu'); nn.init.zeros_(m.bias)
//   opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
//   sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs)
//   loss_fn = nn.CrossEntropyLoss(label_smoothing=0.05)
//   for epoch in range(epochs):
//       model.train()
//       for xb, yb in loader:                      # shuffled mini-batches of 64
//           opt.zero_grad()
//           loss = loss_fn(model(xb), yb)
//           loss.backward()
//           torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
//           opt.step()
//       sched.step()
//       model.eval()
//       with torch.no_grad(): acc = (model(x_val).argmax(1) == y_val).float().mean()
//   torch.save(model.state_dict(), 'spiral.pt')
//
// Run: npx tsx examples/pytorch-port.ts
import * as os from 'node:os';
import * as path from 'node:path';
import { argmax, clipGradNorm, lrScheduler, manualSeed, nn, noGrad, optim, rand, randn, save, Tensor, tensor } from '../lib/index';

/** Three interleaved spirals: a classic non-linear toy problem. */
function spirals(n: number): { x: Tensor; y: Tensor } {
  const xs: number[][] = [];
  const ys: number[] = [];
  const noise = randn([n * 3, 2]).mul(0.08);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) {
      const r = i / n;
      const t = (c * 2 * Math.PI) / 3 + 4 * r;
      const k = c * n + i;
      xs.push([r * Math.cos(t) + noise.data[2 * k], r * Math.sin(t) + noise.data[2 * k + 1]]);
      ys.push(c);
    }
  }
  return { x: tensor(xs), y: tensor(ys) };
}

/** Shuffled mini-batches (DataLoader(shuffle=True)), from the seeded generator: runs repeat. */
function batches(n: number, size: number): number[][] {
  const keys = rand([n]).data;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a] - keys[b]);
  const out: number[][] = [];
  for (let i = 0; i < n; i += size) out.push(idx.slice(i, i + size));
  return out;
}

function rows(t: Tensor, idx: number[]): Tensor {
  const w = t.size / t.shape[0];
  const d = new Float32Array(idx.length * w);
  idx.forEach((r, i) => d.set(t.data.subarray(r * w, (r + 1) * w), i * w));
  return tensor(d, { shape: [idx.length, ...t.shape.slice(1)] });
}

export async function main(epochs = 30): Promise<number> {
  manualSeed(0);
  const train = spirals(300);
  const val = spirals(100);
  const model = new nn.Sequential(
    new nn.Linear(2, 64), new nn.BatchNorm1d(64), new nn.GELU(), new nn.Dropout(0.1),
    new nn.Linear(64, 64), new nn.LeakyReLU(0.01), new nn.Linear(64, 3),
  );
  for (const m of model.layers) {
    if (m instanceof nn.Linear) {
      nn.init.kaimingNormal(m.weight, { nonlinearity: 'relu' });
      if (m.bias) nn.init.zeros(m.bias);
    }
  }
  const opt = new optim.AdamW(model.parameters(), { lr: 3e-3, weightDecay: 1e-2 });
  const sched = new lrScheduler.CosineAnnealingLR(opt, { tMax: epochs });
  const lossFn = new nn.CrossEntropyLoss({ labelSmoothing: 0.05 });
  let acc = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    model.train();
    let total = 0;
    const bs = batches(train.x.shape[0], 64);
    for (const b of bs) {
      opt.zeroGrad();
      const loss = lossFn.forward(model.forward(rows(train.x, b)), rows(train.y, b));
      loss.backward();
      clipGradNorm(model.parameters(), 1.0);
      opt.step();
      total += loss.item();
    }
    sched.step();
    model.eval();
    acc = noGrad(() => {
      const pred = argmax(model.forward(val.x), 1);
      let ok = 0;
      for (let i = 0; i < pred.size; i++) if (pred.data[i] === val.y.data[i]) ok++;
      return ok / pred.size;
    });
    if (epoch % 5 === 4 || epoch === epochs - 1) {
      console.log(`epoch ${epoch + 1}: train loss ${(total / bs.length).toFixed(4)}, val accuracy ${(100 * acc).toFixed(1)}%, lr ${opt.lr.toExponential(2)}`);
    }
  }
  const file = path.join(os.tmpdir(), 'spiral.safetensors');
  save(model, file);
  console.log(`saved ${file}`);
  return acc;
}

if (typeof module !== 'undefined' && require.main === module) void main();
