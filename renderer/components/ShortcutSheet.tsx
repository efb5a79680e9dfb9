/** The shortcut sheet (`?` or F1): every key and pointer modifier, from shortcuts.ts's SHORTCUT_SHEET. */
import { SHORTCUT_SHEET } from '../state/shortcuts';
import { Dialog } from './Dialog';
import { useEditor, useEditorState } from './useEditor';

export function ShortcutSheet() {
  const editor = useEditor();
  const open = useEditorState((s) => s.dialog === 'shortcuts');
  if (!open) return null;
  return (
    <Dialog title="Keyboard shortcuts" testId="shortcut-sheet" onClose={() => editor.setDialog(null)} wide>
      <div className="shortcut-groups">
        {SHORTCUT_SHEET.map((g) => (
          <section key={g.group}>
            <h3>{g.group}</h3>
            <dl>
              {g.lines.map((l) => (
                <div key={l.keys} className="shortcut-line">
                  <dt>
                    <kbd>{l.keys}</kbd>
                  </dt>
                  <dd>{l.does}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </Dialog>
  );
}
