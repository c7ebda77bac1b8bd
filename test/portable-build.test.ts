// DESIGN's native rules: the addon must also build where there is no AVX2, aarch64 for one (only
// the portable kernel set is compiled there; CMakeLists.txt adds the x86 sets by processor). Built
// here with Debian's cross compiler through the project's own CMakeLists.txt and cmake-js, warnings
// as errors; `.ci/run` installs the compiler. Running the addon needs an aarch64 machine (Node under
// qemu-user did not start within ten minutes on the test VM); the kernels themselves run under
// qemu-user in a static program of their own (native/check/portable_kernels.cc), built from the same
// CMakeLists.txt, sources and per-file options; `.ci/run` installs qemu-user-static.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from './helpers/scratch';

const compiler = 'aarch64-linux-gnu-g++';
const haveCompiler = spawnSync(compiler, ['--version']).status === 0;
if (!haveCompiler) console.log(`aarch64 build test skipped: ${compiler} is absent (apt-get install g++-aarch64-linux-gnu)`);
const qemu = ['qemu-aarch64-static', 'qemu-aarch64'].find((q) => spawnSync(q, ['--version']).status === 0);
if (haveCompiler && !qemu) console.log('aarch64 kernel run skipped: qemu-user is absent (apt-get install qemu-user-static)');
const run = promisify(execFile);
// The addon's build directory, which the kernel check is then built in.
let built: string | null = null;

describe.runIf(haveCompiler)('the addon on a machine without AVX2', () => {
  it('builds for aarch64 from CMakeLists.txt with no warning, to an aarch64 shared object', async () => {
    const out = scratchDir('backprop-aarch64-');
    const root = path.resolve(__dirname, '..');
    const cmakeJs = require.resolve('cmake-js/bin/cmake-js');
    // Not execFileSync: a build blocking this worker for a minute or more trips vitest's RPC timeout.
    await run(process.execPath, [cmakeJs, 'compile', '--out', out, '--CDCMAKE_SYSTEM_NAME=Linux', '--CDCMAKE_SYSTEM_PROCESSOR=aarch64',
      `--CDCMAKE_CXX_COMPILER=${compiler}`, '--CDCMAKE_COMPILE_WARNING_AS_ERROR=ON'], { cwd: root, maxBuffer: 64 * 2 ** 20 });
    const elf = fs.readFileSync(path.join(out, 'Release', 'backprop_native.node'));
    expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(elf.readUInt16LE(18)).toBe(183); // e_machine: EM_AARCH64
    built = out;
  }, 300_000);

  it.runIf(Boolean(qemu))('its portable kernels compute right there: the GEMM, factorizations, Fourier transforms, element-wise, reduction, softmax and LSTM cell checks pass under qemu-user', async () => {
    expect(built, 'the aarch64 build above').not.toBeNull();
    await run('cmake', ['--build', built as string, '--target', 'portable_kernels_check'], { maxBuffer: 64 * 2 ** 20 });
    const program = path.join(built as string, 'portable_kernels_check');
    const elf = fs.readFileSync(program);
    expect(elf.readUInt16LE(18)).toBe(183);
    const { stdout } = await run(qemu as string, [program], { maxBuffer: 16 * 2 ** 20 });
    expect(stdout).toMatch(/^ok \d+ checks$/m);
  }, 300_000);
});
