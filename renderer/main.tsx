/**
 * The renderer's entry: an editor (plain TypeScript), the React UI over it, and the engine connection:
 * Electron's preload API (window.studio, its envelopes unwrapped by preloadApi.ts) when present, else
 * the browser host's WebSocket. Page options:
 * ?model=<id> picks the model for runs, ?stages=a,b the stages enabled at start.
 */
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { studioFromPreload, type PreloadStudio } from './engine/preloadApi';
import { connectEngine } from './engine/socketTransport';
import { bindMenu } from './state/commandRegistry';
import { Editor } from './state/editor';
import './styles.css';

const query = new URLSearchParams(location.search);
const editor = new Editor({
  modelId: query.get('model'),
  enabledStages: query.get('stages')?.split(',').filter(Boolean),
});

createRoot(document.getElementById('root')!).render(<App editor={editor} />);

const preloaded = (window as unknown as { studio?: PreloadStudio }).studio;
if (preloaded) {
  const api = studioFromPreload(preloaded);
  // Electron's app menu sends command ids (the browser host never does).
  bindMenu(editor, api);
  void editor.attach(api);
} else
  connectEngine()
    .then((conn) => {
      conn.onClose((reason) => editor.disconnected(reason));
      return editor.attach(conn.api);
    })
    .catch((e: unknown) => editor.disconnected(e instanceof Error ? e.message : String(e)));

// For the end-to-end tests and debugging from the console (read-only use).
(window as unknown as { inpaintStudio: unknown }).inpaintStudio = { editor };
