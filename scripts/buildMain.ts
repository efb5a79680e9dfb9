/**
 * Bundles Electron's three entry points with esbuild into dist/main/: main.cjs (main process),
 * preload.cjs (sandboxed preload) and engine.cjs (the engine's utility process). Native packages
 * (onnxruntime-node, sharp) stay external: electron-builder unpacks them from the asar.
 */
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node' as const,
  format: 'cjs' as const,
  target: 'node22',
  sourcemap: true,
  external: ['electron', 'onnxruntime-node', 'sharp'],
  // The engine's ESM code reads import.meta.url; in a CommonJS bundle it comes from __filename.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  logLevel: 'warning' as const,
};

/** Builds the three bundles into `outDir` (default dist/main). */
export async function buildMain(outDir = 'dist/main'): Promise<void> {
  await Promise.all([
    build({ ...common, entryPoints: ['main/main.ts'], outfile: `${outDir}/main.cjs` }),
    build({ ...common, entryPoints: ['main/preload.ts'], outfile: `${outDir}/preload.cjs` }),
    build({ ...common, entryPoints: ['main/engineProcess.ts'], outfile: `${outDir}/engine.cjs` }),
  ]);
}

if (process.argv[1]?.endsWith('buildMain.ts')) {
  await buildMain(process.argv[2]);
  process.stdout.write(`built ${process.argv[2] ?? 'dist/main'}/{main,preload,engine}.cjs\n`);
}
