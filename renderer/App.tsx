/** The editor's layout: toolbar, mask bar, canvas, stage and model panels, run bar, status bar. */
import { useEffect, useRef } from 'react';
import type { Editor } from './state/editor';
import { CanvasView } from './components/CanvasView';
import { ConfirmDialog } from './components/ConfirmDialog';
import { downloadBytes } from './components/files';
import { ExportDialog } from './components/ExportDialog';
import { MaskImportDialog } from './components/MaskImportDialog';
import { ShortcutSheet } from './components/ShortcutSheet';
import { HistoryPanel } from './components/HistoryPanel';
import { MaskBar } from './components/MaskBar';
import { ModelManager } from './components/ModelManager';
import { RunBar } from './components/RunBar';
import { StagePanel } from './components/StagePanel';
import { StatusBar } from './components/StatusBar';
import { Toolbar } from './components/Toolbar';
import { EditorContext } from './components/useEditor';
import { useFileDrop } from './components/useFileDrop';
import { useKeyboard } from './components/useKeyboard';
import { useUnsavedWork } from './components/useUnsavedWork';

export function App({ editor }: { editor: Editor }) {
  const openInput = useRef<HTMLInputElement>(null);
  useKeyboard(editor);
  useFileDrop(editor);
  // Reload, closing the tab: unexported work asks first; the session goes to the engine.
  useUnsavedWork(editor);
  // Where there are no native dialogs (the browser host), Open is this file input and Export a download.
  useEffect(() => {
    editor.files.setPageFiles({
      pickImage: () => openInput.current?.click(),
      save: (file) => downloadBytes(file.name, file.mime, file.bytes),
    });
    return () => editor.files.setPageFiles(null);
  }, [editor]);
  // Copy result: the async clipboard (Chromium and Electron take PNG).
  useEffect(() => {
    editor.exports.setClipboard(async (file) => {
      const blob = new Blob([file.bytes], { type: file.mime });
      await navigator.clipboard.write([new ClipboardItem({ [file.mime]: blob })]);
    });
    return () => editor.exports.setClipboard(null);
  }, [editor]);
  return (
    <EditorContext.Provider value={editor}>
      <div className="app">
        <Toolbar />
        <MaskBar />
        <div className="workspace">
          <CanvasView />
          <aside className="side">
            <StagePanel />
            <HistoryPanel />
            <ModelManager />
          </aside>
        </div>
        <RunBar />
        <StatusBar />
        <ShortcutSheet />
        <ExportDialog />
        <MaskImportDialog />
        <ConfirmDialog />
        <input
          ref={openInput}
          type="file"
          accept="image/*,.tif,.tiff"
          hidden
          data-testid="open-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            // openImageData reports its own failures; a file that cannot even be read is reported here.
            if (file)
              file.arrayBuffer().then(
                (bytes) => editor.openImageData(file.name, bytes),
                () => editor.notify('error', `${file.name} could not be read.`),
              );
          }}
        />
      </div>
    </EditorContext.Provider>
  );
}
