/**
 * The Model manager's state: the engine's model list, the model runs use, one download at a time with
 * its progress and cancel, and import of a model file (by path where there are paths — Electron's
 * dialog — or by its bytes, from a browser's file picker).
 */
import type { LamaInfo } from '../../app/common/stageInfo';
import type { EventPayload } from '../../app/contract/schemas';
import type { EditorCore, ModelListing } from './editorState';
import { wireError } from './editorState';
import { shellOf } from './fileControl';

/** The LaMa card's model: the default inpainting model (the one a run uses when none is picked). */
export function lamaModel(models: readonly ModelListing[]): ModelListing | null {
  const inpaint = models.filter((m) => m.purpose === 'inpaint');
  return inpaint.find((m) => m.isDefault) ?? inpaint.find((m) => !m.custom) ?? null;
}

/** Whether any inpainting model is installed (else runs use the embedded fill). */
export function hasInpaintModel(models: readonly ModelListing[]): boolean {
  return models.some((m) => m.purpose === 'inpaint' && m.installed);
}

/**
 * An engine message cut down for the editor: its sentences that name a CLI command (the engine's
 * messages are written for the terminal too) are dropped, and file paths (temporary downloads, the
 * model folder) become "a file in the model folder". Shown only as the detail under a failure.
 */
export function guiDetail(message: string): string {
  const sentences = message.split(/(?<=[.!?])\s+/);
  const kept = sentences.filter((t) => !/`|inpaint-studio|--[a-z]|\.partial\b/.test(t));
  return kept
    .join(' ')
    .replace(/(?:[A-Za-z]:\\|~?\/)[^\s:;,'"]*[\\/][^\s:;,'"]*/g, 'a file in the model folder')
    .trim();
}

/** What the editor says when a download fails: what happened, and what the user can do here. */
function failureText(label: string, code: string): string {
  const what =
    code === 'MODEL_INTEGRITY'
      ? `The downloaded ${label} did not match its checksum, so it was not installed.`
      : code === 'IO'
        ? `${label} could not be saved in the model folder (the disk may be full or read-only).`
        : `The download of ${label} did not finish (the network or the server failed); what arrived is kept.`;
  return `${what} Retry, Import a file you downloaded, or work offline with the embedded fill.`;
}

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
    const label = this.core.state.models.find((m) => m.id === id)?.label ?? id;
    this.core.update({ download: { jobId, id, received: 0, total: 0 }, downloadFailure: null });
    try {
      await api.downloadModel({ jobId, id });
      this.core.notify('info', `Installed ${id}`);
    } catch (e) {
      const err = wireError(e);
      if (err.code === 'CANCELLED') this.core.notify('info', 'Download cancelled.');
      else {
        const message = failureText(label, err.code);
        this.core.update({
          downloadFailure: { id, code: err.code, message, detail: guiDetail(err.message) },
        });
        this.core.notify('error', message);
      }
    } finally {
      this.core.update({ download: null });
      await this.refresh();
    }
  }

  /** The user works offline with the embedded fill: the LaMa notice and a failure go away. */
  dismissNotice(): void {
    this.core.update({ modelNoticeDismissed: true, downloadFailure: null });
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
      this.core.update({
        busy: null,
        downloadFailure: null,
        notice: { kind: 'info', text: `Imported ${id}` },
      });
      await this.refresh();
    } catch (e) {
      const text = `${id} could not be imported: ${guiDetail(wireError(e).message)}`;
      this.core.update({ busy: null, notice: { kind: 'error', text } });
    }
  }
}

/**
 * The status bar's "Fill: …" tooltip: which fill ran and why, in the editor's terms.
 * `info` is the LaMa stage's info from the last run; `engineSetting` the Fill engine setting it ran with.
 */
export function fillExplanation(
  info: Pick<LamaInfo, 'engine' | 'method' | 'model' | 'provider'> | undefined,
  engineSetting: unknown,
  models: readonly ModelListing[],
): string {
  if (info?.engine === 'model') {
    const m = models.find((x) => x.id === info.model);
    return `Filled by ${m?.label ?? info.model ?? 'the installed model'}${info.provider ? ` on ${info.provider.toUpperCase()}` : ''}.`;
  }
  const methods: Record<string, string> = {
    pushpull: 'smooth push-pull, ',
    patchmatch: 'patch-based, ',
    fsr: 'frequency-selective, ',
  };
  const method = (info?.method && methods[info.method]) ?? '';
  const what = `The embedded fill (${method}built in, no download) filled the hole`;
  if (engineSetting === 'embedded') return `${what} because Fill engine is set to Embedded fill.`;
  if (!hasInpaintModel(models))
    return `${what} because LaMa is not installed. Download LaMa in the Models panel for better fills of large holes.`;
  return `${what} because no LaMa model was installed when this ran. Run again to fill with LaMa.`;
}
