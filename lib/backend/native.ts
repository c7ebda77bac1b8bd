// Loads the compiled addon (build/Release/backprop_native.node) and exposes it as a Backend.
// The addon's functions already have the contract's argument order; this file only finds it.
import * as path from 'node:path';
import * as fs from 'node:fs';
import { Backend } from './backend';

/** The command that builds the addon, named in every message about it. */
export const BUILD_COMMAND = 'npm run build:native';

interface Loaded {
  backend: Backend | null;
  error: string | null;
}

let loaded: Loaded | null = null;

function packageRoot(): string {
  // lib/backend (sources) and dist/backend (compiled) are both two levels below the package root.
  return path.resolve(__dirname, '..', '..');
}

export function addonPath(): string {
  return path.join(packageRoot(), 'build', 'Release', 'backprop_native.node');
}

export function loadNative(): Loaded {
  if (loaded) return loaded;
  const file = process.env.BACKPROP_ADDON ?? addonPath();
  if (process.env.BACKPROP_DISABLE_NATIVE === '1') {
    loaded = { backend: null, error: 'disabled by BACKPROP_DISABLE_NATIVE=1' };
  } else if (!fs.existsSync(file)) {
    loaded = { backend: null, error: `${file} does not exist` };
  } else {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const addon = require(file) as Omit<Backend, 'name'>;
      loaded = { backend: Object.freeze({ ...addon, name: 'native' as const }), error: null };
    } catch (e) {
      loaded = { backend: null, error: `${file} failed to load: ${(e as Error).message}` };
    }
  }
  return loaded;
}
