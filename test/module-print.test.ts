// Modules print as torch prints them (print(model) next to ours reads the same), compared with
// torch 1.13's own repr of the same model when it is here.
import { spawnSync } from 'node:child_process';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as bp from '../lib/index';
import { nn } from '../lib/index';
import { haveTorch, noteIfNoTorch, PYTHON } from './helpers/torch';

const TORCH_MODEL = `nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.25), nn.BatchNorm1d(16), nn.LeakyReLU(), nn.ELU(), nn.GELU(),
  nn.SiLU(), nn.Softplus(), nn.Sigmoid(), nn.Tanh(), nn.Identity(), nn.Flatten(), nn.Softmax(dim=-1), nn.LogSoftmax(dim=1),
  nn.LayerNorm(16, eps=1e-6), nn.Embedding(10, 4, padding_idx=0), nn.Linear(16, 3, bias=False), nn.Sequential(nn.Linear(3, 3)),
  nn.BatchNorm1d(3, affine=False, track_running_stats=False), nn.LayerNorm([2, 3], elementwise_affine=False), nn.Embedding(5, 2),
  nn.ELU(alpha=0.5), nn.LeakyReLU(0.2), nn.BatchNorm1d(3, eps=1e-3, momentum=0.01), nn.BatchNorm1d(2, momentum=None),
  nn.Conv2d(3, 8, 3), nn.Conv2d(8, 4, (3, 5), stride=2, padding=(1, 2), dilation=2, groups=2, bias=False), nn.Conv2d(4, 4, 3, padding='same'),
  nn.MaxPool2d(2), nn.MaxPool2d((3, 2), stride=1, padding=1, dilation=2, ceil_mode=True), nn.AvgPool2d(2), nn.AvgPool2d(3, stride=(2, 1), padding=1),
  nn.BatchNorm2d(4), nn.Conv1d(4, 6, 3), nn.Conv1d(4, 2, 5, stride=2, padding=2, dilation=3, groups=2, bias=False), nn.Conv1d(2, 2, 3, padding='same'),
  nn.ConvTranspose2d(4, 6, 3), nn.ConvTranspose2d(4, 2, (3, 2), stride=2, padding=(1, 0), output_padding=1, dilation=2, groups=2, bias=False),
  nn.MaxPool1d(3), nn.MaxPool1d(3, stride=1, padding=1, dilation=2, ceil_mode=True), nn.AvgPool1d(3), nn.AvgPool1d(4, stride=2, padding=1),
  nn.AdaptiveAvgPool2d(1), nn.AdaptiveAvgPool2d((5, 7)), nn.AdaptiveAvgPool2d((None, 7)),
  nn.ZeroPad2d(1), nn.ZeroPad2d((1, 2, 0, 3)), nn.ConstantPad2d(2, 3.5), nn.Dropout2d(0.2), nn.Upsample(scale_factor=2), nn.Upsample(size=(4, 5)),
  nn.Upsample(scale_factor=(2, 1.5)), nn.Upsample(size=3),
  nn.Conv2d(2, 3, 3, padding=1, padding_mode='reflect'), nn.Conv1d(2, 3, 3, padding='same', padding_mode='circular'), nn.ConstantPad1d((1, 2), 0.5),
  nn.ConstantPad3d(1, 2.5), nn.ReflectionPad1d(2), nn.ReflectionPad2d((1, 1, 2, 0)), nn.ReflectionPad3d(1), nn.ReplicationPad1d((1, 2)),
  nn.ReplicationPad2d(1), nn.ReplicationPad3d((1, 0, 0, 1, 2, 2)), nn.Upsample(scale_factor=2, mode='bilinear', align_corners=True),
  nn.Upsample(size=7, mode='linear'), nn.Upsample(size=(3, 4), mode='area'), nn.Upsample(scale_factor=1.5, mode='nearest-exact'),
  nn.UpsamplingNearest2d(scale_factor=2), nn.UpsamplingBilinear2d(size=(4, 6)), nn.AdaptiveMaxPool2d((3, None)), nn.AdaptiveMaxPool2d(2),
  nn.AdaptiveAvgPool1d(3), nn.AdaptiveMaxPool1d(5), nn.ConvTranspose1d(2, 3, 3), nn.ConvTranspose1d(4, 2, 5, stride=2, padding=1, output_padding=1, dilation=2, groups=2, bias=False),
  nn.Unfold((2, 3), padding=1, stride=2), nn.Fold((5, 5), (2, 3)), nn.Unfold(2), nn.Fold(4, 2, dilation=2), nn.Upsample(size=(4, 6), mode='bicubic'))`;

