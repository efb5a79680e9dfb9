/**
 * Files dropped anywhere on the window open in the editor: the window accepts the drop (a browser would
 * otherwise navigate to the file) and hands the first image to the editor, which opens it from its bytes
 * in a browser; in Electron the preload has already sent its path to main, which grants it and answers
 * with onFileDropped.
 */
import { useEffect } from 'react';
import type { Editor } from '../state/editor';
import { dragHasFiles, droppedImage } from './files';

export function useFileDrop(editor: Editor): void {
  useEffect(() => {
    const over = (e: DragEvent) => {
      if (!dragHasFiles(e.dataTransfer)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = (e: DragEvent) => {
      if (!dragHasFiles(e.dataTransfer)) return;
      e.preventDefault();
      void editor.files.drop(droppedImage(e.dataTransfer));
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, [editor]);
}
