/**
 * The History list: the image as opened and each applied result, the current one marked; a click goes
 * back (or forward) to that step, as undo and redo would (applyControl.ts).
 */
import { useEditor, useEditorState } from './useEditor';

export function HistoryPanel() {
  const editor = useEditor();
  const applied = useEditorState((s) => s.applied);
  const name = useEditorState((s) => s.doc?.name ?? null);
  // Which steps undo and redo still reach changes with every edit: re-render on each.
  useEditorState((s) => s.maskVersion);
  if (name === null) return null;
  const rows = [
    { step: 0, label: `Opened ${name}` },
    ...applied.steps.map((label, i) => ({ step: i + 1, label: `${i + 1}. ${label}` })),
  ];
  return (
    <section className="panel history-panel" aria-label="History" data-testid="history-panel">
      <div className="panel-head">
        <h2>History</h2>
      </div>
      <ol className="history-steps">
        {rows.map((r) => {
          const current = r.step === applied.step;
          const reachable = current || editor.history.canGoToStep(r.step);
          return (
            <li key={r.step}>
              <button
                className={`history-step${current ? ' current' : ''}${r.step > applied.step ? ' undone' : ''}`}
                aria-current={current ? 'step' : undefined}
                disabled={!reachable}
                onClick={() => void editor.history.goToStep(r.step)}
                title={
                  current ? 'The image you are working on' : 'Go back to this step (undo reaches it too)'
                }
                data-testid={`history-step-${r.step}`}
              >
                {r.label}
              </button>
            </li>
          );
        })}
      </ol>
      {applied.steps.length === 0 && (
        <p className="muted hint">
          Apply a result (Enter) to keep it and work on from it; each is a step here.
        </p>
      )}
    </section>
  );
}
