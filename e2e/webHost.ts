/**
 * The browser host as `npm run web` runs it — app/host/webMain.ts in its own Node process, with the
 * engine in a child process behind the crash-restart bridge — for the end-to-end tests that need the
 * real process layout (killing the engine, the model manifest from INPAINT_STUDIO_MANIFEST). Its output
 * is collected: the address to open, and a line per engine process started (its pid).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { rendererDir, repoRoot } from './harness';

export interface WebHost {
  /** The address to open (with its #token=). */
  url: string;
  /** A scratch folder; the model store is `models/` in it. */
  dir: string;
  /** Pids of the engine processes started so far, in order. */
  enginePids: number[];
  /** Everything the host printed. */
  output: string[];
  /** Resolves with the first printed line (now or later) that matches. */
  waitForOutput(re: RegExp, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

export async function startWebHost(env: Record<string, string> = {}): Promise<WebHost> {
  if (!existsSync(path.join(rendererDir, 'index.html')))
    throw new Error(`No renderer build in ${rendererDir}: run npm run build:renderer first`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'inpaint-web-'));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      tsx,
      path.join(repoRoot, 'app', 'host', 'webMain.ts'),
      '--port',
      '0',
      '--models-dir',
      path.join(dir, 'models'),
      '--providers',
      'cpu',
      '--static-dir',
      rendererDir,
    ],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  const enginePids: number[] = [];
  const waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  const onLine = (line: string) => {
    output.push(line);
    const pid = /^Engine process (\d+) started/.exec(line);
    if (pid) enginePids.push(Number(pid[1]));
    for (const w of [...waiters])
      if (w.re.test(line)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
  };
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) onLine(l.trim());
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waitForOutput = (re: RegExp, timeoutMs = 60_000) =>
    new Promise<string>((resolve, reject) => {
      const seen = output.find((l) => re.test(l));
      if (seen !== undefined) return resolve(seen);
      const t = setTimeout(
        () => reject(new Error(`The web host did not print ${re} in ${timeoutMs} ms:\n${output.join('\n')}`)),
        timeoutMs,
      );
      waiters.push({
        re,
        resolve: (line) => {
          clearTimeout(t);
          resolve(line);
        },
      });
    });
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  try {
    const line = await Promise.race([
      waitForOutput(/http:\/\/127\.0\.0\.1:\d+\/#token=\w+/),
      exited.then(() => {
        throw new Error(`The web host exited:\n${output.join('\n')}`);
      }),
    ]);
    const url = /http:\/\/127\.0\.0\.1:\d+\/#token=\w+/.exec(line)![0];
    return { url, dir, enginePids, output, waitForOutput, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Whether a process is alive (signal 0 checks without signalling). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
