/** Apply (Enter): the shown result becomes the image to keep working on (applyControl.ts). */
import { useEditor, useEditorState } from './useEditor';

export function ApplyButton() {
  const editor = useEditor();
  const can = useEditorState((s) => s.doc !== null && s.run.status === 'done' && s.run.resultId !== null);
  return (
    <button
      className="primary apply"
      disabled={!can}
      onClick={() => void editor.history.apply()}
      title="Apply (Enter): keep this result; the next stroke and Run work on it"
      data-testid="apply-button"
    >
      ✓ Apply
    </button>
  );
}
