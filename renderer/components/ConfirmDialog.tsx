/** The editor's question before work is lost (opening another image over unexported work). */
import { Dialog } from './Dialog';
import { useEditor, useEditorState } from './useEditor';

export function ConfirmDialog() {
  const editor = useEditor();
  const confirm = useEditorState((s) => s.confirm);
  if (!confirm) return null;
  return (
    <Dialog title={confirm.title} testId="confirm-dialog" onClose={() => editor.answerConfirm(false)}>
      <p className="dialog-text">{confirm.text}</p>
      <div className="dialog-buttons">
        <button onClick={() => editor.answerConfirm(false)} data-testid="confirm-cancel">
          Cancel
        </button>
        <button
          className="primary danger"
          onClick={() => editor.answerConfirm(true)}
          data-testid="confirm-ok"
        >
          {confirm.ok}
        </button>
      </div>
    </Dialog>
  );
}
