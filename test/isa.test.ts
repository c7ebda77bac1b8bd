// The AVX-512 and AVX2 kernel sets block a packed product differently (8x32 tiles against 6x16) but
// sum every element of C in the same order (depth steps in order, one FMA each; alpha, beta * C,
// bias, the activation and the gate in the same order), so they must give the same bits. The
// AVX-512 epilogue applies relu itself and hands sigmoid, tanh and GELU (and the sigmoid and tanh
// gates) to the AVX2 set's row loops: every activation and gate is covered here.
// Each set runs in a child process (the addon picks its set once, at load, from BACKPROP_ISA).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addonPath } from '../lib/backend/native';
import { Unary } from '../lib/backend/backend';
import { expectedKernelSet, nativeExpected } from './helpers/backends';
import { sameBits } from './helpers/golden';
import { randomArray, rng } from './helpers/random';

interface Product { ta: boolean; tb: boolean; m: number; n: number; k: number; beta: number; bias: boolean; act: number; gate: number }

// Packed shapes (m * n * k past the small paths) with edges of both tile shapes, W3's layers, and
// a depth past one K block. All but W3's layer are small enough for both sets to read their
// operands in place (gemm.cc's kInPlaceWork; parity.test checks that path against the packed one).
// Then the few-row path (gemm.cc's gemm_small: batch-1 layers), whose activations the AVX-512 set
// applies 16 floats at a time, and the few-column path (gemm_narrow: dot products in 4 x 4 blocks of
// 16-float accumulators against 2 x 2 blocks of two 8-float ones; 300 x 8, 67 x 3 and 2 x 5), and the
// shallow path (gemm_shallow, depth below 16: the AVX2 set's loop, and the AVX-512 set's pairs of
// 16-column blocks past 8 columns; 256x1024x10 is W3's input gradient of its last layer), whose
// products of 2, 4 and 8 columns the AVX-512 set takes 8, 4 and 2 rows to a register (AVX2: eight
// rows in the lanes of each column for 2 and 4, a register a row for 8).
const shapes: [number, number, number][] = [[64, 64, 64], [65, 33, 300], [256, 1024, 784], [9, 1000, 17], [300, 10, 1024], [130, 70, 520], [1, 1024, 784], [3, 523, 70], [67, 3, 70], [300, 8, 1024], [2, 5, 700], [1000, 3, 5], [1001, 4, 4], [777, 2, 3], [999, 8, 7], [333, 16, 15], [517, 9, 2], [256, 1024, 10], [70, 45, 3]];
const acts = [0, Unary.relu, Unary.sigmoid, Unary.tanh, Unary.gelu, Unary.silu];
const gates = [0, Unary.relu, Unary.sigmoid, Unary.tanh, Unary.gelu];
const products: Product[] = [];
shapes.forEach(([m, n, k], i) => {
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      const v = i * 4 + Number(ta) * 2 + Number(tb);
      products.push({ ta, tb, m, n, k, beta: v % 3 === 1 ? 0.5 : 0, bias: v % 2 === 0, act: acts[v % acts.length], gate: gates[(v >> 1) % gates.length] });
    }
  }
});

// Runs every product with the kernel set `isa` in a child process; returns C of each.
function runWith(isa: string, dir: string): Float32Array[] {
  const script = `
    const fs = require('fs');
    const addon = require(${JSON.stringify(addonPath())});
    const products = JSON.parse(fs.readFileSync(${JSON.stringify(path.join(dir, 'products.json'))}, 'utf8'));
    const f32 = (name) => { const b = fs.readFileSync(require('path').join(${JSON.stringify(dir)}, name)); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };
    console.log('set=' + addon.kernelSet());
    products.forEach((p, i) => {
      const c = f32('c' + i).slice();
      addon.gemm(p.ta, p.tb, p.m, p.n, p.k, 1, f32('a' + i), f32('b' + i), p.beta, c, p.bias ? f32('bias' + i) : null, p.act, p.gate ? f32('y' + i) : null, p.gate);
      fs.writeFileSync(require('path').join(${JSON.stringify(dir)}, '${isa}.out' + i), c);
    });
  `;
  const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, BACKPROP_ISA: isa }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain(`set=${isa === 'avx2' ? 'avx2+fma' : isa}`);
  return products.map((_, i) => {
    const b = fs.readFileSync(path.join(dir, `${isa}.out${i}`));
    return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  });
}

// The vector activations: the AVX-512 set computes exp, log, log1p, ELU, softplus, sigmoid, tanh,
// GELU and SiLU (and the gradients of GELU, SiLU, ELU and softplus) 16 floats at a time with the AVX2
// set's 8-float formulas, operation for operation (log1p's and ELU's double series 8 doubles at a
// time where the AVX2 set takes 4).
const activationOps = [Unary.exp, Unary.log, Unary.log1p, Unary.elu, Unary.softplus, Unary.sigmoid, Unary.tanh, Unary.gelu, Unary.silu];
const gradientOps = [Unary.gelu, Unary.silu, Unary.elu, Unary.softplus];