function ourModel(): nn.Module {
  return new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Dropout(0.25), new nn.BatchNorm1d(16), new nn.LeakyReLU(), new nn.ELU(), new nn.GELU(),
    new nn.SiLU(), new nn.Softplus(), new nn.Sigmoid(), new nn.Tanh(), new nn.Identity(), new nn.Flatten(), new nn.Softmax(-1), new nn.LogSoftmax(1),
    new nn.LayerNorm(16, { eps: 1e-6 }), new nn.Embedding(10, 4, { paddingIdx: 0 }), new nn.Linear(16, 3, { bias: false }), new nn.Sequential(new nn.Linear(3, 3)),
    new nn.BatchNorm1d(3, { affine: false, trackRunningStats: false }), new nn.LayerNorm([2, 3], { elementwiseAffine: false }), new nn.Embedding(5, 2),
    new nn.ELU(0.5), new nn.LeakyReLU(0.2), new nn.BatchNorm1d(3, { eps: 1e-3, momentum: 0.01 }), new nn.BatchNorm1d(2, { momentum: null }),
    new nn.Conv2d(3, 8, 3), new nn.Conv2d(8, 4, [3, 5], { stride: 2, padding: [1, 2], dilation: 2, groups: 2, bias: false }), new nn.Conv2d(4, 4, 3, { padding: 'same' }),
    new nn.MaxPool2d(2), new nn.MaxPool2d([3, 2], { stride: 1, padding: 1, dilation: 2, ceilMode: true }), new nn.AvgPool2d(2), new nn.AvgPool2d(3, { stride: [2, 1], padding: 1 }),
    new nn.BatchNorm2d(4), new nn.Conv1d(4, 6, 3), new nn.Conv1d(4, 2, 5, { stride: 2, padding: 2, dilation: 3, groups: 2, bias: false }), new nn.Conv1d(2, 2, 3, { padding: 'same' }),
    new nn.ConvTranspose2d(4, 6, 3), new nn.ConvTranspose2d(4, 2, [3, 2], { stride: 2, padding: [1, 0], outputPadding: 1, dilation: 2, groups: 2, bias: false }),
    new nn.MaxPool1d(3), new nn.MaxPool1d(3, { stride: 1, padding: 1, dilation: 2, ceilMode: true }), new nn.AvgPool1d(3), new nn.AvgPool1d(4, { stride: 2, padding: 1 }),
    new nn.AdaptiveAvgPool2d(1), new nn.AdaptiveAvgPool2d([5, 7]), new nn.AdaptiveAvgPool2d([null, 7]),
    new nn.ZeroPad2d(1), new nn.ZeroPad2d([1, 2, 0, 3]), new nn.ConstantPad2d(2, 3.5), new nn.Dropout2d(0.2), new nn.Upsample({ scaleFactor: 2 }), new nn.Upsample({ size: [4, 5] }),
    new nn.Upsample({ scaleFactor: [2, 1.5] }), new nn.Upsample({ size: 3 }),
    new nn.Conv2d(2, 3, 3, { padding: 1, paddingMode: 'reflect' }), new nn.Conv1d(2, 3, 3, { padding: 'same', paddingMode: 'circular' }), new nn.ConstantPad1d([1, 2], 0.5),
    new nn.ConstantPad3d(1, 2.5), new nn.ReflectionPad1d(2), new nn.ReflectionPad2d([1, 1, 2, 0]), new nn.ReflectionPad3d(1), new nn.ReplicationPad1d([1, 2]),
    new nn.ReplicationPad2d(1), new nn.ReplicationPad3d([1, 0, 0, 1, 2, 2]), new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: true }),
    new nn.Upsample({ size: 7, mode: 'linear' }), new nn.Upsample({ size: [3, 4], mode: 'area' }), new nn.Upsample({ scaleFactor: 1.5, mode: 'nearest-exact' }),
    new nn.UpsamplingNearest2d({ scaleFactor: 2 }), new nn.UpsamplingBilinear2d({ size: [4, 6] }), new nn.AdaptiveMaxPool2d([3, null]), new nn.AdaptiveMaxPool2d(2),
    new nn.AdaptiveAvgPool1d(3), new nn.AdaptiveMaxPool1d(5), new nn.ConvTranspose1d(2, 3, 3),
    new nn.ConvTranspose1d(4, 2, 5, { stride: 2, padding: 1, outputPadding: 1, dilation: 2, groups: 2, bias: false }),
    new nn.Unfold([2, 3], { padding: 1, stride: 2 }), new nn.Fold([5, 5], [2, 3]), new nn.Unfold(2), new nn.Fold(4, 2, { dilation: 2 }),
    new nn.Upsample({ size: [4, 6], mode: 'bicubic' }));
}

describe('printing modules', () => {
  it('console.log shows the layers, not the fields; a custom module lists its children', () => {
    expect(inspect(new nn.Linear(2, 3))).toBe('Linear(in_features=2, out_features=3, bias=True)');
    class Block extends nn.Module {
      readonly lin = new nn.Linear(3, 3);
      readonly act = new nn.Tanh();
      forward(x: bp.Tensor): bp.Tensor { return this.act.forward(this.lin.forward(x)); }
    }
    expect(String(new Block())).toBe('Block(\n  (lin): Linear(in_features=3, out_features=3, bias=True)\n  (act): Tanh()\n)');
  });
});

noteIfNoTorch('the comparison of module printing with torch');
describe.runIf(haveTorch)('printing modules compared with torch', () => {
  it('a model of every layer prints as torch 1.13 prints the same model', () => {
    const res = spawnSync(PYTHON, ['-c', `import torch.nn as nn\nprint(${TORCH_MODEL})`], { encoding: 'utf8' });
    expect(res.status, res.stderr).toBe(0);
    expect(String(ourModel())).toBe(res.stdout.trimEnd());
  });
});
