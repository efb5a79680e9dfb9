/** Image size, zoom, device, the last run's time, and the latest notice. */
import { stageInfo } from '../../app/common/stageInfo';
import { fillExplanation } from '../state/modelControl';
import { deviceLabel } from '../state/providers';
import { useEditor, useEditorState } from './useEditor';

const CONN_TEXT = {
  connecting: 'Connecting',
  ready: 'Engine',
  closed: 'Disconnected',
  restarting: 'Engine restarting',
  failed: 'Engine stopped',
} as const;

export function StatusBar() {
  const editor = useEditor();
  const doc = useEditorState((s) => s.doc);
  const zoom = useEditorState((s) => s.zoom);
  const run = useEditorState((s) => s.run);
  const connection = useEditorState((s) => s.connection);
  const health = useEditorState((s) => s.engineStatus.health);
  const notice = useEditorState((s) => s.notice);
  const holdBefore = useEditorState((s) => s.holdBefore);
  const engine = useEditorState((s) => s.engine);
  const device = deviceLabel({ run, engine });
  const fillInfo = stageInfo(run.stages, 'lama');
  const engineLine = fillInfo?.engine;
  const fillSetting = useEditorState((s) => s.stages[0]?.values.engine);
  const models = useEditorState((s) => s.models);
  const conn = connection === 'ready' ? health : connection;
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span className={`conn ${conn}`} title={`Engine: ${conn}`} data-testid="status-engine">
        ● {CONN_TEXT[conn]}
      </span>
      {doc ? (
        <span data-testid="status-image">
          {doc.name} · {doc.width}×{doc.height} · {doc.format.toUpperCase()} {doc.bitDepth}-bit
        </span>
      ) : (
        <span className="muted">No image</span>
      )}
      {doc && <span data-testid="status-zoom">{Math.round(zoom * 100)}%</span>}
      <span data-testid="status-device">Device: {device}</span>
      {typeof engineLine === 'string' && (
        <span
          className="has-tip"
          title={fillExplanation(fillInfo, fillSetting, models)}
          tabIndex={0}
          data-testid="status-fill"
        >
          Fill: {engineLine}
        </span>
      )}
      {run.totalMs !== null && <span>Last run: {(run.totalMs / 1000).toFixed(2)} s</span>}
      {holdBefore && <span className="badge">Original</span>}
      <span className="spacer" />
      {notice && (
        <span className={`notice ${notice.kind}`} data-testid="notice" onClick={() => editor.clearNotice()}>
          {notice.text}
        </span>
      )}
    </footer>
  );
}
