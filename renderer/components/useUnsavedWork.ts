/**
 * Lose nothing, in the page: leaving (reload, closing the tab) with unexported work asks first
 * (beforeunload), and the session goes to the engine as the page is hidden, so a reload brings it back.
 */
import { useEffect } from 'react';
import type { Editor } from '../state/editor';

export function useUnsavedWork(editor: Editor): void {
  useEffect(() => {
    const beforeUnload = (e: BeforeUnloadEvent) => {
      if (!editor.session.hasUnsavedWork()) return;
      e.preventDefault();
      // Older browsers show the dialog only when returnValue is set.
      e.returnValue = '';
    };
    const hide = () => void editor.session.saveNow();
    window.addEventListener('beforeunload', beforeUnload);
    window.addEventListener('pagehide', hide);
    return () => {
      window.removeEventListener('beforeunload', beforeUnload);
      window.removeEventListener('pagehide', hide);
    };
  }, [editor]);
}
