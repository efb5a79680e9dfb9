/**
 * "Try values" (issue 15 §9): for one numeric slider, the hole's region rendered at about five values
 * spread over the slider's range on its own scale (log where the parameter is log-scaled), computed by
 * the engine in the background from its cached earlier stages (contract method tryValues), and
 * cancelled when the user moves on (another parameter, the mask, the image, a run). Clicking one sets
 * the value. Plain TypeScript: a small store that React reads.
 */
import type { ParamValue } from '../../app/common/params';
import type { EventPayload, MethodResult } from '../../app/contract/schemas';
import type { EditorCore, Raster } from './editorState';
import { wireError } from './editorState';
import type { MaskDocument } from './maskDocument';
import { SLIDER_STEPS, sliderToValue, stageRequests, type ParamInfo } from './params';
import { Store } from './store';

/** How many values a strip shows. */
export const TRY_COUNT = 5;

/**
 * `n` values spread evenly over the slider's travel, so over its own scale: equal steps on a linear
 * slider, equal ratios on a log one; both ends included, snapped to the declaration, duplicates (an
 * integer slider with a short range) dropped.
 */
export function spreadValues(decl: ParamInfo, n = TRY_COUNT): number[] {
  if (decl.kind !== 'number') return [];
  const out: number[] = [];
  const count = Math.max(1, Math.floor(n));
  for (let i = 0; i < count; i++) {
    const position = count === 1 ? SLIDER_STEPS / 2 : Math.round((i / (count - 1)) * SLIDER_STEPS);
    const v = sliderToValue(decl, position);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** The index of the value nearest `current` on the slider's scale (the strip marks it). */
export function nearestIndex(decl: ParamInfo, values: readonly number[], current: number): number {
  let best = -1,
    bestD = Infinity;
  const scale = (v: number) => (decl.log ? Math.log(Math.max(v, 1e-12)) : v);
  values.forEach((v, i) => {
    const d = Math.abs(scale(v) - scale(current));
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}

export interface TryStrip {
  jobId: string;
  stage: string;
  param: string;
  /** "Colour correction › Lightness weight". */
  title: string;
  decl: ParamInfo;
  values: number[];
  /** One per value; null until it arrives. */
  previews: (Raster | null)[];
  status: 'running' | 'done' | 'error';
  error: string | null;
}

export interface TryValuesState {
  strip: TryStrip | null;
}

/** What a change of the editor's snapshot must leave alone for a strip to stay valid. */
interface Basis {
  imageId: string | undefined;
  maskVersion: number;
  stages: unknown;
  modelId: string | null;
  /** The run the editor knew of: a new one means the user moved on. */
  runJobId: string | null;
}

export class TryValuesControl extends Store<TryValuesState> {
  private counter = 0;
  private basis: Basis | null = null;

  constructor(
    private readonly core: EditorCore,
    private readonly mask: () => MaskDocument | null,
    private readonly setParam: (stage: string, param: string, value: ParamValue) => void,
  ) {
    super({ strip: null });
  }

  private basisNow(): Basis {
    const s = this.core.state;
    return {
      imageId: s.doc?.imageId,
      maskVersion: s.maskVersion,
      stages: s.stages,
      modelId: s.modelId,
      runJobId: s.run.jobId,
    };
  }

  /**
   * Starts a strip for `stage.param` (a running one is cancelled first). Says in the status bar why
   * not when there is no image, no hole, or the stage is switched off.
   */
  async start(stage: string, param: string, count = TRY_COUNT): Promise<void> {
    this.close();
    const api = this.core.requireApi();
    const s = this.core.state;
    const doc = s.doc;
    const maskDoc = this.mask();
    const info = s.stageInfos.find((i) => i.name === stage);
    const decl = info?.params.find((p) => p.name === param);
    if (!api || !doc || !maskDoc || !info || !decl || decl.kind !== 'number') return;
    if (!s.stages.find((x) => x.name === stage)?.enabled) {
      this.core.notify('error', `Switch on ${info.label} to try values of ${decl.label}.`);
      return;
    }
    if (maskDoc.mask.bounds() === null) {
      this.core.notify('info', 'Paint a mask over what to remove, then try values.');
      return;
    }
    const values = spreadValues(decl, count);
    const jobId = `try-${Date.now().toString(36)}-${++this.counter}`;
    const mask = maskDoc.mask.binary();
    const sampling = maskDoc.samplingMask();
    this.basis = this.basisNow();
    this.update({
      strip: {
        jobId,
        stage,
        param,
        title: `${info.label} › ${decl.label}`,
        decl,
        values,
        previews: values.map(() => null),
        status: 'running',
        error: null,
      },
    });
    try {
      const r = await api.tryValues({
        jobId,
        imageId: doc.imageId,
        mask: { width: doc.width, height: doc.height, data: mask.buffer as ArrayBuffer },
        ...(sampling ? { sampling } : {}),
        stages: stageRequests(s.stageInfos, s.stages),
        stage,
        param,
        values,
        ...(s.modelId ? { modelId: s.modelId } : {}),
      });
      this.finished(jobId, r);
    } catch (e) {
      const strip = this.getSnapshot().strip;
      if (strip?.jobId !== jobId) return;
      const err = wireError(e);
      if (err.code === 'CANCELLED') this.update({ strip: null });
      else this.update({ strip: { ...strip, status: 'error', error: err.message } });
    }
  }

  private finished(jobId: string, r: MethodResult<'tryValues'>): void {
    const strip = this.getSnapshot().strip;
    if (strip?.jobId !== jobId) return;
    const previews = strip.previews.map((p, i) => p ?? r.previews[i]?.image ?? null);
    this.update({ strip: { ...strip, previews, status: 'done' } });
  }

  /** An onTryValue event: one preview is ready. */
  onPreview(e: EventPayload<'onTryValue'>): void {
    const strip = this.getSnapshot().strip;
    if (!strip || strip.jobId !== e.jobId || e.index < 0 || e.index >= strip.previews.length) return;
    const previews = strip.previews.slice();
    previews[e.index] = e.image;
    this.update({ strip: { ...strip, previews } });
  }

  /** Sets the parameter to the value at `index` and closes the strip (the usual re-run follows). */
  pick(index: number): void {
    const strip = this.getSnapshot().strip;
    if (!strip || index < 0 || index >= strip.values.length) return;
    this.close();
    this.setParam(strip.stage, strip.param, strip.values[index]);
  }

  /** Closes the strip, cancelling its job in the engine if it is still running. */
  close(): void {
    const strip = this.getSnapshot().strip;
    if (!strip) return;
    if (strip.status === 'running') void this.core.api?.cancel({ jobId: strip.jobId }).catch(() => {});
    this.basis = null;
    this.update({ strip: null });
  }

  /**
   * The editor's snapshot changed: the user moved on (another image, a mask edit, any parameter, a
   * run started) and the strip no longer shows what a click would give, so it closes.
   */
  editorChanged(): void {
    if (!this.basis || !this.getSnapshot().strip) return;
    const now = this.basisNow();
    const b = this.basis;
    const moved =
      now.imageId !== b.imageId ||
      now.maskVersion !== b.maskVersion ||
      now.stages !== b.stages ||
      now.modelId !== b.modelId ||
      now.runJobId !== b.runJobId;
    if (moved) this.close();
  }
}
