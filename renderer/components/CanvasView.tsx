/**
 * The canvas area: hosts the fabric adapter, accepts dropped image files, and shows an empty state, the
 * engine banner and what is busy.
 */
import { useEffect, useRef, useState } from 'react';
import { mountCanvas } from '../canvas/canvasAdapter';
import { EngineBanner } from './EngineBanner';
import { droppedImage } from './files';
import { useEditor, useEditorState } from './useEditor';

export function CanvasView({ onOpen }: { onOpen: () => void }) {
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
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragOver(true);
      }}
      onDragLeave={() => setDragOver(false)}
      onDrop={async (e) => {
        e.preventDefault();
        setDragOver(false);
        const file = droppedImage(e.dataTransfer);
        if (file) await editor.openImageData(file.name, await file.arrayBuffer());
      }}
    >
      <div className="canvas-host" ref={host} tabIndex={0} data-testid="canvas-host" />
      {!hasDoc && (
        <div className="empty-state">
          <p>Drop a photo here, or</p>
          <button className="primary" onClick={onOpen}>
            Open an image…
          </button>
          <p className="hint">Then paint over what to remove and press Run.</p>
        </div>
      )}
      <EngineBanner />
      {busy && <div className="busy">{busy}</div>}
    </div>
  );
}
