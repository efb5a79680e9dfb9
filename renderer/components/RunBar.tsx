/** Run and Cancel, and a progress bar per stage (cached stages say so). */
import { ApplyButton } from './ApplyButton';
import { stageFraction, type StageProgress } from '../state/runProgress';
import { useEditor, useEditorState } from './useEditor';

const STATE_TEXT: Record<StageProgress['state'], string> = {
  pending: 'waiting',
  running: 'running',
  done: 'done',
  cached: 'cached',
  cancelled: 'cancelled',
  error: 'failed',
};

function ms(v: number | null): string {
  if (v === null) return '';
  return v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`;
}

export function RunBar() {
  const editor = useEditor();
  const run = useEditorState((s) => s.run);
  const hasDoc = useEditorState((s) => s.doc !== null);
  const engine = useEditorState((s) => (s.connection === 'closed' ? 'closed' : s.engineStatus.health));
  const labels = useEditorState((s) => s.stageInfos);
  // A finished run's picture can take a moment to reach the screen (a large image's upload): "done" waits
  // for the canvas to say it drew it.
  const drawn = useEditorState((s) => s.resultShown >= s.resultVersion);
  const drawing = run.status === 'done' && !drawn;
  const running = run.status === 'running';
  const last = run.stages.length - 1;
  return (
    <div className="runbar" data-testid="runbar" data-status={drawing ? 'drawing' : run.status}>
      <button
        className="primary run"
        disabled={!hasDoc || engine !== 'ready'}
        onClick={() => void editor.runs.run()}
        data-testid="run-button"
        title={
          engine === 'restarting'
            ? 'The engine is restarting'
            : engine === 'ready'
              ? 'Run (Ctrl+Enter)'
              : 'The engine is not running'
        }
      >
        ▶ Run
      </button>
      <button
        disabled={!running}
        onClick={() => editor.runs.cancelRun()}
        data-testid="cancel-button"
        title="Cancel (Esc)"
      >
        ■ Cancel
      </button>
      <ApplyButton />
      <div className="stage-progress-list">
        {run.stages.map((s, i) => (
          <div
            key={`${s.name}-${i}`}
            className={`stage-progress ${s.state}`}
            data-testid={`progress-${s.name}`}
            data-state={s.state}
          >
            <span className="name">{labels.find((l) => l.name === s.name)?.label ?? s.name}</span>
            <span className="bar">
              <span className="fill" style={{ width: `${Math.round(stageFraction(s) * 100)}%` }} />
            </span>
            <span className="state">
              {drawing && i === last ? 'drawing…' : STATE_TEXT[s.state]}
              {s.state === 'running' && s.total > 0 ? ` ${s.step}/${s.total}` : ''}
              {s.ms !== null && (s.state === 'done' || s.state === 'cached') ? ` · ${ms(s.ms)}` : ''}
            </span>
          </div>
        ))}
        {run.stages.length === 0 && (
          <span className="muted">Paint a mask over what to remove, then Run.</span>
        )}
      </div>
      {run.status === 'done' && drawn && run.totalMs !== null && (
        <span className="total">Total {ms(run.totalMs)}</span>
      )}
      {run.error && (
        <span className="error" role="alert" data-testid="run-error">
          {run.error.message}
        </span>
      )}
    </div>
  );
}
