/**
 * `npm run web`: the browser host. Serves the built renderer (dist/renderer; build it first with
 * `npm run build:renderer`) and EngineApi over a token-guarded WebSocket on 127.0.0.1, prints the address
 * to open (its #token= fragment is the key), and closes cleanly on Ctrl+C.
 *   tsx app/host/webMain.ts [--port <n>] [--models-dir <dir>] [--static-dir <dir>] [--providers cpu,cuda]
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { PROVIDER_ORDER, type ProviderName } from '../ort/types';
import { startBrowserHost } from './browserHost';
import { createEngineServices } from './services';

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
  const services = createEngineServices({ modelsDir: opts.modelsDir, providers: opts.providers });
  const host = await startBrowserHost({ services, staticDir, port: opts.port });
  console.log(
    `Inpaint Studio is running. Open this address in a browser (the token is its key):\n\n  ${host.url}\n`,
  );
  console.log('Press Ctrl+C to stop.');

  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await host.close();
    await services.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void close());
  process.on('SIGTERM', () => void close());
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
