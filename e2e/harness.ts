/**
 * The engine behind the end-to-end tests: the real browser host and engine services, in the test's
 * own process, serving the renderer build. One test-only knob: `slowdown` holds each stage that is
 * not served from the cache for a while before it runs (reporting step 1 of 3, and giving up at once
 * when cancelled), so a test can see a run in progress and cancel it on a machine where the real
 * stage takes a fraction of a second.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeFrame } from '../app/contract/wire';
import { startBrowserHost, type BrowserHost } from '../app/host/browserHost';
import { createEngineServices } from '../app/host/services';
import { Pipeline } from '../app/pipeline/run';
import type { StageDef } from '../app/pipeline/types';
import { STAGES } from '../app/stages/registry';
import { writeScene } from './fixtures/scene';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The renderer build under test: dist/renderer, or RENDERER_OUT (as the build was given it). */
export const rendererDir = path.join(repoRoot, process.env.RENDERER_OUT ?? path.join('dist', 'renderer'));

export interface Harness {
  host: BrowserHost;
  dir: string;
  scenePath: string;
  /** Milliseconds each uncached stage waits before running (0 = none). */
  slowdown: { ms: number };
  close(): Promise<void>;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });
}

export async function startHarness(): Promise<Harness> {
  if (!existsSync(path.join(rendererDir, 'index.html')))
    throw new Error(`No renderer build in ${rendererDir}: run npm run build:renderer first`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'inpaint-e2e-'));
  const scenePath = path.join(dir, 'scene.png');
  await writeScene(scenePath);
  const slowdown = { ms: 0 };
  const base = createEngineServices({ modelsDir: path.join(dir, 'models'), providers: ['cpu'] });
  const slowed: StageDef[] = STAGES.map((def) => ({
    ...def,
    run: async (input, params, ctx) => {
      if (slowdown.ms > 0) {
        ctx.progress({ step: 1, total: 3, message: 'held by the test harness' });
        await sleep(slowdown.ms, ctx.signal);
      }
      return def.run(input, params, ctx);
    },
  }));
  const services = {
    ...base,
    pipeline: new Pipeline({ stages: slowed, sessions: base.sessions, models: base.resolver }),
  };
  const host = await startBrowserHost({ services, staticDir: rendererDir });
  return {
    host,
    dir,
    scenePath,
    slowdown,
    close: async () => {
      await host.close();
      await base.close();
    },
  };
}

/** A decoded engine→page frame (what the page's socket received). */
export type EngineFrame =
  | { type: 'response'; id: number; ok: boolean; result?: unknown; error?: { code: string; message: string } }
  | { type: 'event'; name: string; payload: Record<string, unknown> };

export function decodeEngineFrame(payload: string | Buffer): EngineFrame | null {
  if (typeof payload === 'string') return null;
  try {
    return decodeFrame(new Uint8Array(payload)) as EngineFrame;
  } catch {
    return null;
  }
}
