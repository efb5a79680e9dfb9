/**
 * `npm run web`: the browser host. Serves the built renderer (dist/renderer; build it first with
 * `npm run build:renderer`) and EngineApi over a token-guarded WebSocket on 127.0.0.1, prints the address
 * to open (its #token= fragment is the key), and closes cleanly on Ctrl+C. The engine runs in a child
 * process (engineChild.ts) behind an EngineBridge: when it crashes it is restarted as Electron's main
 * restarts the utility process, and the page keeps its image, mask and parameters.
 *   tsx app/host/webMain.ts [--port <n>] [--models-dir <dir>] [--static-dir <dir>] [--providers cpu,cuda]
 * Environment: INPAINT_STUDIO_MODELS (the model store), INPAINT_STUDIO_MANIFEST (a JSON file or http(s)
 * address listing the downloadable models instead of the built-in manifest; see manifestOverride.ts),
 * INPAINT_STUDIO_IMAGE_MEMORY (MiB of images and results the engine holds; see heldImages.ts).
 * The page gets the data methods only: the browser host refuses methods that take a file path.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { PROVIDER_ORDER, type ProviderName } from '../ort/types';
import { startBrowserHost } from './browserHost';
import { forkEngineChild } from './childEngine';
import { EngineBridge } from './engineBridge';
import { defaultImageBudget } from './heldImages';
import { MANIFEST_ENV, loadManifest } from './manifestOverride';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function portArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError(
      `Expected an integer between 0 and 65535 for --port but received ${JSON.stringify(v)}`,
    );
  return n;
}

function providersArg(v: string): ProviderName[] {
  const list = v.split(',').map((s) => s.trim()) as ProviderName[];
  for (const p of list)
    if (!PROVIDER_ORDER.includes(p))
      throw new InvalidArgumentError(
        `Expected providers from ${PROVIDER_ORDER.join(', ')} but received ${JSON.stringify(p)}`,
      );
  return list;
}

async function main(): Promise<void> {
  const opts = new Command('inpaint-studio-web')
    .description('Serve the Inpaint Studio editor to a browser on 127.0.0.1.')
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', portArg, 0)
    .option(
      '--models-dir <dir>',
      'model store folder (default: $INPAINT_STUDIO_MODELS or the user data folder)',
    )
    .option('--static-dir <dir>', 'the built renderer', path.join(repoRoot, 'dist', 'renderer'))
    .option(
      '--providers <list>',
      `execution providers to try, in order (default ${PROVIDER_ORDER.join(',')})`,
      providersArg,
    )
    .showHelpAfterError()
    .parse()
    .opts<{ port: number; modelsDir?: string; staticDir: string; providers?: ProviderName[] }>();

  const staticDir = path.resolve(opts.staticDir);
  if (!existsSync(path.join(staticDir, 'index.html'))) {
    console.error(`No renderer build in ${staticDir}. Build it first: npm run build:renderer`);
    process.exitCode = 2;
    return;
  }
  // The engine process reads it as it starts: a bad value is reported here, not as a crash loop.
  defaultImageBudget();
  const manifestSource = process.env[MANIFEST_ENV]?.trim();
  const manifest = manifestSource ? await loadManifest(manifestSource) : undefined;
  if (manifestSource && manifest)
    console.log(`Models from ${manifestSource} (${MANIFEST_ENV}): ${manifest.map((m) => m.id).join(', ')}`);
  let bridge: EngineBridge | undefined;
  const host = await startBrowserHost({
    staticDir,
    port: opts.port,
    engine: (emit) => {
      bridge = new EngineBridge({
        emit: (name, payload) => {
          if (name === 'onEngineState') {
            const p = payload as { state: string; message?: string };
            console.log(`Engine ${p.state}${p.message ? `: ${p.message}` : ''}`);
          }
          emit(name, payload);
        },
        fork: () => {
          const child = forkEngineChild({ modelsDir: opts.modelsDir, providers: opts.providers, manifest });
          console.log(`Engine process ${child.pid ?? '(not started)'} started.`);
          return child;
        },
      });
      return bridge;
    },
  });
  console.log(
    `Inpaint Studio is running. Open this address in a browser (the token is its key):\n\n  ${host.url}\n`,
  );
  console.log('Press Ctrl+C to stop.');

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    bridge?.dispose();
    await host.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void close());
  process.on('SIGTERM', () => void close());
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
