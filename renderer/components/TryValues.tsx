/**
 * "Try values" (issue 15 §9): a button beside a numeric slider, and the strip of results it opens at
 * the bottom of the canvas — about five values spread over the slider's own scale, each the hole's
 * region as the engine renders it; a click sets the value. The state is renderer/state/tryValues.ts.
 */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { formatValue, type ParamInfo } from '../state/params';
import { nearestIndex } from '../state/tryValues';
import type { Raster } from '../state/editor';
import { useEditor, useEditorState } from './useEditor';

function useTryStrip() {
  const editor = useEditor();
  return useSyncExternalStore(editor.tryValues.subscribe, () => editor.tryValues.getSnapshot().strip);
}

/** The slider's "Try values" button (a second press closes the strip). */
export function TryValuesButton({
  stage,
  decl,
  disabled,
}: {
  stage: string;
  decl: ParamInfo;
  disabled?: boolean;
}) {
  const editor = useEditor();
  const strip = useTryStrip();
  const hasDoc = useEditorState((s) => s.doc !== null);
  const open = strip?.stage === stage && strip.param === decl.name;
  return (
    <button
      className={`try-values${open ? ' active' : ''}`}
      disabled={disabled || !hasDoc}
      title="Show the hole at five values of this setting; click one to use it"
      aria-pressed={open}
      onClick={() => (open ? editor.tryValues.close() : void editor.tryValues.start(stage, decl.name))}
      data-testid={`param-${stage}-${decl.name}-try`}
    >
      Try values
    </button>
  );
}

function Thumb({ raster }: { raster: Raster }) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const c = ref.current;
    if (!c) return;
    c.width = raster.width;
    c.height = raster.height;
    c.getContext('2d')?.putImageData(
      new ImageData(new Uint8ClampedArray(raster.rgba), raster.width, raster.height),
      0,
      0,
    );
  }, [raster]);
  return <canvas ref={ref} />;
}

/** The strip, over the bottom of the canvas while one is open. */
export function TryValuesStrip() {
  const editor = useEditor();
  const strip = useTryStrip();
  const current = useEditorState((s) =>
    strip ? s.stages.find((x) => x.name === strip.stage)?.values[strip.param] : undefined,
  );
  if (!strip) return null;
  const marked = typeof current === 'number' ? nearestIndex(strip.decl, strip.values, current) : -1;
  const ready = strip.previews.filter(Boolean).length;
  return (
    <div
      className="try-strip"
      role="region"
      aria-label={`Try values: ${strip.title}`}
      data-testid="try-strip"
    >
      <div className="try-head">
        <span>
          {strip.title}
          {strip.decl.log ? ' (log scale)' : ''}
        </span>
        <span className="try-status" data-testid="try-status">
          {strip.status === 'running'
            ? `Rendering ${ready + 1 > strip.values.length ? strip.values.length : ready + 1} of ${strip.values.length}…`
            : strip.status === 'error'
              ? strip.error
              : 'Click one to use it'}
        </span>
        <button className="close" aria-label="Close try values" onClick={() => editor.tryValues.close()}>
          ×
        </button>
      </div>
      <div className="try-items">
        {strip.values.map((v, i) => {
          const p = strip.previews[i];
          return (
            <button
              key={i}
              className={`try-item${i === marked ? ' current' : ''}`}
              disabled={!p}
              onClick={() => editor.tryValues.pick(i)}
              title={`Use ${formatValue(strip.decl, v)}`}
              data-testid={`try-item-${i}`}
            >
              {p ? <Thumb raster={p} /> : <span className="pending">…</span>}
              <span className="try-value">{formatValue(strip.decl, v)}</span>
            </button>
          );
        })}
      </div>
    </div>
  );
}
