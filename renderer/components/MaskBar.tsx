/** Mask operations and the overlay's look: select all, clear, invert, grow/shrink, import/export, colour, opacity. */
import { useRef, useState } from 'react';
import { exportMaskPng } from './ExportDialog';
import { decodeMaskFile } from './maskFile';
import { useEditor, useEditorState } from './useEditor';

export function MaskBar() {
  const editor = useEditor();
  const hasDoc = useEditorState((s) => s.doc !== null);
  const color = useEditorState((s) => s.maskColor);
  const opacity = useEditorState((s) => s.maskOpacity);
  const show = useEditorState((s) => s.showMask);
  const samplingTool = useEditorState((s) => s.tool === 'sampling');
  const samplingSet = useEditorState((s) => s.samplingSet);
  const exclude = useEditorState((s) => s.samplingExclude);
  const [grow, setGrow] = useState(8);
  const importInput = useRef<HTMLInputElement>(null);

  async function importMask(file: File) {
    const doc = editor.getSnapshot().doc;
    if (!doc) return;
    try {
      // Another size, or a mask already painted: the editor asks (MaskImportDialog).
      editor.masking.importImage(await decodeMaskFile(file));
    } catch {
      editor.notify('error', `${file.name} could not be read as a mask image.`);
    }
  }

  return (
    <div className="maskbar" role="toolbar" aria-label="Mask">
      <span className="caption">Mask</span>
      <button
        disabled={!hasDoc}
        onClick={() => editor.masking.fill()}
        data-testid="mask-fill"
        title="Select all: the whole image becomes the mask"
      >
        Select all
      </button>
      <button
        disabled={!hasDoc}
        onClick={() => editor.masking.clear()}
        data-testid="mask-clear"
        title="Clear (Delete)"
      >
        Clear
      </button>
      <button
        disabled={!hasDoc}
        onClick={() => editor.masking.invert()}
        data-testid="mask-invert"
        title="Invert (Ctrl+I)"
      >
        Invert
      </button>
      <span className="joined">
        <button
          disabled={!hasDoc}
          onClick={() => editor.masking.grow(-grow)}
          data-testid="mask-shrink"
          title="Shrink the hole by this many pixels"
        >
          Shrink
        </button>
        <input
          type="number"
          min={1}
          max={256}
          value={grow}
          onChange={(e) => setGrow(Math.max(1, Math.min(256, Math.round(Number(e.target.value) || 1))))}
          aria-label="Grow or shrink by (px)"
          data-testid="mask-grow-amount"
        />
        <button
          disabled={!hasDoc}
          onClick={() => editor.masking.grow(grow)}
          data-testid="mask-grow"
          title="Grow the hole by this many pixels"
        >
          Grow
        </button>
      </span>
      <button disabled={!hasDoc} onClick={() => importInput.current?.click()} data-testid="mask-import">
        Import mask…
      </button>
      <input
        ref={importInput}
        type="file"
        accept="image/*"
        hidden
        data-testid="mask-import-input"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) void importMask(f);
        }}
      />
      <button disabled={!hasDoc} onClick={() => void exportMaskPng(editor)}>
        Export mask
      </button>
      {/* Always laid out (the bar keeps its height as tools change, so the image does not jump). */}
      <span className="joined sampling-controls" role="group" aria-label="Sampling area">
        <span className="caption" title="The sampling area: where the fill may sample from, tinted violet">
          <span className="sampling-swatch" aria-hidden="true" />
          Sampling
        </span>
        <button
          className={`tool${samplingTool && !exclude ? ' active' : ''}`}
          aria-pressed={samplingTool && !exclude}
          disabled={!hasDoc}
          onClick={() => {
            editor.masking.setSamplingExclude(false);
            editor.masking.setTool('sampling');
          }}
          data-testid="sampling-include"
          title="Sampling area brush (A): brush in where the fill may sample from (Alt+drag: exclude)"
        >
          Include
        </button>
        <button
          className={`tool${samplingTool && exclude ? ' active' : ''}`}
          aria-pressed={samplingTool && exclude}
          disabled={!hasDoc}
          onClick={() => {
            editor.masking.setSamplingExclude(true);
            editor.masking.setTool('sampling');
          }}
          data-testid="sampling-exclude"
          title="Sampling area brush (A): brush out what the fill must not sample from (Alt+drag: include)"
        >
          Exclude
        </button>
        <button
          disabled={!samplingSet}
          onClick={() => editor.masking.resetSampling()}
          data-testid="sampling-reset"
          aria-label="Sample from anywhere"
          title="Sample from anywhere: clear the sampling area, so the fill samples from anywhere outside the hole"
        >
          Anywhere
        </button>
      </span>
      <span className="spacer" />
      <label title="Overlay colour">
        <input
          type="color"
          value={color}
          onChange={(e) => editor.masking.setOverlayStyle({ maskColor: e.target.value })}
        />
      </label>
      <label title="Overlay opacity">
        Opacity
        <input
          type="range"
          min={0}
          max={100}
          value={Math.round(opacity * 100)}
          onChange={(e) => editor.masking.setOverlayStyle({ maskOpacity: Number(e.target.value) / 100 })}
          data-testid="mask-opacity"
        />
      </label>
      <label>
        <input
          type="checkbox"
          checked={show}
          onChange={(e) => editor.masking.setOverlayStyle({ showMask: e.target.checked })}
        />
        Show
      </label>
    </div>
  );
}
