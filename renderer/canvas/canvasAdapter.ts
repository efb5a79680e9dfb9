/**
 * The drawing adapter: mounts the canvas's layers into the host and keeps them in line with the editor.
 * It owns no document state (the mask lives in the editor); it wires the canvas's parts:
 * - viewport.ts: the view's transform and size, and the zoom commands (View);
 * - input.ts: pointer and wheel gestures into editor calls and view changes (CanvasInput, bindInput);
 * - layers.ts: the photo layer (the original, the result or preview with the split's clip) and the marks
 *   layer (the tools' shapes, the brush outline, the divider), worked out as data and then painted;
 * - photoSources.ts: the rasters those show, uploaded without blocking input;
 * - tints.ts: the hole's and the sampling area's tints; overlaysLayer.ts: the corrections' overlays.
 * Plain Canvas 2D, no drawing package (docs/design-notes.md: "The canvas is plain Canvas 2D").
 *
 * Stacked canvases, so that a frame redraws only what changed: the photo (when the view, the rasters or
 * the split change); the tints at the view's resolution, of which a brush dab redraws its own box; the
 * overlays; and the marks, redrawn every frame (a few shapes).
 */
import type { Editor, EditorState } from '../state/editor';
import { CanvasInput, bindInput } from './input';
import { ViewCanvas, marks, paintMarks, paintPhoto, photoPlan } from './layers';
import { OverlayLayer } from './overlaysLayer';
import { PhotoSources } from './photoSources';
import { TintLayers } from './tints';
import { View } from './viewport';

export interface CanvasHandle {
  /** Removes the canvas and every listener. */
  dispose(): void;
}

/** Mounts the editor's canvas into `host` (an empty element sized by CSS). */
export function mountCanvas(host: HTMLElement, editor: Editor): CanvasHandle {
  const photo = new ViewCanvas();
  const tints = new TintLayers();
  const overlays = new OverlayLayer(editor, () => schedule());
  const marksLayer = new ViewCanvas('editor-canvas');
  host.append(photo.el, ...tints.elements, overlays.el, marksLayer.el);

  const view = new View((t) => {
    editor.view.setZoom(t[0]);
    schedule();
  });
  const input = new CanvasInput(editor, view);
  const sources = new PhotoSources(() => schedule());

  let last: EditorState = editor.getSnapshot();
  let frame = 0;
  /** What the photo layer was last drawn for (redrawn when it changes). */
  let photoDrawn = '';
  /** The resultVersion whose "after" is in `sources.after` (shown once the photo layer renders). */
  let afterLoaded = last.resultVersion;
  let shownReported = -1;
  /** The image the view was last fitted to. */
  let fittedImage = '';

  function resizeLayers(): void {
    const { width: w, height: h } = view;
    const dpr = window.devicePixelRatio || 1;
    for (const l of [photo, marksLayer, tints, overlays]) l.resize(w, h, dpr);
    photoDrawn = '';
  }
  view.resize(host.clientWidth, host.clientHeight, null);
  resizeLayers();

  editor.view.setViewport({
    fit() {
      const doc = editor.getSnapshot().doc;
      if (doc) view.fit(doc.width, doc.height);
    },
    actualSize: () => view.actualSize(),
    zoomBy(factor: number) {
      if (editor.getSnapshot().doc) view.zoomBy(factor);
    },
  });

  function schedule(): void {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  /** Brings the layers in line with the editor. */
  function draw(): void {
    frame = 0;
    const s = editor.getSnapshot();
    const doc = s.doc;
    const t = view.t;
    const viewKey = `${t.join(',')} ${view.width}x${view.height}`;
    // The shown "after": while a new raster uploads, the previous one stays on screen.
    const showAfter = sources.after !== null && !s.holdBefore;
    const splitOn = s.split && showAfter;
    const splitX = doc ? Math.round(s.splitAt * doc.width) : 0;
    const photoState = `${viewKey} ${sources.version} ${doc?.imageId} ${showAfter} ${splitOn ? splitX : -1}`;
    if (photoState !== photoDrawn) {
      const plan = photoPlan({
        doc,
        before: sources.beforeShown ? sources.before : null,
        after: showAfter ? sources.after : null,
        splitX: splitOn ? splitX : null,
      });
      paintPhoto(photo.ctx, photo.el, photo.dpr, t, plan);
      photoDrawn = photoState;
    }
    if (!doc) {
      tints.hide();
      overlays.draw(t);
      paintMarks(marksLayer.ctx, marksLayer.el, marksLayer.dpr, []);
      return;
    }
    // The result is on screen once this frame is presented: the run bar may say done.
    if (afterLoaded === s.resultVersion && shownReported !== afterLoaded) {
      shownReported = afterLoaded;
      const v = afterLoaded;
      requestAnimationFrame(() => editor.resultDisplayed(v));
    }
    const samplingOn = editor.overlays.getSnapshot().sampling;
    tints.draw(editor.mask, { s, samplingOn, splitOn, t, viewKey });
    overlays.draw(t);
    const brushAt = input.brushCursor() ? input.pointer : null;
    const list = marks({ state: s, t, viewHeight: view.height, split: splitOn, brushAt });
    paintMarks(marksLayer.ctx, marksLayer.el, marksLayer.dpr, list);
    host.style.cursor = input.cursor();
  }

  /**
   * The original (or a new base): a new image is fitted, and shown once its upload is complete
   * (data-display="ready"); a new base of the same image (Apply, undo of one) keeps the view and shows
   * the previous base until the new one is in.
   */
  function loadImage(): void {
    const doc = editor.getSnapshot().doc;
    const raster = editor.beforeRaster;
    if (!doc || !raster) return;
    tints.reset(doc.width, doc.height);
    if (doc.imageId !== fittedImage) {
      fittedImage = doc.imageId;
      sources.hideBefore();
      view.fit(doc.width, doc.height);
    }
    host.dataset.display = 'loading';
    sources.loadBefore(raster, () => (host.dataset.display = 'ready'));
  }

  /** The result or a live preview; `afterLoaded` then says which resultVersion the canvas shows. */
  function loadAfter(version: number): void {
    sources.loadAfter(editor.afterRaster, () => {
      afterLoaded = version;
      host.dataset.afterVersion = String(version);
    });
  }

  const unsubscribe = editor.subscribe(() => {
    const s = editor.getSnapshot();
    if (s.imageVersion !== last.imageVersion) loadImage();
    if (s.resultVersion !== last.resultVersion) loadAfter(s.resultVersion);
    last = s;
    schedule();
  });

  const unbind = bindInput(host, input, schedule);

  const resize = new ResizeObserver(() => {
    if (!view.resize(host.clientWidth, host.clientHeight, editor.getSnapshot().doc)) return;
    resizeLayers();
    schedule();
  });
  resize.observe(host);

  // An image opened before the canvas mounted.
  if (last.doc) {
    loadImage();
    loadAfter(last.resultVersion);
  }
  schedule();

  return {
    dispose() {
      unsubscribe();
      unbind();
      resize.disconnect();
      if (frame) cancelAnimationFrame(frame);
      editor.view.setViewport(null);
      sources.dispose();
      for (const el of [photo.el, ...tints.elements, marksLayer.el]) el.remove();
      overlays.dispose();
    },
  };
}
