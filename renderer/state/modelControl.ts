/**
 * The Model manager's state: the engine's model list, the model runs use, one download at a time with
 * its progress and cancel, and import of a model file (by path where there are paths — Electron's
 * dialog — or by its bytes, from a browser's file picker).
 */
import type { EventPayload } from '../../app/contract/schemas';
import type { EditorCore } from './editorState';
import { wireError } from './editorState';
import { shellOf } from './fileControl';

export class ModelControl {
  private jobCounter = 0;

  constructor(private readonly core: EditorCore) {}

  async refresh(): Promise<void> {
    const api = this.core.api;
    if (!api) return;
    try {
      this.core.update({ models: await api.listModels({}) });
    } catch (e) {
      // While the engine restarts the list cannot be read; it is read again once the engine is back.
      if (this.core.state.engineStatus.health === 'ready') this.core.notify('error', wireError(e).message);
    }
  }

  select(modelId: string | null): void {
    this.core.update({ modelId: modelId || null });
  }

  onProgress(e: EventPayload<'onModelProgress'>): void {
    const d = this.core.state.download;
    if (d && d.jobId === e.jobId)
      this.core.update({ download: { ...d, received: e.received, total: e.total } });
  }

  async download(id: string): Promise<void> {
    const api = this.core.requireApi();
    if (!api || this.core.state.download) return;
    const jobId = `download-${Date.now().toString(36)}-${++this.jobCounter}`;
    this.core.update({ download: { jobId, id, received: 0, total: 0 } });
    try {
      await api.downloadModel({ jobId, id });
      this.core.notify('info', `Installed ${id}`);
    } catch (e) {
      const err = wireError(e);
      if (err.code === 'CANCELLED') this.core.notify('info', 'Download cancelled.');
      else this.core.notify('error', err.message);
    } finally {
      this.core.update({ download: null });
      await this.refresh();
    }
  }

  cancelDownload(): void {
    const d = this.core.state.download;
    if (d) void this.core.api?.cancel({ jobId: d.jobId }).catch(() => {});
  }

  /** Imports a model file by its path on the engine's machine (Electron: a path from the open dialog). */
  importPath(id: string, path: string): Promise<void> {
    return this.importing(id, (api) => api.importModel({ id, path }));
  }

  /** Asks for a model file with the native dialog and imports it (Electron). */
  async importWithDialog(id: string): Promise<void> {
    const shell = shellOf(this.core.requireApi());
    if (!shell) return;
    try {
      const { path } = await shell.showOpenDialog({ kind: 'model' });
      if (path) await this.importPath(id, path);
    } catch (e) {
      this.core.notify('error', wireError(e).message);
    }
  }

  /** Imports a model file from its bytes (a browser's file picker). */
  importData(id: string, name: string, bytes: ArrayBuffer): Promise<void> {
    return this.importing(id, (api) => api.importModelData({ id, name, bytes }));
  }

  private async importing(
    id: string,
    work: (api: NonNullable<EditorCore['api']>) => Promise<unknown>,
  ): Promise<void> {
    const api = this.core.requireApi();
    if (!api) return;
    this.core.update({ busy: `Importing ${id}…` });
    try {
      await work(api);
      this.core.update({ busy: null, notice: { kind: 'info', text: `Imported ${id}` } });
      await this.refresh();
    } catch (e) {
      this.core.update({ busy: null, notice: { kind: 'error', text: wireError(e).message } });
    }
  }
}
