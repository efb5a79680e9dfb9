/**
 * The canvas area: hosts the canvas adapter, highlights a file dragged over it (the window opens dropped
 * files: useFileDrop), and shows an empty state, the engine banner and what is busy.
 */
import { useEffect, useRef, useState } from 'react';
import { mountCanvas } from '../canvas/canvasAdapter';
import { EngineBanner } from './EngineBanner';
import { dragHasFiles } from './files';
import { OverlayToggles } from './OverlayToggles';
import { TryValuesStrip } from './TryValues';
import { useEditor, useEditorState } from './useEditor';

export function CanvasView() {
  const editor = useEditor();
  const host = useRef<HTMLDivElement>(null);
  const hasDoc = useEditorState((s) => s.doc !== null);
  const busy = useEditorState((s) => s.busy);
  const [dragOver, setDragOver] = useState(false);

  useEffect(() => {
    const handle = mountCanvas(host.current!, editor);
    return () => handle.dispose();
  }, [editor]);

  return (
    <div
      className={`canvas-area${dragOver ? ' drag-over' : ''}`}
      onDragOver={(e) => {
        if (dragHasFiles(e.dataTransfer)) setDragOver(true);
      }}
      onDragLeave={() => setDragOver(false)}
      onDrop={() => setDragOver(false)}
    >
      <div className="canvas-host" ref={host} tabIndex={0} data-testid="canvas-host" />
      {!hasDoc && (
        <div className="empty-state">
          <p>Drop a photo here, or</p>
          <button className="primary" onClick={() => void editor.files.open()} data-testid="empty-open">
            Open an image…
          </button>
          <p className="hint">Then paint over what to remove and press Run.</p>
        </div>
      )}
      <EngineBanner />
      <OverlayToggles />
      <TryValuesStrip />
      {busy && <div className="busy">{busy}</div>}
    </div>
  );
}
