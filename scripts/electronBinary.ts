/**
 * `npm start` runs this before building: Electron is an optional dependency (its postinstall downloads
 * the binary from github.com, which fails offline, behind some proxies and in CI, and npm then leaves the
 * package out instead of failing `npm ci`). When the binary is missing it prints one line saying how to
 * get it and exits 1, instead of Electron's stack trace.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const WEB = '`npm run web` opens the editor in a browser without it.';

/**
 * Why Electron cannot start, in one line, or undefined when it can.
 * @param resolveBinary the binary's path as `require('electron')` gives it (throws when the package or its
 *   binary is missing).
 */
export function electronProblem(
  resolveBinary: () => string,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  let binary: string;
  try {
    binary = resolveBinary();
  } catch (e) {
    if ((e as { code?: string }).code === 'MODULE_NOT_FOUND') {
      return (
        'Electron is not installed (npm leaves the optional package out when its binary cannot be ' +
        `downloaded): run \`npm install\` where github.com is reachable (or set ELECTRON_MIRROR). ${WEB}`
      );
    }
    binary = '';
  }
  if (binary && exists(binary)) return undefined;
  return (
    "Electron's binary is not installed: run `node node_modules/electron/install.js` where github.com is " +
    `reachable (or set ELECTRON_MIRROR to a mirror). ${WEB}`
  );
}

if (process.argv[1]?.endsWith('electronBinary.ts')) {
  const require = createRequire(import.meta.url);
  const problem = electronProblem(() => require('electron') as string);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
