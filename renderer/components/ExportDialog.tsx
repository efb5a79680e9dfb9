/**
 * Export: the format, JPEG/WebP quality (by default the source's where the engine could read it, else
 * 92), the colour profile and location data; then export the result, export the mask, or copy the result.
 */
import type { ExportFormat } from '../state/editor';
import { effectiveQuality, formatHasQuality } from '../state/exportSettings';
import { exportName } from '../state/fileControl';
import { Dialog } from './Dialog';
import { baseName, downloadBytes, maskToPng } from './files';
import { useEditor, useEditorState } from './useEditor';

const FORMATS: { value: ExportFormat; label: string }[] = [
  { value: 'png', label: 'PNG (lossless)' },
  { value: 'jpeg', label: 'JPEG' },
  { value: 'webp', label: 'WebP' },
  { value: 'tiff', label: 'TIFF (lossless)' },
];

/** Downloads the mask as a black-and-white PNG the size of the image (white = fill). */
export async function exportMaskPng(editor: ReturnType<typeof useEditor>): Promise<void> {
  const doc = editor.getSnapshot().doc;
  const m = editor.mask;
  if (!doc || !m) return;
  const name = `${baseName(doc.name)}-mask.png`;
  try {
    downloadBytes(name, 'image/png', await maskToPng(m.mask.binary(), doc.width, doc.height));
  } catch (e) {
    // The buttons call this fire-and-forget: a failure is shown here or nowhere.
    editor.notify('error', `The mask could not be exported: ${(e as Error).message}.`);
    return;
  }
  editor.notify('info', `Exported ${name}`);
}

export function ExportDialog() {
  const editor = useEditor();
  const open = useEditorState((s) => s.dialog === 'export');
  const format = useEditorState((s) => s.exportFormat);
  const opts = useEditorState((s) => s.exportOptions);
  const doc = useEditorState((s) => s.doc);
  const hasResult = useEditorState((s) => s.run.resultId !== null);
  if (!open) return null;
  const lossy = formatHasQuality(format);
  const quality = effectiveQuality(opts, doc?.quality);
  const qualityNote = opts.quality !== null ? '' : doc?.quality ? ' (the source’s quality)' : ' (default)';
  return (
    <Dialog title="Export" testId="export-dialog" onClose={() => editor.setDialog(null)}>
      <div className="form-grid">
        <label htmlFor="export-dialog-format">Format</label>
        <select
          id="export-dialog-format"
          value={format}
          onChange={(e) => editor.exports.setFormat(e.target.value as ExportFormat)}
          data-testid="export-dialog-format"
        >
          {FORMATS.map((f) => (
            <option key={f.value} value={f.value}>
              {f.label}
            </option>
          ))}
        </select>

        <label htmlFor="export-quality">Quality</label>
        <span className="quality-row">
          <input
            id="export-quality"
            type="range"
            min={1}
            max={100}
            value={quality}
            disabled={!lossy}
            onChange={(e) => editor.exports.setOptions({ quality: Number(e.target.value) })}
            aria-valuetext={`${quality}${qualityNote}`}
            data-testid="export-quality"
          />
          <input
            type="number"
            min={1}
            max={100}
            value={quality}
            disabled={!lossy}
            onChange={(e) =>
              editor.exports.setOptions({ quality: e.target.value === '' ? null : Number(e.target.value) })
            }
            aria-label="Quality value"
            data-testid="export-quality-value"
          />
          <span className="muted small" data-testid="export-quality-note">
            {lossy ? qualityNote.trim().replace(/[()]/g, '') : 'lossless'}
          </span>
          {opts.quality !== null && lossy && (
            <button
              className="reset"
              onClick={() => editor.exports.setOptions({ quality: null })}
              title={doc?.quality ? `Back to the source's ${doc.quality}` : 'Back to 92'}
              aria-label="Reset quality"
            >
              ↺
            </button>
          )}
        </span>

        <label htmlFor="export-profile">Colour</label>
        <select
          id="export-profile"
          value={opts.colorProfile}
          onChange={(e) => editor.exports.setOptions({ colorProfile: e.target.value as 'keep' | 'srgb' })}
          data-testid="export-profile"
        >
          <option value="keep">Keep the source’s profile</option>
          <option value="srgb">Convert to sRGB</option>
        </select>

        <span />
        <label className="check">
          <input
            type="checkbox"
            checked={opts.stripLocation}
            onChange={(e) => editor.exports.setOptions({ stripLocation: e.target.checked })}
            data-testid="export-strip-location"
          />
          Leave out location data (GPS)
        </label>
      </div>
      <p className="muted small">
        {doc ? `${exportName(doc.name, format)}, ${doc.width}×${doc.height} px (full resolution)` : ''}
      </p>
      <div className="dialog-buttons">
        <button
          className="primary"
          disabled={!hasResult}
          title={hasResult ? undefined : 'Run first'}
          onClick={() => void editor.files.exportResult()}
          data-testid="export-result"
        >
          Export result
        </button>
        <button disabled={!doc} onClick={() => void exportMaskPng(editor)} data-testid="export-mask">
          Export mask
        </button>
        <button
          disabled={!hasResult}
          onClick={() => void editor.exports.copyResult()}
          title="Copy the result as PNG (Ctrl+Shift+C)"
          data-testid="copy-result"
        >
          Copy result
        </button>
      </div>
    </Dialog>
  );
}
