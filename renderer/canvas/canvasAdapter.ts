/**
 * The drawing adapter: mounts the canvas's layers into the host and keeps them in line with the editor —
 * the original, the result (or a live preview), the mask and sampling tints, the corrections' overlays,
 * a tool's shape, the brush outline and the before/after divider. It owns no document state: the mask
 * lives in the editor; only its dirty box is repainted here. Its parts: viewport.ts (the view transform
 * and the zoom commands), input.ts (pointer and wheel gestures), layers.ts (the photo and marks layers),
 * rasters.ts (uploads and the mask layers), overlaysLayer.ts. Plain Canvas 2D (docs/design-notes.md 19).
 *
 * Stacked canvases, so that a frame redraws only what changed: the photo (redrawn when the view, the
 * rasters or the split change); the sampling and mask tints at the view's resolution (MaskLayer), of
 * which a brush dab redraws its own box; the overlays; and the marks, redrawn every frame (a few shapes).
 */
import type { Editor, EditorState } from '../state/editor';
import { CanvasInput, bindInput } from './input';
import { ViewCanvas, marks, paintMarks, paintPhoto, photoPlan } from './layers';
import { OverlayLayer } from './overlaysLayer';
import { MaskLayer, MaskOverlay, RasterUploader, type Drawable } from './rasters';
import { View } from './viewport';

/**
 * The sampling area's tint and its opacity: violet, apart from the hole's red, the overlays' cyan, green
 * and yellow, and from the sky and foliage most photos hold (Content-Aware Fill's green vanished on grass).
 * The mask bar's swatch (.sampling-swatch in styles.css) shows the same colour.
 */
const SAMPLING_COLOUR = '#bf5af2';
const SAMPLING_OPACITY = 0.4;

export interface CanvasHandle {
  /** Removes the canvas and every listener. */
  dispose(): void;
}

