/**
 * Entry of the engine's Electron utility process: ONNX sessions and optimisation loops run here, never
 * in main or the renderer. Requests arrive from main over the parent port; responses and events go back.
 */
import { createEngineServices } from '../app/host/services';
import { serveEngineOnPort } from '../app/host/portServer';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const port = (process as unknown as { parentPort: ParentPort }).parentPort;
serveEngineOnPort(
  {
    onMessage: (handler) => port.on('message', (e) => handler(e.data)),
    postMessage: (m) => port.postMessage(m),
  },
  createEngineServices({ modelsDir: process.env.INPAINT_STUDIO_MODELS }),
);
