/**
 * The canvas's overlay menu (issue 15 §4): switches for what the corrections chose — the picked
 * rectangles, block matching's sources and the per-hole labels — each with how many the last run has,
 * and a key to the rectangles' colours; and the tint of the user's own sampling area. The drawing is
 * renderer/canvas/overlaysLayer.ts (the sampling tint: canvasAdapter.ts).
 */
import { useMemo, useSyncExternalStore } from 'react';
import { RECT_COLOURS } from '../canvas/overlaysLayer';
import { OVERLAY_KINDS, overlayCounts, overlayShapes } from '../state/overlays';
import { useEditor, useEditorState } from './useEditor';

export function OverlayToggles() {
  const editor = useEditor();
  const on = useSyncExternalStore(editor.overlays.subscribe, editor.overlays.getSnapshot);
  const run = useEditorState((s) => s.run);
  const hasDoc = useEditorState((s) => s.doc !== null);
  const samplingSet = useEditorState((s) => s.samplingSet);
  const shapes = useMemo(() => overlayShapes(run), [run]);
  const counts = overlayCounts(shapes);
  if (!hasDoc) return null;
  const active = OVERLAY_KINDS.filter((k) => on[k.kind]).length;
  return (
    <details className="overlay-menu" data-testid="overlay-menu">
      <summary title="Show on the image what the corrections chose">
        Overlays{active ? ` (${active})` : ''}
      </summary>
      <div className="overlay-list">
        {OVERLAY_KINDS.map(({ kind, label }) => (
          <label key={kind} className={counts[kind] ? '' : 'empty'}>
            <input
              type="checkbox"
              checked={on[kind]}
              onChange={(e) => editor.overlays.set(kind, e.target.checked)}
              data-testid={`overlay-${kind}`}
            />
            {label} <span className="count">{counts[kind]}</span>
          </label>
        ))}
        <label title="The area the fill may sample from (the Sampling area tool, A), tinted violet">
          <input
            type="checkbox"
            checked={on.sampling}
            onChange={(e) => editor.overlays.set('sampling', e.target.checked)}
            data-testid="overlay-sampling"
          />
          Sampling area <span className="count">{samplingSet ? 'set' : 'anywhere'}</span>
        </label>
        {shapes.arrowsOmitted > 0 && on.sources && (
          <p className="hint">{shapes.arrowsOmitted} more blocks not drawn</p>
        )}
        {on.rects && shapes.rects.length > 0 && (
          <ul className="overlay-key">
            {shapes.rects.map((r, i) => (
              <li key={i} style={{ color: RECT_COLOURS[r.role] }}>
                {r.label}: {r.rect.width}×{r.rect.height} at {r.rect.x},{r.rect.y}
              </li>
            ))}
          </ul>
        )}
        {on.labels && shapes.labels.some((l) => l.detail) && (
          <ul className="overlay-key">
            {shapes.labels.map((l, i) => (
              <li key={i} title={l.detail}>
                {l.text}
                {l.detail ? `: ${l.detail}` : ''}
              </li>
            ))}
          </ul>
        )}
        {counts.rects + counts.sources + counts.labels === 0 && (
          <p className="hint">Run with the corrections on to see what they chose.</p>
        )}
      </div>
    </details>
  );
}
