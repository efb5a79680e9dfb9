/** The editor's layout: toolbar, mask bar, canvas, stage and model panels, run bar, status bar. */
import { useRef } from 'react';
import type { Editor } from './state/editor';
import { CanvasView } from './components/CanvasView';
import { MaskBar } from './components/MaskBar';
import { ModelManager } from './components/ModelManager';
import { RunBar } from './components/RunBar';
import { StagePanel } from './components/StagePanel';
import { StatusBar } from './components/StatusBar';
import { Toolbar } from './components/Toolbar';
import { EditorContext } from './components/useEditor';
import { useKeyboard } from './components/useKeyboard';

export function App({ editor }: { editor: Editor }) {
  const openInput = useRef<HTMLInputElement>(null);
  useKeyboard(editor);
  const open = () => openInput.current?.click();
  return (
    <EditorContext.Provider value={editor}>
      <div className="app">
        <Toolbar onOpen={open} />
        <MaskBar />
        <div className="workspace">
          <CanvasView onOpen={open} />
          <aside className="side">
            <StagePanel />
            <ModelManager />
          </aside>
        </div>
        <RunBar />
        <StatusBar />
        <input
          ref={openInput}
          type="file"
          accept="image/*,.tif,.tiff"
          hidden
          data-testid="open-input"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) await editor.openImageData(file.name, await file.arrayBuffer());
          }}
        />
      </div>
    </EditorContext.Provider>
  );
}
