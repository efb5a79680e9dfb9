/**
 * Export: the chosen format, and what is shown encoded by the engine at full resolution: the result when
 * one is shown, else the image's latest applied base.
 */
import type { EditorCore, EditorState, EncodedFile, ExportFormat } from './editorState';
import { wireError } from './editorState';
import { engineExportOptions, withOptions, type ExportOptions } from './exportSettings';

/** What Export writes: the shown result, else the latest applied base; null when neither exists. */
export function exportTarget(s: EditorState): { resultId: string } | { imageId: string } | null {
  if (s.run.resultId) return { resultId: s.run.resultId };
  if (s.doc && s.applied.step > 0) return { imageId: s.doc.imageId };
  return null;
}

export class ExportControl {
  private clipboard: ((file: EncodedFile) => Promise<void>) | null = null;

  constructor(private readonly core: EditorCore) {}

  setFormat(exportFormat: ExportFormat): void {
    this.core.update({ exportFormat });
  }

  /** Quality (null: the source's, else 92), colour profile and location data for exports. */
  setOptions(patch: Partial<ExportOptions>): void {
    this.core.update({ exportOptions: withOptions(this.core.state.exportOptions, patch) });
  }

  /** Registers how the page puts an image on the clipboard (null: it cannot). */
  setClipboard(write: ((file: EncodedFile) => Promise<void>) | null): void {
    this.clipboard = write;
  }

  /** Copies the last result, full resolution as PNG, to the clipboard. */
  async copyResult(): Promise<void> {
    if (!this.clipboard) {
      this.core.notify('error', 'This page cannot use the clipboard.');
      return;
    }
    const file = await this.encodeResult('png');
    if (!file) return;
    try {
      await this.clipboard(file);
      this.core.notify('info', 'Copied the result to the clipboard.');
    } catch (e) {
      this.core.notify('error', `The clipboard refused the image: ${wireError(e).message}`);
    }
  }

  /** Encodes the last result at full resolution; null when there is none (the status bar says why). */
  async encodeResult(format: ExportFormat = this.core.state.exportFormat): Promise<EncodedFile | null> {
    const api = this.core.requireApi();
    const target = exportTarget(this.core.state);
    if (!api || !target) {
      this.core.notify('info', 'Run the pipeline first, then export its result.');
      return null;
    }
    this.core.update({ busy: 'Exporting…' });
    try {
      const { exportOptions, doc } = this.core.state;
      const options = engineExportOptions(format, exportOptions, doc?.quality);
      const file = await api.encodeResult({ ...target, format, ...options });
      this.core.update({ busy: null, notice: { kind: 'info', text: `Exported ${file.name}` } });
      return file;
    } catch (e) {
      this.core.update({ busy: null, notice: { kind: 'error', text: wireError(e).message } });
      return null;
    }
  }
}