/** Mounts the editor's canvas into `host` (an empty element sized by CSS). */
export function mountCanvas(host: HTMLElement, editor: Editor): CanvasHandle {
  const dpr = () => window.devicePixelRatio || 1;
  const photo = new ViewCanvas();
  // The sampling area's tint (where the fill may sample from), under the hole's overlay.
  const samplingLayer = new MaskLayer();
  samplingLayer.el.setAttribute('data-testid', 'sampling-layer');
  samplingLayer.el.style.opacity = String(SAMPLING_OPACITY);
  const maskLayer = new MaskLayer();
  const overlayLayer = new OverlayLayer(editor, () => schedule());
  const marksLayer = new ViewCanvas('editor-canvas');
  host.append(photo.el, samplingLayer.el, maskLayer.el, overlayLayer.el, marksLayer.el);

  const view = new View((t) => {
    editor.setZoom(t[0]);
    schedule();
  });
  const input = new CanvasInput(editor, view);

  let before: Drawable | null = null;
  let after: Drawable | null = null;
  const uploader = new RasterUploader();
  /** Whether the before raster is ready to show (false while a new image's first upload runs). */
  let beforeShown = false;
  /** Bumped per upload started: an upload that is no longer the latest stops between strips. */
  let beforeToken = 0;
  let afterToken = 0;
  let overlay: MaskOverlay | null = null;
  let samplingOverlay: MaskOverlay | null = null;

  let last: EditorState = editor.getSnapshot();
  let frame = 0;
  let fullMaskRepaint = true;
  /** Whether the sampling tint was last painted for a set area (null: repaint all of it). */
  let samplingPainted: boolean | null = null;
  /** What the photo layer and the mask layers were last drawn for (redrawn when it changes). */
  let photoDrawn = '';
  let maskViewDrawn = '';
  let samplingViewDrawn = '';
  /** Bumped when the before or after raster is replaced. */
  let rasters = 0;
  /** The resultVersion whose "after" is in `after` (drawn once the photo layer renders). */
  let afterLoaded = last.resultVersion;
  let shownReported = -1;

  function resizeLayers(): void {
    const { width: w, height: h } = view;
    const r = dpr();
    for (const l of [photo, marksLayer, maskLayer, samplingLayer, overlayLayer]) l.resize(w, h, r);
    photoDrawn = maskViewDrawn = samplingViewDrawn = '';
  }
  view.resize(host.clientWidth, host.clientHeight, null);
  resizeLayers();

  editor.setViewport({
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
    const view_ = `${t.join(',')} ${view.width}x${view.height}`;
    // The shown "after": while a new raster uploads, the previous one stays on screen.
    const showAfter = after !== null && !s.holdBefore;
    const splitOn = s.split && showAfter;
    const splitX = doc ? Math.round(s.splitAt * doc.width) : 0;
    const photoState = `${view_} ${rasters} ${doc?.imageId} ${showAfter} ${splitOn ? splitX : -1}`;
    if (photoState !== photoDrawn) {
      const plan = photoPlan({
        doc,
        before: beforeShown ? before : null,
        after: showAfter ? after : null,
        splitX: splitOn ? splitX : null,
      });
      paintPhoto(photo.ctx, photo.el, photo.dpr, t, plan);
      photoDrawn = photoState;
    }
    if (!doc) {
      maskLayer.el.style.visibility = 'hidden';
      samplingLayer.el.style.visibility = 'hidden';
      overlayLayer.draw(t);
      paintMarks(marksLayer.ctx, marksLayer.el, marksLayer.dpr, []);
      return;
    }
    // The result is on screen once this frame is presented: the run bar may say done.
    if (afterLoaded === s.resultVersion && shownReported !== afterLoaded) {
      shownReported = afterLoaded;
      const v = afterLoaded;
      requestAnimationFrame(() => editor.resultDisplayed(v));
    }
    drawMask(s, view_, splitOn);
    drawSampling(s, view_, splitOn);
    overlayLayer.draw(t);
    const brushAt = input.brushCursor() ? input.pointer : null;
    const list = marks({ state: s, t, viewHeight: view.height, split: splitOn, brushAt });
    paintMarks(marksLayer.ctx, marksLayer.el, marksLayer.dpr, list);
    host.style.cursor = input.cursor();
  }

  /** The hole's tint: all of it when the view or the colour changed, else the mask's dirty box. */
  function drawMask(s: EditorState, view_: string, splitOn: boolean): void {
    const m = editor.mask;
    if (!overlay) {
      maskLayer.el.style.visibility = 'hidden';
      return;
    }
    if (overlay.setColor(s.maskColor)) fullMaskRepaint = true;
    if (m) {
      const dirty = m.mask.takeDirty();
      // A full repaint clears and paints only what the mask covers (nothing, for a new image).
      if (fullMaskRepaint) overlay.repaintAll(m.mask.data, m.mask.bounds());
      else if (dirty) overlay.paint(m.mask.data, dirty);
      if (fullMaskRepaint || view_ !== maskViewDrawn) maskLayer.draw(overlay, view.t, null);
      else if (dirty) maskLayer.draw(overlay, view.t, dirty);
      maskViewDrawn = view_;
      fullMaskRepaint = false;
    }
    // The split view compares pixels: the overlay would cover the fill on the after side.
    const visible = s.showMask && !s.holdBefore && !splitOn;
    maskLayer.el.style.visibility = visible ? '' : 'hidden';
    maskLayer.el.style.opacity = String(s.maskOpacity);
  }

  /**
   * The sampling area's tint: the area the fill may sample from, once one is set (an image that samples
   * anywhere shows none). Drawn from the exclusion bytes (inverted), a dab's box at a time while painting;
   * all of it when the area becomes set or cleared.
   */
  function drawSampling(s: EditorState, view_: string, splitOn: boolean): void {
    const m = editor.mask;
    if (!samplingOverlay || !m) {
      samplingLayer.el.style.visibility = 'hidden';
      return;
    }
    const set = m.samplingSet;
    const dirty = m.exclusion.takeDirty();
    if (set !== samplingPainted) {
      samplingOverlay.repaintAll(m.exclusion.data, set ? m.exclusion.full : null);
      samplingLayer.draw(samplingOverlay, view.t, null);
      samplingPainted = set;
    } else if (set && dirty) {
      samplingOverlay.paint(m.exclusion.data, dirty);
      samplingLayer.draw(samplingOverlay, view.t, view_ === samplingViewDrawn ? dirty : null);
    } else if (view_ !== samplingViewDrawn) samplingLayer.draw(samplingOverlay, view.t, null);
    samplingViewDrawn = view_;
    const visible = set && editor.overlays.getSnapshot().sampling && !s.holdBefore && !splitOn;
    samplingLayer.el.style.visibility = visible ? '' : 'hidden';
    samplingLayer.el.dataset.set = String(set);
  }

  /** The image the view was last fitted to. */
  let fittedImage = '';
  /**
   * The original (or a new base) into a fresh drawable, uploaded in strips without blocking input (a
   * 17.9 MP photo is 72 MB of pixels); the canvas shows it once complete (data-display="ready").
   */
  function loadImage(): void {
    const doc = editor.getSnapshot().doc;
    const raster = editor.beforeRaster;
    if (!doc || !raster) return;
    const token = ++beforeToken;
    overlay = new MaskOverlay(doc.width, doc.height);
    fullMaskRepaint = true;
    samplingOverlay = new MaskOverlay(doc.width, doc.height, true);
    samplingOverlay.setColor(SAMPLING_COLOUR);
    samplingPainted = null;
    // A new image is fitted; a new base of the same image (Apply, undo of one) keeps the view and shows
    // the previous base until the new one is in.
    if (doc.imageId !== fittedImage) {
      fittedImage = doc.imageId;
      beforeShown = false;
      rasters++;
      view.fit(doc.width, doc.height);
    }
    host.dataset.display = 'loading';
    void uploader
      .upload(raster, () => token !== beforeToken)
      .then((drawable) => {
        if (!drawable || token !== beforeToken) return;
        if (before instanceof ImageBitmap) before.close();
        before = drawable;
        beforeShown = true;
        rasters++;
        host.dataset.display = 'ready';
        schedule();
      });
  }

  /**
   * The result or a live preview into a fresh drawable, in strips as loadImage; the previous one stays on
   * screen until it is complete, then `afterLoaded` says which resultVersion the canvas shows.
   */
  function loadAfter(version: number): void {
    const raster = editor.afterRaster;
    const token = ++afterToken;
    if (!raster) {
      if (after instanceof ImageBitmap) after.close();
      after = null;
      rasters++;
      afterLoaded = version;
      host.dataset.afterVersion = String(version);
      return;
    }
    void uploader
      .upload(raster, () => token !== afterToken)
      .then((drawable) => {
        if (!drawable || token !== afterToken) return;
        if (after instanceof ImageBitmap) after.close();
        after = drawable;
        rasters++;
        afterLoaded = version;
        host.dataset.afterVersion = String(version);
        schedule();
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
      editor.setViewport(null);
      uploader.dispose();
      for (const d of [before, after]) if (d instanceof ImageBitmap) d.close();
      photo.el.remove();
      maskLayer.el.remove();
      samplingLayer.el.remove();
      overlayLayer.dispose();
      marksLayer.el.remove();
    },
  };
}
