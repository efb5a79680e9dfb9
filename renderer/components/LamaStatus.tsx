/**
 * LaMa, up front: whether the model is installed and, when it is not, a visible Download button with
 * its size, the progress and Cancel; after a failure, what to do here (Retry, Import a file you
 * downloaded, or work offline with the embedded fill). Shown in the Fill section of the side panel and,
 * until the user chooses, as a banner over the canvas (EngineBanner).
 */
import { useRef } from 'react';
import { hasInpaintModel, lamaModel } from '../state/modelControl';
import { useEditor, useEditorState } from './useEditor';

/** "208 MB", "1.2 MB", "40 kB". */
export function sizeText(bytes: number): string {
  if (!(bytes > 0)) return '';
  if (bytes < 1e5) return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/** Scrolls the Models panel into view and focuses it. */
export function showModelsPanel(): void {
  const el = document.getElementById('models-panel');
  el?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  el?.focus({ preventScroll: true });
}

export function LamaStatus({ where }: { where: 'panel' | 'banner' }) {
  const editor = useEditor();
  const models = useEditorState((s) => s.models);
  const download = useEditorState((s) => s.download);
  const failure = useEditorState((s) => s.downloadFailure);
  const dismissed = useEditorState((s) => s.modelNoticeDismissed);
  const engineReady = useEditorState((s) => s.connection === 'ready' && s.engineStatus.health === 'ready');
  const fileInput = useRef<HTMLInputElement>(null);
  const lama = lamaModel(models);
  const tid = (name: string) => `lama-${where}-${name}`;

  if (models.length === 0 || hasInpaintModel(models)) {
    if (where === 'banner' || models.length === 0) return null;
    const installed = models.find((m) => m.purpose === 'inpaint' && m.installed)!;
    return (
      <p className="lama-status ok" data-testid={tid('status')} data-state="installed">
        ✓ {installed.label} is installed: fills use it.
      </p>
    );
  }
  if (!lama) return null;
  if (where === 'banner' && dismissed) return null;

  const downloading = download?.id === lama.id ? download : null;
  const failed = failure?.id === lama.id ? failure : null;
  const importFile = () => {
    if (editor.files.hasDialogs) void editor.models.importWithDialog(lama.id);
    else fileInput.current?.click();
  };

  return (
    <div
      className={`lama-status ${where}${failed ? ' failed' : ''}`}
      data-testid={tid('status')}
      data-state={downloading ? 'downloading' : failed ? 'failed' : 'missing'}
      role={where === 'banner' ? 'status' : undefined}
    >
      <p className="lama-line">
        {failed ? (
          <span data-testid={tid('failure')}>{failed.message}</span>
        ) : dismissed && where === 'panel' ? (
          <>Working offline with the embedded fill. LaMa is not installed.</>
        ) : (
          <>
            <strong>LaMa is not installed.</strong> Fills use the built-in embedded fill
            {where === 'banner'
              ? `, which is weaker on large holes. Download LaMa once (${sizeText(lama.bytes)}) for better fills.`
              : '.'}
          </>
        )}
      </p>
      {failed?.detail && (
        <p className="muted small lama-detail" data-testid={tid('failure-detail')}>
          {failed.detail}
        </p>
      )}
      <div className="lama-actions">
        {downloading ? (
          <>
            <progress
              max={downloading.total || 1}
              value={downloading.received}
              aria-label={`Downloading ${lama.label}`}
              data-testid={tid('progress')}
            />
            <span className="muted small" data-testid={tid('percent')}>
              {downloading.total > 0
                ? `${Math.floor((downloading.received / downloading.total) * 100)}% of ${sizeText(downloading.total)}`
                : 'Starting…'}
            </span>
            <button
              className="small"
              onClick={() => editor.models.cancelDownload()}
              data-testid={tid('cancel')}
            >
              Cancel
            </button>
          </>
        ) : (
          <>
            <button
              className="primary small"
              disabled={download !== null || !engineReady}
              onClick={() => void editor.models.download(lama.id)}
              data-testid={tid('download')}
            >
              {failed ? 'Retry' : lama.state === 'partial' ? 'Resume download' : 'Download LaMa'}{' '}
              <span className="size">{sizeText(lama.bytes)}</span>
            </button>
            {(failed || where === 'panel') && (
              <button
                className="small"
                disabled={!engineReady}
                onClick={importFile}
                title="Install a LaMa file you downloaded yourself (it is checked before use)"
                data-testid={tid('import')}
              >
                Import file…
              </button>
            )}
            {(failed || (where === 'banner' && !dismissed)) && (
              <button
                className="small"
                onClick={() => editor.models.dismissNotice()}
                title="Keep using the built-in embedded fill (no download)"
                data-testid={tid('offline')}
              >
                Work offline
              </button>
            )}
          </>
        )}
      </div>
      <input
        ref={fileInput}
        type="file"
        accept=".onnx"
        hidden
        data-testid={tid('import-input')}
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          // importData reports its own failures; a file that cannot even be read is reported here.
          if (f)
            f.arrayBuffer().then(
              (bytes) => editor.models.importData(lama.id, f.name, bytes),
              () => editor.notify('error', `${f.name} could not be read.`),
            );
        }}
      />
    </div>
  );
}
