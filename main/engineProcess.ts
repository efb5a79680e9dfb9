/**
 * Entry of the engine's Electron utility process: ONNX sessions and optimisation loops run here, never
 * in main or the renderer. Requests arrive from main over the parent port; responses and events go back.
 */
import { asStudioError } from '../app/common/errors';
import { parseMessage } from '../app/contract/messages';
import { EngineHost } from '../app/host/engineHost';
import { createEngineServices } from '../app/host/services';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const port = (process as unknown as { parentPort: ParentPort }).parentPort;
const services = createEngineServices({ modelsDir: process.env.INPAINT_STUDIO_MODELS });
const host = new EngineHost(services, (name, payload) => port.postMessage({ type: 'event', name, payload }));

port.on('message', async (e) => {
  let id = -1;
  try {
    const msg = parseMessage(e.data);
    if (msg.type !== 'request') return;
    id = msg.id;
    port.postMessage(await host.handle(msg));
  } catch (err) {
    port.postMessage({
      type: 'response',
      id,
      ok: false,
      error: asStudioError(err, 'PARAM_INVALID').toWire(),
    });
  }
});
