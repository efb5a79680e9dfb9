/** Installed models, the model runs use, downloads with progress and cancel, import by path, providers. */
import { useState } from 'react';
import { useEditor, useEditorState } from './useEditor';

function mb(bytes: number): string {
  return bytes > 0 ? `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB` : '';
}

export function ModelManager() {
  const editor = useEditor();
  const models = useEditorState((s) => s.models);
  const modelId = useEditorState((s) => s.modelId);
  const download = useEditorState((s) => s.download);
  const engine = useEditorState((s) => s.engine);
  const [importId, setImportId] = useState('');
  const [importPath, setImportPath] = useState('');
  const known = models.some((m) => m.id === modelId);
  return (
    <section className="panel model-manager" aria-label="Models">
      <div className="panel-head">
        <h2>Model</h2>
        <button className="small" onClick={() => void editor.refreshModels()} title="Refresh">
          ⟳
        </button>
      </div>
      <select
        value={modelId ?? ''}
        onChange={(e) => editor.selectModel(e.target.value || null)}
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
          <li key={m.id}>
            <span className="model-name" title={m.purpose}>
              {m.label}
              {m.isDefault ? ' ★' : ''}
            </span>
            <span className="muted">{m.installed ? 'installed' : m.state}</span>
            <span className="muted">{mb(m.bytes)}</span>
            {download?.id === m.id ? (
              <span className="download">
                <progress max={download.total || 1} value={download.received} />
                <button className="small" onClick={() => editor.cancelDownload()}>
                  Cancel
                </button>
              </span>
            ) : (
              !m.installed && (
                <button
                  className="small"
                  disabled={download !== null}
                  onClick={() => void editor.downloadModel(m.id)}
                >
                  Download
                </button>
              )
            )}
          </li>
        ))}
      </ul>
      <details>
        <summary>Import a model file</summary>
        <div className="import-row">
          <input
            placeholder="id (e.g. my-lama)"
            value={importId}
            onChange={(e) => setImportId(e.target.value)}
          />
          <input
            placeholder="/path/to/model.onnx"
            value={importPath}
            onChange={(e) => setImportPath(e.target.value)}
          />
          <button
            disabled={!importId || !importPath}
            onClick={() => void editor.importModel(importId, importPath)}
          >
            Import
          </button>
        </div>
      </details>
      {engine && <p className="muted small">Execution providers: {engine.providers.join(', ')}</p>}
    </section>
  );
}
