// The addon compiles some files for AVX2 or AVX-512 and picks them at run time; the rest must run on
// any x86-64. A function that the linker merges across files (an inline function's or a template's
// out-of-line copy, a weak symbol) may come from an AVX file and then run, through a call from the
// portable code, on a CPU without those instructions. No weak function of the built addon may hold
// a VEX or EVEX instruction (ymm/zmm registers, mask registers, or any v-prefixed instruction).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addonPath } from '../lib/backend/native';
import { nativeExpected } from './helpers/backends';

const haveTools = spawnSync('nm', ['--version']).status === 0 && spawnSync('objdump', ['--version']).status === 0;
const onX86 = process.arch === 'x64';
if (nativeExpected() && !(haveTools && onX86)) console.log(`weak-symbol ISA test skipped: ${onX86 ? 'nm or objdump (binutils) is absent' : 'not an x86-64 machine'}`);

describe.runIf(nativeExpected() && haveTools && onX86)('the addon\'s merged and inlined functions', () => {
  it('hold no AVX instruction (they may be called from the portable code)', () => {
    const file = addonPath();
    expect(fs.existsSync(file)).toBe(true);
    const nm = spawnSync('nm', ['--defined-only', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const weak = new Set(nm.stdout.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f[1] === 'W').map((f) => f[2]));
    expect(weak.size).toBeGreaterThan(0);
    const dump = spawnSync('objdump', ['-d', '--no-show-raw-insn', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const offending = new Set<string>();
    let current = '';
    for (const line of dump.stdout.split('\n')) {
      const head = /^[0-9a-f]+ <(.+)>:$/.exec(line);
      if (head) {
        current = head[1];
        continue;
      }
      if (weak.has(current) && /\t(v[a-z0-9]+|k[a-z]+[bwdq]?)\s|%[yz]mm|%k[0-7]/.test(line)) offending.add(current);
    }
    // A name here is a function inline in a header (or a template) that an AVX file compiled out of
    // line: make it static there, or keep it out of the AVX files.
    expect([...offending], 'weak functions holding AVX instructions').toEqual([]);
  });

  it('inline the element-wise scalar functions everywhere (no out-of-line unary_s, unary_grad_s or binary_s)', () => {
    // Their loops vectorize only where a constant op folds the switch away: an out-of-line copy
    // (GCC's inliner gave up on unary_grad_s once it held 47 cases) is a call per element, 2.45 ns
    // where the folded loops took 0.1 (isa_kernels.inc).
    const nm = spawnSync('nm', ['--defined-only', '--demangle', addonPath()], { encoding: 'utf8', maxBuffer: 1 << 28 });
    const outOfLine = nm.stdout.split('\n').filter((l) => /::(unary_s|unary_grad_s|binary_s)\(/.test(l));
    expect(nm.stdout.length).toBeGreaterThan(0);
    expect(outOfLine).toEqual([]);
  });
});
