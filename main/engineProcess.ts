/**
 * Entry of the engine's Electron utility process: ONNX sessions and optimisation loops run here, never
 * in main or the renderer. Requests arrive from main over the parent port; responses and events go back.
 * The editor's session is also kept on disk in $INPAINT_STUDIO_SESSION_DIR (main sets it to
 * <userData>/session; see app/host/sessionFile.ts); requests wait until the kept one has been read.
 */
import { createEngineServices } from '../app/host/services';
import { serveEngineOnPort } from '../app/host/portServer';
import { FileSessionKeeper } from '../app/host/sessionFile';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const port = (process as unknown as { parentPort: ParentPort }).parentPort;
const sessionDir = process.env.INPAINT_STUDIO_SESSION_DIR;
// A session file that cannot be read or written is reported and the editor goes on without it.
const keeper = sessionDir
  ? FileSessionKeeper.open(sessionDir, { onError: (e) => console.warn(e.message) }).then((r) => {
      if (r.notice) console.warn(r.notice.message);
      return r.keeper;
    })
  : Promise.resolve(undefined);
const handlers: ((message: unknown) => void)[] = [];
// Registered at once so that no early message is lost; each is handled, in order, once the keeper is ready.
port.on('message', (e) => void keeper.then(() => handlers.forEach((h) => h(e.data))));
void keeper.then((sessionKeeper) =>
  serveEngineOnPort(
    { onMessage: (handler) => handlers.push(handler), postMessage: (m) => port.postMessage(m) },
    createEngineServices({ modelsDir: process.env.INPAINT_STUDIO_MODELS }),
    sessionKeeper ? { sessionKeeper } : {},
  ),
);
