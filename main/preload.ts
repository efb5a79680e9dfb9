/// <reference lib="dom" />
/**
 * Preload (sandboxed, bundled): exposes exactly window.studio — one function per EngineApi and shell
 * method, plus `on` for events — and nothing else. No channel names or ipcRenderer reach the page.
 * Each function resolves with main's envelope {ok: true, result} or {ok: false, error: {code, message}}
 * (an Error's code would not survive contextBridge); renderer/engine turns it back into a result or a
 * StudioError.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { IPC, METHODS, SHELL_METHODS } from '../app/contract/schemas';

const api: Record<string, unknown> = {};
for (const method of [...Object.keys(METHODS), ...Object.keys(SHELL_METHODS)]) {
  api[method] = (params: unknown) => ipcRenderer.invoke(IPC.invoke, method, params);
}
api.on = (event: string, listener: (payload: unknown) => void) => {
  const handler = (_e: unknown, name: string, payload: unknown) => {
    if (name === event) listener(payload);
  };
  ipcRenderer.on(IPC.event, handler);
  return () => ipcRenderer.removeListener(IPC.event, handler);
};
contextBridge.exposeInMainWorld('studio', api);

// A dropped file's path is read here (the page never sees paths) and handed to main, which grants it
// and tells the page through the onFileDropped event. The editor holds one image: the first file.
window.addEventListener(
  'drop',
  (e) => {
    const file = e.dataTransfer?.files[0];
    const p = file ? webUtils.getPathForFile(file) : '';
    if (p) ipcRenderer.send(IPC.drop, p);
  },
  true,
);
