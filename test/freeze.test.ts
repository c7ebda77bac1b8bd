// Walking a model (modules, namedModules, apply) and freezing parameters (requiresGrad_(false)):
// frozen parameters get no gradient and keep their values under every optimizer, in the eager loop
// and in fit (which then trains on the eager loop), as in torch.
import * as os from 'node:os';
import * as path from 'node:path';
import { expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn, optim } from '../lib/index';
import { eachBackend } from './helpers/backends';
import { randomArray, rng } from './helpers/random';

eachBackend('module walking and freezing', () => {
  it('namedModules lists the model depth first, each module once, with torch\'s names; apply visits children first', () => {
    const shared = new nn.Linear(3, 3);
    const model = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Sequential(shared, new nn.Tanh(), shared));
    expect(model.namedModules().map(([k, m]) => `${k}:${m.constructor.name}`))
      .toEqual([':Sequential', '0:Linear', '1:ReLU', '2:Sequential', '2.0:Linear', '2.1:Tanh']);
    expect(model.modules().length).toBe(6);
    const order: string[] = [];
    model.apply((m) => order.push(m.constructor.name));
    expect(order).toEqual(['Linear', 'ReLU', 'Linear', 'Tanh', 'Sequential', 'Sequential']);
    // The usual use: re-initialise every Linear layer.
    model.apply((m) => { if (m instanceof nn.Linear) nn.init.constant(m.weight, 0.5); });
    expect(model.parameters().filter((p) => p.ndim === 2).every((w) => w.data.every((v) => v === 0.5))).toBe(true);
    expect(() => model.apply(3 as never)).toThrow(/Sequential.apply: fn must be a function/);
  });

  it('apply visits a module shared by two parents under each, as torch; children() lists a repeated child once', () => {
    const s = new nn.Linear(2, 2);
    const model = new nn.Sequential(new nn.Sequential(s, new nn.ReLU()), new nn.Sequential(s), s);
    const order: string[] = [];
    model.apply((m) => order.push(m.constructor.name));
    // torch 1.13 prints this order for the same model.
    expect(order).toEqual(['Linear', 'ReLU', 'Sequential', 'Linear', 'Sequential', 'Linear', 'Sequential']);
    const twice = new nn.Sequential(s, new nn.Tanh(), s);
    expect(twice.children().map((m) => m.constructor.name)).toEqual(['Linear', 'Tanh']);
    expect(twice.length).toBe(3); // Sequential still runs it twice, and prints it twice
    expect(String(twice).match(/Linear/g)).toHaveLength(2);
    const loop = new nn.Sequential(new nn.ReLU());
    (loop as unknown as Record<string, nn.Module>).self = loop;
    expect(() => loop.apply(() => undefined)).toThrow(/Sequential.apply: Sequential contains itself/);
  });

  it('a module that holds itself (m.me = m, or a and b holding each other): parameters, state, train and printing end', () => {
    const plain = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
    const m = new nn.Sequential(new nn.Linear(2, 3), new nn.BatchNorm1d(3));
    (m as unknown as Record<string, nn.Module>).me = m;
    // torch 1.13 lists each parameter and module once here (its walks keep a memo); its state_dict,
    // train and print recurse without end. Ours: a cycle holds nothing new, so it is skipped.
    expect(m.parameters()).toHaveLength(4);
    expect(m.modules()).toHaveLength(3);
    expect(Object.keys(m.stateDict())).toEqual(Object.keys(plain.stateDict()));
    expect(m.namedBuffers().map(([k]) => k)).toEqual(plain.namedBuffers().map(([k]) => k));
    m.train(false);
    expect(m.modules().every((x) => !x.training)).toBe(true);
    expect(String(m)).toContain('(me): Sequential(<contains itself>)');
    // Running or saving it has no meaning: named errors (torch's forward recurses without end).
    expect(() => m.forward(bp.rand([4, 2]))).toThrow(/Sequential.forward: the Sequential is one of its own layers/);
    expect(() => bp.save(m, path.join(os.tmpdir(), 'backprop-self.safetensors'))).toThrow(/save: the Sequential at '2' is one that encloses it/);
    expect(plain.forward(bp.rand([4, 2])).shape).toEqual([4, 3]);
    const a = new nn.Sequential(new nn.Linear(2, 2));
    const b = new nn.Sequential(new nn.Linear(2, 2));
    (a as unknown as Record<string, nn.Module>).b = b;
    (b as unknown as Record<string, nn.Module>).a = a;
    expect(a.parameters()).toHaveLength(4);
    expect(Object.keys(a.stateDict())).toEqual(['0.weight', '0.bias', 'b.0.weight', 'b.0.bias']);
    a.eval();
    expect(b.training).toBe(false);
    expect(String(a)).toContain('(a): Sequential(<contains itself>)');
  });

  it('a module of two inputs (forward(x, mask)) type-checks, finds its parameters and trains', () => {
    class Gated extends nn.Module {
      readonly lin = new nn.Linear(3, 2);
      forward(x: bp.Tensor, mask: bp.Tensor): bp.Tensor {
        return this.lin.forward(x).mul(mask);
      }
    }
    const m = new Gated();
    expect(m.namedParameters().map(([k]) => k)).toEqual(['lin.weight', 'lin.bias']);
    const y = m.call(bp.ones([4, 3]), bp.tensor([[1, 0]]));
    y.sum().backward();
    expect((m.lin.weight.grad!.toArray() as number[][])[1]).toEqual([0, 0, 0]);
    expect((m.lin.weight.grad!.toArray() as number[][])[0]).toEqual([4, 4, 4]);
  });

  for (const kind of ['SGD', 'Adam'] as const) {
    it(`${kind}: a frozen layer keeps its weights in the eager loop and in fit; the rest trains as by hand`, async () => {
      const make = () => {
        bp.manualSeed(3);
        const model = new nn.Sequential(new nn.Linear(4, 6), new nn.ReLU(), new nn.Linear(6, 3));
        (model.at(0) as nn.Linear).requiresGrad_(false);
        const opt = kind === 'SGD' ? new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }) : new optim.Adam(model.parameters(), { lr: 0.01 });
        return { model, opt, frozen: model.parameters().slice(0, 2).map((p) => Array.from(p.data)) };
      };
      const r = rng(2);
      const x = bp.tensor(randomArray(16 * 4, r), { shape: [16, 4] });
      const y = bp.tensor(Array.from({ length: 16 }, (_, i) => i % 3));
      const loss = new nn.CrossEntropyLoss();
      const a = make();
      for (let s = 0; s < 4; s++) {
        a.opt.zeroGrad();
        loss.forward(a.model.forward(x), Array.from(y.data)).backward();
        expect(a.model.parameters()[0].grad).toBe(null);
        a.opt.step();
      }
      const b = make();
      await bp.fit(b.model, { x, y }, { loss, optimizer: b.opt, epochs: 1, batchSize: 4, shuffle: false, verbose: false });
      for (const t of [a, b]) {
        const ps = t.model.parameters();
        expect(Array.from(ps[0].data)).toEqual(t.frozen[0]);
        expect(Array.from(ps[1].data)).toEqual(t.frozen[1]);
      }
      // fit's trainable layer moved, exactly as the same four batches of 4 trained by hand move it.
      const c = make();
      for (let i = 0; i < 16; i += 4) {
        c.opt.zeroGrad();
        const xb = bp.tensor(x.toFloat32Array().subarray(i * 4, i * 4 + 16), { shape: [4, 4] });
        loss.forward(c.model.forward(xb), Array.from(y.data.subarray(i, i + 4))).backward();
        c.opt.step();
      }
      expect(Array.from(b.model.parameters()[2].data)).toEqual(Array.from(c.model.parameters()[2].data));
      expect(Array.from(b.model.parameters()[2].data)).not.toEqual(Array.from(make().model.parameters()[2].data));
    });
  }
});
