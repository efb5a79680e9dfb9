/** Export: the chosen format, and the last result encoded by the engine at full resolution. */
import type { EditorCore, EncodedFile, ExportFormat } from './editorState';
import { wireError } from './editorState';
import { engineExportOptions } from './exportSettings';

export class ExportControl {
  constructor(private readonly core: EditorCore) {}

  setFormat(exportFormat: ExportFormat): void {
    this.core.update({ exportFormat });
  }

  /** Encodes the last result at full resolution; null when there is none (the status bar says why). */
  async encodeResult(format: ExportFormat = this.core.state.exportFormat): Promise<EncodedFile | null> {
    const api = this.core.requireApi();
    const resultId = this.core.state.run.resultId;
    if (!api || !resultId) {
      this.core.notify('info', 'Run the pipeline first, then export its result.');
      return null;
    }
    this.core.update({ busy: 'Exporting…' });
    try {
      const { exportOptions, doc } = this.core.state;
      const options = engineExportOptions(format, exportOptions, doc?.quality);
      const file = await api.encodeResult({ resultId, format, ...options });
      this.core.update({ busy: null, notice: { kind: 'info', text: `Exported ${file.name}` } });
      return file;
    } catch (e) {
      this.core.update({ busy: null, notice: { kind: 'error', text: wireError(e).message } });
      return null;
    }
  }
}
