/**
 * The drawing adapter: the only module that imports fabric. It draws what the editor holds — the
 * original, the result (or a live preview), the mask overlay, a tool's preview shape, the brush cursor
 * and the before/after divider — and turns pointer, wheel and key-held gestures into editor calls.
 * It owns no document state: the mask lives in the editor; only its dirty box is repainted here.
 *
 * Three stacked canvases, so that a frame redraws only what changed: the photo (the original and the
 * result or preview, with the split's clip), redrawn when the view, the rasters or the split change;
 * the mask overlay at the view's resolution (MaskLayer), of which a brush dab redraws its own box; and
 * the tools' marks (cursor, divider, shapes), redrawn every frame — a few vector shapes. Before this,
 * every frame of a brush stroke scaled the 8 MP photo and the 8 MP overlay down to the view again.
 */
import { Circle, FabricImage, Polyline, Rect, StaticCanvas, type FabricObject } from 'fabric';
import type { Editor, EditorState } from '../state/editor';
import { OverlayLayer } from './overlaysLayer';
import { MaskLayer, MaskOverlay, RasterUploader, type Drawable } from './rasters';
import {
  actualSizeTransform,
  fitTransform,
  pan,
  toImage,
  toView,
  wheelZoom,
  zoomAt,
  type Transform,
} from './viewport';

const TOP_LEFT = { originX: 'left', originY: 'top' } as const;
const INERT = { ...TOP_LEFT, selectable: false, evented: false, objectCaching: false } as const;
/**
 * The sampling area's tint and its opacity: violet, apart from the hole's red, the overlays' cyan, green
 * and yellow, and from the sky and foliage most photos hold (Content-Aware Fill's green vanished on grass).
 * The mask bar's swatch (.sampling-swatch in styles.css) shows the same colour.
 */
const SAMPLING_COLOUR = '#bf5af2';
const SAMPLING_OPACITY = 0.4;
/** How near (CSS px) the pointer must be to grab the split divider. */
const DIVIDER_GRAB = 10;

type Drag =
  { kind: 'pan'; x: number; y: number } | { kind: 'divider' } | { kind: 'tool'; pointerId: number } | null;

export interface CanvasHandle {
  /** Removes the canvas and every listener. */
  dispose(): void;
}

