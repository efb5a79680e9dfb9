/**
 * Starts the engine in a Node child process for the browser host (app/host/engineChild.ts), as Electron
 * starts it in a utility process, so a crash in the engine (native code, memory) does not take the host
 * down and EngineBridge can restart it. Messages use Node's structured-clone IPC, so pixels travel as
 * ArrayBuffers.
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EngineChild } from './engineBridge';
import type { EngineChildOptions } from './engineChild';

export interface ForkedEngine extends EngineChild {
  /** The child's process id (undefined when it could not be spawned). */
  readonly pid: number | undefined;
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** Forks app/host/engineChild.ts (through tsx's loader: the engine runs from TypeScript sources). */
export function forkEngineChild(opts: EngineChildOptions = {}): ForkedEngine {
  const entry = path.join(here, 'engineChild.ts');
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = fork(entry, [JSON.stringify(opts)], {
    execArgv: ['--import', tsx],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // A message to a process that just died fails on the channel; the exit event tells the bridge.
  child.on('error', () => {});
  return {
    pid: child.pid,
    postMessage: (m) => {
      if (child.connected) child.send(m as never);
      else throw new Error('the engine process is not running');
    },
    on: ((event: 'message' | 'exit', listener: (...args: unknown[]) => void) => {
      if (event === 'message') child.on('message', listener);
      else child.on('exit', (code, signal) => listener(code, signal));
    }) as EngineChild['on'],
    kill: () => {
      child.kill();
    },
  };
}
