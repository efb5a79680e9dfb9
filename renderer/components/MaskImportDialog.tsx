/** The question a mask import asks: resize a mask of another size, or cancel; add to the mask or replace it. */
import { maskImportMessage } from '../state/maskImport';
import { Dialog } from './Dialog';
import { useEditor, useEditorState } from './useEditor';

export function MaskImportDialog() {
  const editor = useEditor();
  const pending = useEditorState((s) => s.pendingMaskImport);
  const doc = useEditorState((s) => s.doc);
  if (!pending || !doc) return null;
  const resize = pending.sizeDiffers;
  return (
    <Dialog
      title="Import mask"
      testId="mask-import-dialog"
      onClose={() => editor.masking.answerImport('cancel')}
    >
      <p className="dialog-text">{maskImportMessage(pending, doc.width, doc.height)}</p>
      <div className="dialog-buttons">
        {pending.maskHasContent && (
          <button onClick={() => editor.masking.answerImport('add')} data-testid="mask-import-add">
            {resize ? 'Resize and add' : 'Add to mask'}
          </button>
        )}
        <button
          className="primary"
          onClick={() => editor.masking.answerImport('replace')}
          data-testid="mask-import-replace"
        >
          {pending.maskHasContent ? (resize ? 'Resize and replace' : 'Replace mask') : 'Resize and import'}
        </button>
        <button onClick={() => editor.masking.answerImport('cancel')} data-testid="mask-import-cancel">
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
