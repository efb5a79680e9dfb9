/**
 * Installed models, the model runs use, downloads with progress and cancel, import of a model file (the
 * native dialog in Electron, a file picker in a browser), providers.
 */
import { useRef, useState } from 'react';
import { availableProviders, unavailableProviders } from '../state/providers';
import { useEditor, useEditorState } from './useEditor';

function mb(bytes: number): string {
  if (!(bytes > 0)) return '';
  if (bytes < 1e5) return `${Math.max(1, Math.round(bytes / 1e3))} kB`;
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/** A model id as the store accepts it, suggested from a file name ("My LaMa.onnx" → "my-lama"). */
function idFromFileName(name: string): string {
  return name
    .replace(/\.[^.]*$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[._-]+|[._-]+$/g, '')
    .slice(0, 64);
}

export function ModelManager() {
  const editor = useEditor();
  const models = useEditorState((s) => s.models);
  const modelId = useEditorState((s) => s.modelId);
  const download = useEditorState((s) => s.download);
  const failure = useEditorState((s) => s.downloadFailure);
  const engine = useEditorState((s) => s.engine);
  const engineReady = useEditorState((s) => s.connection === 'ready' && s.engineStatus.health === 'ready');
  const [importId, setImportId] = useState('');
  const fileInput = useRef<HTMLInputElement>(null);
  const known = models.some((m) => m.id === modelId);

  async function importFile(file: File) {
    const id = importId || idFromFileName(file.name);
    if (!importId) setImportId(id);
    let bytes: ArrayBuffer;
    try {
      bytes = await file.arrayBuffer();
    } catch {
      // importData reports its own failures; a file that cannot even be read is reported here.
      editor.notify('error', `${file.name} could not be read.`);
      return;
    }
    await editor.models.importData(id, file.name, bytes);
  }

  return (
    <section
      className="panel model-manager"
      aria-label="Models"
      data-testid="model-manager"
      id="models-panel"
      tabIndex={-1}
    >
      <div className="panel-head">
        <h2>Models</h2>
        <button className="small" onClick={() => void editor.models.refresh()} title="Refresh">
          ⟳
        </button>
      </div>
      <select
        value={modelId ?? ''}
        onChange={(e) => editor.models.select(e.target.value || null)}
        data-testid="model-select"
        aria-label="Model for runs"
      >
        <option value="">Auto (installed default, else embedded fill)</option>
        {models.map((m) => (
          <option key={m.id} value={m.id} disabled={!m.installed}>
            {m.label}
            {m.installed ? '' : ' (not installed)'}
          </option>
        ))}
        {modelId && !known && <option value={modelId}>{modelId}</option>}
      </select>
      <ul className="model-list">
        {models.map((m) => (
          <li key={m.id} data-testid={`model-${m.id}`} data-state={m.installed ? 'installed' : m.state}>
            <span className="model-name" title={m.purpose}>
              {m.label}
              {m.isDefault ? ' ★' : ''}
            </span>
            <span className="muted" data-testid={`model-state-${m.id}`}>
              {m.installed ? 'installed' : m.state}
            </span>
            <span className="muted">{mb(m.bytes)}</span>
            {download?.id === m.id ? (
              <span className="download">
                <progress
                  max={download.total || 1}
                  value={download.received}
                  data-testid={`model-progress-${m.id}`}
                />
                <span className="muted small" data-testid={`model-percent-${m.id}`}>
                  {download.total > 0 ? `${Math.floor((download.received / download.total) * 100)}%` : ''}
                </span>
                <button
                  className="small"
                  onClick={() => editor.models.cancelDownload()}
                  data-testid={`model-cancel-${m.id}`}
                >
                  Cancel
                </button>
              </span>
            ) : (
              !m.installed && (
                <button
                  className="small"
                  disabled={download !== null || !engineReady}
                  onClick={() => void editor.models.download(m.id)}
                  data-testid={`model-download-${m.id}`}
                >
                  {m.state === 'partial' ? 'Resume' : 'Download'}
                </button>
              )
            )}
            {failure?.id === m.id && (
              <span className="model-failure small" data-testid={`model-failure-${m.id}`}>
                {failure.message}
              </span>
            )}
          </li>
        ))}
      </ul>
      <details>
        <summary>Import a model file</summary>
        <div className="import-row">
          <input
            placeholder="id (e.g. my-lama; default: from the file name)"
            value={importId}
            onChange={(e) => setImportId(e.target.value.trim())}
            data-testid="model-import-id"
            aria-label="Id of the imported model"
          />
          <button
            disabled={!engineReady}
            onClick={() =>
              editor.files.hasDialogs
                ? importId
                  ? void editor.models.importWithDialog(importId)
                  : editor.notify('info', 'Give the model an id first.')
                : fileInput.current?.click()
            }
            data-testid="model-import-button"
          >
            Choose an ONNX file…
          </button>
          <input
            ref={fileInput}
            type="file"
            accept=".onnx"
            hidden
            data-testid="model-import-input"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void importFile(f);
            }}
          />
        </div>
      </details>
      {engine && (
        <p className="muted small" title={unavailableProviders(engine)} data-testid="model-providers">
          Execution providers: {availableProviders(engine)}
        </p>
      )}
    </section>
  );
}
