/**
 * Entry of the browser host's engine process (a Node child process, the counterpart of Electron's
 * utility process): requests arrive over Node's IPC channel, answers and events go back. Its options
 * come as one JSON argument (see childEngine.ts). It exits when the host goes away.
 */
import type { ModelEntry } from '../../native-models/manifest';
import type { ProviderName } from '../ort/types';
import { serveEngineOnPort } from './portServer';
import { createEngineServices } from './services';

export interface EngineChildOptions {
  modelsDir?: string;
  providers?: ProviderName[];
  manifest?: ModelEntry[];
}

if (!process.send) {
  console.error('engineChild.ts runs as a child process of the browser host (app/host/webMain.ts).');
  process.exit(2);
}
const opts = JSON.parse(process.argv[2] ?? '{}') as EngineChildOptions;
const services = createEngineServices(opts);
serveEngineOnPort(
  {
    onMessage: (handler) => process.on('message', handler),
    postMessage: (m) => process.send?.(m),
  },
  services,
);
// Ctrl+C in the terminal reaches the whole process group: the host decides when the engine stops (it
// kills it on close), so the engine does not read Ctrl+C as a crash to restart from.
process.on('SIGINT', () => {});
// The host closed the channel (it exited or stopped the engine): nothing left to serve.
process.on('disconnect', () => {
  void services.close().finally(() => process.exit(0));
});