// Every activation (and the gradients of gradientOps) of x with the kernel set `isa`, in a child process.
function activationsWith(isa: string, dir: string): Float32Array[] {
  const script = `
    const fs = require('fs');
    const addon = require(${JSON.stringify(addonPath())});
    const b = fs.readFileSync(${JSON.stringify(path.join(dir, 'x'))});
    const x = new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
    console.log('set=' + addon.kernelSet());
    const p = (op) => (op === ${Unary.elu} ? 1 : op === ${Unary.softplus} ? 20 : 0); // ELU's alpha, softplus's threshold
    const outs = ${JSON.stringify(activationOps)}.map((op) => { const y = new Float32Array(x.length); addon.unary(op, x, y, p(op)); return y; });
    const gy = Float32Array.from(x, (_, i) => (i % 7) - 3.25);
    for (const op of ${JSON.stringify(gradientOps)}) {
      const g = new Float32Array(x.length);
      addon.unaryGrad(op, x, x, gy, g, p(op));
      outs.push(g);
    }
    outs.forEach((y, i) => fs.writeFileSync(require('path').join(${JSON.stringify(dir)}, '${isa}.act' + i), y));
  `;
  const r = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, BACKPROP_ISA: isa }, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain(`set=${isa === 'avx2' ? 'avx2+fma' : isa}`);
  return [...activationOps, ...gradientOps].map((_, i) => {
    const b = fs.readFileSync(path.join(dir, `${isa}.act${i}`));
    return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
  });
}

const hasAvx512 = expectedKernelSet() === 'avx512';
if (nativeExpected() && !hasAvx512) console.log('AVX-512 against AVX2 bit-identity skipped: this CPU (or BACKPROP_ISA) has no AVX-512 kernel set');

describe.runIf(nativeExpected() && hasAvx512)('kernel sets agree (native)', () => {
  it(`AVX-512 and AVX2 packed products give the same bits: ${products.length} products, 4 transposes, beta, bias, every activation and gate`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backprop-isa-'));
    try {
      const r = rng(77);
      fs.writeFileSync(path.join(dir, 'products.json'), JSON.stringify(products));
      products.forEach((p, i) => {
        fs.writeFileSync(path.join(dir, `a${i}`), randomArray(p.m * p.k, r));
        fs.writeFileSync(path.join(dir, `b${i}`), randomArray(p.k * p.n, r));
        fs.writeFileSync(path.join(dir, `c${i}`), randomArray(p.m * p.n, r));
        fs.writeFileSync(path.join(dir, `bias${i}`), randomArray(p.n, r));
        // An activation's output as the gate: relu's holds exact zeros, sigmoid's lies in (0, 1), tanh's
        // in (-1, 1); GELU's gate is its input, any value.
        const out = (v: number) => (p.gate === Unary.relu ? Math.max(v, 0) : p.gate === Unary.tanh ? Math.tanh(v) : p.gate === Unary.gelu ? v * 3 : 1 / (1 + Math.exp(-v)));
        const y = randomArray(p.m * p.n, r, -2, 2).map(out);
        fs.writeFileSync(path.join(dir, `y${i}`), y);
      });
      const wide = runWith('avx512', dir);
      const narrow = runWith('avx2', dir);
      products.forEach((p, i) => {
        expect.soft(sameBits(wide[i], narrow[i]), `${p.m}x${p.n}x${p.k} ta=${p.ta} tb=${p.tb} beta=${p.beta} act=${p.act} gate=${p.gate}`).toBe(true);
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('AVX-512 and AVX2 activations give the same bits: exp, log, log1p, ELU, softplus, sigmoid, tanh, GELU, SiLU, 4 gradients', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backprop-isa-'));
    try {
      const r = rng(78);
      // A length that leaves a tail for both widths; random values, then infinities, NaN, signed
      // zeros, denormals, and the edges of exp's polynomial range, of GELU's clamp and of its one-exp
      // form (2^n normal up to |x| ~ 13.2; the random values put lanes past it beside lanes within).
      const specials = [Infinity, -Infinity, NaN, -NaN, 0, -0, 1e-40, -1e-40, 88.37, 88.38, -87.33, -87.34, -90, 100, 14.5, -14.5, 14.6, -14.6,
        0.625, -0.625, 1e30, -1e30, -13.1, -13.15, -13.2, -13.25, -13.3, 13.2, -103.27893, -103.972, -103.97208, -104, 88.72283, 88.72284, 89];
      // Then lanes past exp's polynomial range on both sides (its wide form, exp8_wide / exp16_wide).
      const x = Float32Array.from([...randomArray(2000, r, -20, 20), ...randomArray(500, r, -1, 1), ...randomArray(700, r, -200, 200), ...specials]);
      fs.writeFileSync(path.join(dir, 'x'), x);
      const wide = activationsWith('avx512', dir);
      const narrow = activationsWith('avx2', dir);
      [...activationOps, ...gradientOps.map((op) => `${op} grad`)].forEach((op, i) => expect.soft(sameBits(wide[i], narrow[i]), `op ${op}`).toBe(true));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
