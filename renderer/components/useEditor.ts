/** React's view of the editor: a context holding it, and hooks that read its snapshot. */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Editor, EditorState } from '../state/editor';

export const EditorContext = createContext<Editor | null>(null);

export function useEditor(): Editor {
  const editor = useContext(EditorContext);
  if (!editor) throw new Error('useEditor outside <EditorContext.Provider>');
  return editor;
}

/**
 * One field (or any value derived without allocating) of the editor's snapshot; the component
 * re-renders only when that value changes.
 */
export function useEditorState<T>(select: (s: EditorState) => T): T {
  const editor = useEditor();
  return useSyncExternalStore(editor.subscribe, () => select(editor.getSnapshot()));
}