/** Mounts the editor's canvas into `host` (an empty element sized by CSS). */
export function mountCanvas(host: HTMLElement, editor: Editor): CanvasHandle {
  const width = Math.max(1, host.clientWidth);
  const height = Math.max(1, host.clientHeight);
  const photoEl = document.createElement('canvas');
  host.appendChild(photoEl);
  const photo = new StaticCanvas(photoEl, {
    width,
    height,
    backgroundColor: '#1b1d21',
    renderOnAddRemove: false,
    skipOffscreen: false,
  });
  // The sampling area's tint (where the fill may sample from), under the hole's overlay.
  const samplingLayer = new MaskLayer();
  samplingLayer.resize(width, height, photo.getRetinaScaling());
  samplingLayer.el.setAttribute('data-testid', 'sampling-layer');
  samplingLayer.el.style.opacity = String(SAMPLING_OPACITY);
  host.appendChild(samplingLayer.el);
  const maskLayer = new MaskLayer();
  maskLayer.resize(width, height, photo.getRetinaScaling());
  host.appendChild(maskLayer.el);
  const overlayLayer = new OverlayLayer(editor, () => schedule());
  overlayLayer.resize(width, height, photo.getRetinaScaling());
  host.appendChild(overlayLayer.el);
  const el = document.createElement('canvas');
  el.setAttribute('data-testid', 'editor-canvas');
  host.appendChild(el);
  const canvas = new StaticCanvas(el, { width, height, renderOnAddRemove: false, skipOffscreen: false });

  let beforeCanvas: Drawable = document.createElement('canvas');
  let afterCanvas: Drawable = document.createElement('canvas');
  const uploader = new RasterUploader();
  /** fabric draws any CanvasImageSource; its types name only the DOM elements. */
  const asElement = (d: Drawable) => d as HTMLCanvasElement;
  /** Whether afterCanvas holds the displayed "after" (false until a result's upload completes). */
  let afterReady = false;
  /** Bumped per upload started: an upload that is no longer the latest stops between strips. */
  let beforeToken = 0;
  let afterToken = 0;
  const beforeImg = new FabricImage(beforeCanvas, { ...INERT, visible: false });
  const afterImg = new FabricImage(afterCanvas, { ...INERT, visible: false });
  const splitClip = new Rect({ ...TOP_LEFT, absolutePositioned: true, left: 0, top: 0, width: 1, height: 1 });
  let overlay: MaskOverlay | null = null;
  let samplingOverlay: MaskOverlay | null = null;
  const divider = new Rect({ ...INERT, fill: '#ffffff', visible: false, shadow: null });
  const dividerKnob = new Circle({ ...INERT, fill: '#ffffff', stroke: '#1b1d21', visible: false, radius: 8 });
  const cursor = new Circle({ ...INERT, fill: 'transparent', stroke: '#ffffff', visible: false, radius: 10 });
  const cursorInner = new Circle({
    ...INERT,
    fill: 'transparent',
    stroke: '#000000',
    visible: false,
    radius: 9,
  });
  let toolShape: FabricObject | null = null;
  photo.add(beforeImg, afterImg);
  canvas.add(divider, dividerKnob, cursor, cursorInner);

  let vpt: Transform = [1, 0, 0, 1, 0, 0];
  let last: EditorState = editor.getSnapshot();
  let frame = 0;
  let drag: Drag = null;
  let pointerIn: { x: number; y: number } | null = null;
  let fullMaskRepaint = true;
  /** Whether the sampling tint was last painted for a set area (null: repaint all of it). */
  let samplingPainted: boolean | null = null;
  /** What the photo layer and the mask layers were last drawn for (redrawn when it changes). */
  let photoDrawn = '';
  let maskViewDrawn = '';
  let samplingViewDrawn = '';
  /** Bumped when the before or after raster is replaced. */
  let rasters = 0;
  /** The resultVersion whose "after" is in afterCanvas (drawn once the photo layer renders). */
  let afterLoaded = last.resultVersion;
  let shownReported = -1;

  const size = () => ({ w: canvas.getWidth(), h: canvas.getHeight() });

  function setTransform(t: Transform): void {
    vpt = t;
    photo.setViewportTransform([...t]);
    canvas.setViewportTransform([...t]);
    photo.imageSmoothingEnabled = t[0] < 2;
    editor.setZoom(t[0]);
    schedule();
  }

  const viewport = {
    fit() {
      const doc = editor.getSnapshot().doc;
      if (!doc) return;
      const { w, h } = size();
      setTransform(fitTransform(doc.width, doc.height, w, h));
    },
    actualSize() {
      const { w, h } = size();
      setTransform(actualSizeTransform(vpt, w, h));
    },
    zoomBy(factor: number) {
      if (!editor.getSnapshot().doc) return;
      const { w, h } = size();
      setTransform(zoomAt(vpt, w / 2, h / 2, vpt[0] * factor));
    },
  };
  editor.setViewport(viewport);

  function schedule(): void {
    if (!frame) frame = requestAnimationFrame(draw);
  }

  /** Brings the fabric objects in line with the editor, then renders once. */
  function draw(): void {
    frame = 0;
    const s = editor.getSnapshot();
    const doc = s.doc;
    const z = vpt[0];
    if (!doc) {
      maskLayer.el.style.visibility = 'hidden';
      samplingLayer.el.style.visibility = 'hidden';
      overlayLayer.draw(vpt);
      photo.renderAll();
      canvas.renderAll();
      photoDrawn = '';
      return;
    }
    // The element's own size: while a new raster uploads, the previous one stays on screen.
    const showAfter = afterReady && !s.holdBefore;
    afterImg.set({ visible: showAfter });
    if (showAfter) {
      afterImg.set({ scaleX: doc.width / afterCanvas.width, scaleY: doc.height / afterCanvas.height });
    }
    const splitX = Math.round(s.splitAt * doc.width);
    const splitOn = s.split && showAfter;
    if (splitOn) {
      splitClip.set({ left: splitX, top: 0, width: Math.max(1, doc.width - splitX), height: doc.height });
      afterImg.clipPath = splitClip;
    } else afterImg.clipPath = undefined;
    divider.set({
      visible: splitOn,
      left: splitX - 1 / z,
      top: 0,
      width: 2 / z,
      height: doc.height,
    });
    const knob = toImage(vpt, toView(vpt, splitX, 0).x, size().h / 2);
    dividerKnob.set({
      visible: splitOn,
      left: splitX - 8 / z,
      top: Math.max(0, Math.min(doc.height, knob.y)) - 8 / z,
      radius: 8 / z,
      strokeWidth: 2 / z,
    });

    const { w, h } = size();
    const view = `${vpt.join(',')} ${w}x${h}`;
    const photoState = `${view} ${rasters} ${showAfter} ${splitOn ? splitX : -1}`;
    if (photoState !== photoDrawn) {
      photo.renderAll();
      photoDrawn = photoState;
    }
    // The result is on screen once this frame is presented: the run bar may say done.
    if (afterLoaded === s.resultVersion && shownReported !== afterLoaded) {
      shownReported = afterLoaded;
      const v = afterLoaded;
      requestAnimationFrame(() => editor.resultDisplayed(v));
    }

    if (overlay) {
      if (overlay.setColor(s.maskColor)) fullMaskRepaint = true;
      const m = editor.mask;
      if (m) {
        const dirty = m.mask.takeDirty();
        // A full repaint clears and paints only what the mask covers (nothing, for a new image).
        if (fullMaskRepaint) overlay.repaintAll(m.mask.data, m.mask.bounds());
        else if (dirty) overlay.paint(m.mask.data, dirty);
        if (fullMaskRepaint || view !== maskViewDrawn) maskLayer.draw(overlay, vpt, null);
        else if (dirty) maskLayer.draw(overlay, vpt, dirty);
        maskViewDrawn = view;
        fullMaskRepaint = false;
      }
      // The split view compares pixels: the overlay would cover the fill on the after side.
      const visible = s.showMask && !s.holdBefore && !splitOn;
      maskLayer.el.style.visibility = visible ? '' : 'hidden';
      maskLayer.el.style.opacity = String(s.maskOpacity);
    } else maskLayer.el.style.visibility = 'hidden';
    drawSampling(s, view, splitOn);
    overlayLayer.draw(vpt);

    if (toolShape) canvas.remove(toolShape);
    toolShape = null;
    const o = s.overlay;
    const stroke = s.tool === 'pick' ? '#ffd60a' : o?.erase ? '#0a84ff' : '#ffffff';
    if (o?.kind === 'rect') {
      toolShape = new Rect({
        ...INERT,
        left: o.box.x0,
        top: o.box.y0,
        width: o.box.x1 - o.box.x0,
        height: o.box.y1 - o.box.y0,
        fill: 'rgba(255,255,255,0.08)',
        stroke,
        strokeWidth: 1.5 / z,
        strokeDashArray: [6 / z, 4 / z],
      });
    } else if (o?.kind === 'lasso' && o.points.length > 1) {
      toolShape = new Polyline(o.points, {
        ...INERT,
        fill: 'rgba(255,255,255,0.08)',
        stroke,
        strokeWidth: 1.5 / z,
        strokeDashArray: [6 / z, 4 / z],
      });
    }
    if (toolShape) canvas.add(toolShape);

    const brushy =
      (s.tool === 'brush' || s.tool === 'eraser' || s.tool === 'sampling') &&
      pointerIn &&
      !s.panning &&
      drag?.kind !== 'pan';
    if (brushy && pointerIn) {
      const p = toImage(vpt, pointerIn.x, pointerIn.y);
      const r = s.brush.size / 2;
      cursor.set({ visible: true, left: p.x - r, top: p.y - r, radius: r, strokeWidth: 1.5 / z });
      const ri = Math.max(0, r - 1.5 / z);
      cursorInner.set({ visible: true, left: p.x - ri, top: p.y - ri, radius: ri, strokeWidth: 1 / z });
    } else {
      cursor.set({ visible: false });
      cursorInner.set({ visible: false });
    }
    host.style.cursor =
      s.panning || drag?.kind === 'pan'
        ? drag
          ? 'grabbing'
          : 'grab'
        : brushy
          ? 'none'
          : nearDivider()
            ? 'ew-resize'
            : 'crosshair';
    canvas.renderAll();
  }

  /**
   * The sampling area's tint: the area the fill may sample from, once one is set (an image that samples
   * anywhere shows none). Drawn from the exclusion bytes (inverted), a dab's box at a time while painting;
   * all of it when the area becomes set or cleared.
   */
  function drawSampling(s: EditorState, view: string, splitOn: boolean): void {
    const m = editor.mask;
    if (!samplingOverlay || !m) {
      samplingLayer.el.style.visibility = 'hidden';
      return;
    }
    const set = m.samplingSet;
    const dirty = m.exclusion.takeDirty();
    if (set !== samplingPainted) {
      samplingOverlay.repaintAll(m.exclusion.data, set ? m.exclusion.full : null);
      samplingLayer.draw(samplingOverlay, vpt, null);
      samplingPainted = set;
    } else if (set && dirty) {
      samplingOverlay.paint(m.exclusion.data, dirty);
      samplingLayer.draw(samplingOverlay, vpt, view === samplingViewDrawn ? dirty : null);
    } else if (view !== samplingViewDrawn) samplingLayer.draw(samplingOverlay, vpt, null);
    samplingViewDrawn = view;
    const visible = set && editor.overlays.getSnapshot().sampling && !s.holdBefore && !splitOn;
    samplingLayer.el.style.visibility = visible ? '' : 'hidden';
    samplingLayer.el.dataset.set = String(set);
  }

  /** The image the view was last fitted to. */
  let fittedImage = '';
  /**
   * The original (or a new base) into a fresh canvas, uploaded in strips without blocking input (a
   * 17.9 MP photo is 72 MB of pixels); the canvas shows it once complete (data-display="ready").
   */
  function loadImage(): void {
    const doc = editor.getSnapshot().doc;
    const before = editor.beforeRaster;
    if (!doc || !before) return;
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
      beforeImg.set({ visible: false });
      rasters++;
      viewport.fit();
    }
    host.dataset.display = 'loading';
    void uploader
      .upload(before, () => token !== beforeToken)
      .then((drawable) => {
        if (!drawable || token !== beforeToken) return;
        if (beforeCanvas instanceof ImageBitmap) beforeCanvas.close();
        beforeCanvas = drawable;
        beforeImg.setElement(asElement(beforeCanvas));
        beforeImg.set({
          visible: true,
          left: 0,
          top: 0,
          scaleX: doc.width / before.width,
          scaleY: doc.height / before.height,
        });
        rasters++;
        host.dataset.display = 'ready';
        schedule();
      });
  }

  /**
   * The result or a live preview into a fresh canvas, in strips as loadImage; the previous one stays on
   * screen until it is complete, then `afterLoaded` says which resultVersion the canvas shows.
   */
  function loadAfter(version: number): void {
    const after = editor.afterRaster;
    const token = ++afterToken;
    if (!after) {
      afterReady = false;
      afterImg.set({ visible: false });
      rasters++;
      afterLoaded = version;
      host.dataset.afterVersion = String(version);
      return;
    }
    void uploader
      .upload(after, () => token !== afterToken)
      .then((drawable) => {
        if (!drawable || token !== afterToken) return;
        if (afterCanvas instanceof ImageBitmap) afterCanvas.close();
        afterCanvas = drawable;
        afterImg.setElement(asElement(afterCanvas));
        afterImg.set({ left: 0, top: 0 });
        afterReady = true;
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

  // ---- input ----

  function local(e: PointerEvent | WheelEvent): { x: number; y: number } {
    const r = host.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  function nearDivider(): boolean {
    const s = editor.getSnapshot();
    if (!s.doc || !s.split || !editor.afterRaster || s.holdBefore || !pointerIn) return false;
    const x = toView(vpt, s.splitAt * s.doc.width, 0).x;
    return Math.abs(pointerIn.x - x) <= DIVIDER_GRAB;
  }

  function onPointerDown(e: PointerEvent): void {
    const s = editor.getSnapshot();
    if (!s.doc) return;
    host.focus();
    const p = local(e);
    pointerIn = p;
    host.setPointerCapture(e.pointerId);
    if (e.button === 1 || (e.button === 0 && s.panning)) {
      drag = { kind: 'pan', x: p.x, y: p.y };
    } else if (e.button === 0 && nearDivider()) {
      drag = { kind: 'divider' };
    } else if (e.button === 0) {
      drag = { kind: 'tool', pointerId: e.pointerId };
      const q = toImage(vpt, p.x, p.y);
      editor.pointerDown({ x: q.x, y: q.y, alt: e.altKey, shift: e.shiftKey });
    }
    e.preventDefault();
    schedule();
  }

  function onPointerMove(e: PointerEvent): void {
    const p = local(e);
    pointerIn = p;
    const s = editor.getSnapshot();
    if (drag?.kind === 'pan') {
      setTransform(pan(vpt, p.x - drag.x, p.y - drag.y));
      drag = { kind: 'pan', x: p.x, y: p.y };
    } else if (drag?.kind === 'divider' && s.doc) {
      editor.setSplitAt(toImage(vpt, p.x, p.y).x / s.doc.width);
    } else if (drag?.kind === 'tool') {
      // Coalesced events: every sample the pointer gave, so a fast stroke follows the hand's path.
      const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
      for (const c of events.length ? events : [e]) {
        const v = local(c);
        const q = toImage(vpt, v.x, v.y);
        editor.pointerMove({ x: q.x, y: q.y, alt: e.altKey, shift: e.shiftKey });
      }
    }
    schedule();
  }

  function onPointerUp(e: PointerEvent): void {
    const p = local(e);
    if (drag?.kind === 'tool') {
      const q = toImage(vpt, p.x, p.y);
      editor.pointerUp({ x: q.x, y: q.y, alt: e.altKey, shift: e.shiftKey });
    }
    drag = null;
    if (host.hasPointerCapture(e.pointerId)) host.releasePointerCapture(e.pointerId);
    schedule();
  }

  function onPointerCancel(): void {
    if (drag?.kind === 'tool') editor.pointerCancel();
    drag = null;
    schedule();
  }

  function onPointerLeave(): void {
    if (!drag) pointerIn = null;
    schedule();
  }

  function onWheel(e: WheelEvent): void {
    if (!editor.getSnapshot().doc) return;
    e.preventDefault();
    const p = local(e);
    const delta = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
    setTransform(zoomAt(vpt, p.x, p.y, wheelZoom(vpt[0], delta)));
  }

  host.addEventListener('pointerdown', onPointerDown);
  host.addEventListener('pointermove', onPointerMove);
  host.addEventListener('pointerup', onPointerUp);
  host.addEventListener('pointercancel', onPointerCancel);
  host.addEventListener('pointerleave', onPointerLeave);
  host.addEventListener('wheel', onWheel, { passive: false });

  const resize = new ResizeObserver(() => {
    const w = Math.max(1, Math.floor(host.clientWidth));
    const h = Math.max(1, Math.floor(host.clientHeight));
    if (w === canvas.getWidth() && h === canvas.getHeight()) return;
    const wasFit = editor.getSnapshot().doc !== null && Math.abs(vpt[0] - fitZoom()) < 1e-6;
    photo.setDimensions({ width: w, height: h });
    canvas.setDimensions({ width: w, height: h });
    maskLayer.resize(w, h, photo.getRetinaScaling());
    samplingLayer.resize(w, h, photo.getRetinaScaling());
    overlayLayer.resize(w, h, photo.getRetinaScaling());
    photoDrawn = maskViewDrawn = samplingViewDrawn = '';
    if (wasFit) viewport.fit();
    schedule();
  });
  resize.observe(host);

  function fitZoom(): number {
    const doc = editor.getSnapshot().doc;
    if (!doc) return 0;
    const { w, h } = size();
    return fitTransform(doc.width, doc.height, w, h)[0];
  }

  // An image opened before the canvas mounted.
  if (last.doc) {
    loadImage();
    loadAfter(last.resultVersion);
  }
  schedule();

  return {
    dispose() {
      unsubscribe();
      resize.disconnect();
      if (frame) cancelAnimationFrame(frame);
      host.removeEventListener('pointerdown', onPointerDown);
      host.removeEventListener('pointermove', onPointerMove);
      host.removeEventListener('pointerup', onPointerUp);
      host.removeEventListener('pointercancel', onPointerCancel);
      host.removeEventListener('pointerleave', onPointerLeave);
      host.removeEventListener('wheel', onWheel);
      editor.setViewport(null);
      uploader.dispose();
      void photo.dispose();
      void canvas.dispose();
      photoEl.remove();
      maskLayer.el.remove();
      samplingLayer.el.remove();
      overlayLayer.dispose();
      el.remove();
    },
  };
}
