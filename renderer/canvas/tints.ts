/**
 * The mask's tints over the photo: the hole (the mask colour at the mask opacity) and the sampling area
 * (violet: where the fill may sample from, once one is set). Each is a MaskOverlay (image-sized tiles)
 * drawn into a MaskLayer (the view's size): all of it when the view or the colour changes, only the
 * dirty box of a brush dab otherwise.
 */
import type { EditorState } from '../state/editorState';
import type { MaskDocument } from '../state/maskDocument';
import type { Transform } from './viewport';
import { MaskLayer, MaskOverlay } from './rasters';

/**
 * The sampling area's tint and its opacity: violet, apart from the hole's red, the overlays' cyan, green
 * and yellow, and from the sky and foliage most photos hold (Content-Aware Fill's green vanished on grass).
 * The mask bar's swatch (.sampling-swatch in styles.css) shows the same colour.
 */
export const SAMPLING_COLOUR = '#bf5af2';
export const SAMPLING_OPACITY = 0.4;

/** What the tints show, besides the mask document. */
export interface TintState {
  s: Pick<EditorState, 'maskColor' | 'showMask' | 'maskOpacity' | 'holdBefore'>;
  /** The Overlays menu's "Sampling area" switch. */
  samplingOn: boolean;
  /** The split view compares pixels: the tints would cover the fill on the after side. */
  splitOn: boolean;
  t: Transform;
  /** A key of the view (transform and size): a change redraws the layers whole. */
  viewKey: string;
}

export class TintLayers {
  readonly sampling = new MaskLayer();
  readonly mask = new MaskLayer();
  private maskOverlay: MaskOverlay | null = null;
  private samplingOverlay: MaskOverlay | null = null;
  private fullMaskRepaint = true;
  /** Whether the sampling tint was last painted for a set area (null: repaint all of it). */
  private samplingPainted: boolean | null = null;
  private maskViewDrawn = '';
  private samplingViewDrawn = '';

  constructor() {
    this.sampling.el.setAttribute('data-testid', 'sampling-layer');
    this.sampling.el.style.opacity = String(SAMPLING_OPACITY);
  }

  /** The layers' elements, bottom first (the sampling tint under the hole's). */
  get elements(): HTMLCanvasElement[] {
    return [this.sampling.el, this.mask.el];
  }

  resize(w: number, h: number, dpr: number): void {
    this.mask.resize(w, h, dpr);
    this.sampling.resize(w, h, dpr);
    this.maskViewDrawn = this.samplingViewDrawn = '';
  }

  /** A new image (or a new base) of `width` × `height`: both tints repaint from its mask whole. */
  reset(width: number, height: number): void {
    this.maskOverlay = new MaskOverlay(width, height);
    this.fullMaskRepaint = true;
    this.samplingOverlay = new MaskOverlay(width, height, true);
    this.samplingOverlay.setColor(SAMPLING_COLOUR);
    this.samplingPainted = null;
  }

  hide(): void {
    this.mask.el.style.visibility = 'hidden';
    this.sampling.el.style.visibility = 'hidden';
  }

  draw(m: MaskDocument | null, st: TintState): void {
    this.drawMask(m, st);
    this.drawSampling(m, st);
  }

  /** The hole's tint: all of it when the view or the colour changed, else the mask's dirty box. */
  private drawMask(m: MaskDocument | null, st: TintState): void {
    const overlay = this.maskOverlay;
    const layer = this.mask;
    if (!overlay) {
      layer.el.style.visibility = 'hidden';
      return;
    }
    if (overlay.setColor(st.s.maskColor)) this.fullMaskRepaint = true;
    if (m) {
      const dirty = m.mask.takeDirty();
      // A full repaint clears and paints only what the mask covers (nothing, for a new image).
      if (this.fullMaskRepaint) overlay.repaintAll(m.mask.data, m.mask.bounds());
      else if (dirty) overlay.paint(m.mask.data, dirty);
      if (this.fullMaskRepaint || st.viewKey !== this.maskViewDrawn) layer.draw(overlay, st.t, null);
      else if (dirty) layer.draw(overlay, st.t, dirty);
      this.maskViewDrawn = st.viewKey;
      this.fullMaskRepaint = false;
    }
    const visible = st.s.showMask && !st.s.holdBefore && !st.splitOn;
    layer.el.style.visibility = visible ? '' : 'hidden';
    layer.el.style.opacity = String(st.s.maskOpacity);
  }

  /**
   * The sampling area's tint, once one is set (an image that samples anywhere shows none). Drawn from the
   * exclusion bytes (inverted), a dab's box at a time while painting; all of it when the area becomes set
   * or cleared.
   */
  private drawSampling(m: MaskDocument | null, st: TintState): void {
    const overlay = this.samplingOverlay;
    const layer = this.sampling;
    if (!overlay || !m) {
      layer.el.style.visibility = 'hidden';
      return;
    }
    const set = m.samplingSet;
    const dirty = m.exclusion.takeDirty();
    if (set !== this.samplingPainted) {
      overlay.repaintAll(m.exclusion.data, set ? m.exclusion.full : null);
      layer.draw(overlay, st.t, null);
      this.samplingPainted = set;
    } else if (set && dirty) {
      overlay.paint(m.exclusion.data, dirty);
      layer.draw(overlay, st.t, st.viewKey === this.samplingViewDrawn ? dirty : null);
    } else if (st.viewKey !== this.samplingViewDrawn) layer.draw(overlay, st.t, null);
    this.samplingViewDrawn = st.viewKey;
    const visible = set && st.samplingOn && !st.s.holdBefore && !st.splitOn;
    layer.el.style.visibility = visible ? '' : 'hidden';
    layer.el.dataset.set = String(set);
  }
}
