/** Binds the editor's shortcuts to the window (not while typing into a field). */
import { useEffect } from 'react';
import type { Editor } from '../state/editor';
import { commandForKey } from '../state/shortcuts';

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['range', 'checkbox', 'radio', 'button', 'color', 'file'].includes(type);
  }
  return false;
}

export function useKeyboard(editor: Editor): void {
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (typing(e.target) && e.key !== 'Escape') return;
      const cmd = commandForKey({
        key: e.key,
        mod: e.ctrlKey || e.metaKey,
        shift: e.shiftKey,
        alt: e.altKey,
      });
      if (!cmd) return;
      // A dialog is open: only Escape (closes it) and the sheet's own key reach the editor.
      const s = editor.getSnapshot();
      if ((s.dialog || s.pendingMaskImport || s.confirm) && cmd !== 'escape' && cmd !== 'help:shortcuts')
        return;
      e.preventDefault();
      if (e.repeat && (cmd === 'hold:pan' || cmd === 'hold:before' || cmd === 'undo' || cmd === 'redo')) {
        if (cmd === 'undo' || cmd === 'redo') editor.execute(cmd);
        return;
      }
      editor.execute(cmd, true);
    };
    const up = (e: KeyboardEvent) => {
      const cmd = commandForKey({ key: e.key });
      if (cmd === 'hold:pan' || cmd === 'hold:before') {
        e.preventDefault();
        editor.execute(cmd, false);
      }
    };
    const blur = () => {
      editor.execute('hold:pan', false);
      editor.execute('hold:before', false);
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', blur);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', blur);
    };
  }, [editor]);
}
