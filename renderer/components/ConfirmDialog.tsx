/** The editor's question before work is lost (opening another image over unexported work). */
import { Dialog } from './Dialog';
import { useEditor, useEditorState } from './useEditor';

export function ConfirmDialog() {
  const editor = useEditor();
  const confirm = useEditorState((s) => s.confirm);
  if (!confirm) return null;
  return (
    <Dialog title={confirm.title} testId="confirm-dialog" onClose={() => editor.session.answer(false)}>
      <p className="dialog-text">{confirm.text}</p>
      <div className="dialog-buttons">
        <button onClick={() => editor.session.answer(false)} data-testid="confirm-cancel">
          Cancel
        </button>
        <button
          className="primary danger"
          onClick={() => editor.session.answer(true)}
          data-testid="confirm-ok"
        >
          {confirm.ok}
        </button>
      </div>
    </Dialog>
  );
}
