/**
 * Stage cards and the run: which stages are enabled with which parameters, the automatic re-run when a
 * slider moves after a run, running and cancelling, progress events, and the rasters the canvas shows
 * (the original, and the result or a live preview).
 */
import type { ParamValue } from '../../app/common/params';
import type { EventPayload } from '../../app/contract/schemas';
import type { Box } from './box';
import type { EditorCore, EditorState, Raster, Scheduler } from './editorState';
import { wireError } from './editorState';
import type { MaskDocument } from './maskDocument';
import { initialStages, stageRequests, type StageInfo } from './params';
import { IDLE_RUN, applyProgress, failRun, finishRun, startRun } from './runProgress';

export class RunControl {
  private before: Raster | null = null;
  private after: Raster | null = null;
  /** The last finished result's raster (what "after" falls back to when a run is cancelled). */
  private result: Raster | null = null;
  private afterIsPreview = false;
  private rerunTimer: unknown = null;
  private jobCounter = 0;

  constructor(
    private readonly core: EditorCore,
    private readonly mask: () => MaskDocument | null,
    private readonly scheduler: Scheduler,
    private readonly rerunDelayMs: number,
    private readonly enabledStages: readonly string[] | undefined,
    /** After each run: it may have loaded a model on a provider (the Models panel shows what the engine found). */
    private readonly ran: () => void = () => {},
  ) {}

  get beforeRaster(): Raster | null {
    return this.before;
  }
  get afterRaster(): Raster | null {
    return this.after;
  }
  get afterIsLivePreview(): boolean {
    return this.afterIsPreview;
  }

  /** The snapshot's stage fields for the engine's declarations: the cards start from their defaults. */
  stagesFrom(stageInfos: StageInfo[]): Pick<EditorState, 'stageInfos' | 'stages'> {
    return { stageInfos, stages: initialStages(stageInfos, this.enabledStages) };
  }

  /** The last finished result's raster (what Apply makes the base), or null. */
  get resultRaster(): Raster | null {
    return this.result;
  }

  /**
   * The base image changed (Apply, or undo/redo of one): `preview` is "before" now, the result is gone
   * (it was of the earlier base), and the mask shows again.
   */
  baseChanged(preview: Raster): void {
    this.cancelRun();
    this.clearRerun();
    this.before = preview;
    this.after = null;
    this.result = null;
    this.afterIsPreview = false;
    this.core.update({
      run: IDLE_RUN,
      split: false,
      showMask: true,
      imageVersion: this.core.state.imageVersion + 1,
      resultVersion: this.core.state.resultVersion + 1,
    });
  }

  /**
   * What a failed run complained of may have changed (the mask, a parameter, the model): its error no
   * longer stands, so the run bar and the status bar stop showing it.
   */
  causeChanged(): void {
    const s = this.core.state;
    const err = s.run.error;
    if (s.run.status !== 'error' || !err) return;
    this.core.update({
      run: { ...IDLE_RUN, resultId: s.run.resultId },
      ...(s.notice?.kind === 'error' && s.notice.text === err.message ? { notice: null } : {}),
    });
  }

  /** A new image is open: its preview is "before", and nothing is run yet (the caller resets `run`). */
  newImage(preview: Raster): void {
    this.cancelRun();
    this.clearRerun();
    this.before = preview;
    this.after = null;
    this.result = null;
    this.afterIsPreview = false;
  }

  /**
   * The engine process stopped (and is restarting): its results went with it. A run in flight fails,
   * the result is dropped (export needs a result the engine holds), and the mask shows again.
   */
  engineLost(message: string): void {
    this.clearRerun();
    const run = this.core.state.run;
    const hadAfter = this.after !== null;
    this.after = null;
    this.result = null;
    this.afterIsPreview = false;
    this.core.update({
      run: {
        ...(run.status === 'running' ? failRun(run, { code: 'ENGINE_CRASHED', message }) : run),
        resultId: null,
      },
      resultVersion: this.core.state.resultVersion + (hadAfter ? 1 : 0),
      showMask: true,
    });
  }

  setStageEnabled(name: string, enabled: boolean): void {
    this.core.update({
      stages: this.core.state.stages.map((s) => (s.name === name ? { ...s, enabled } : s)),
    });
    this.paramsChanged();
  }

  setParam(stage: string, param: string, value: ParamValue): void {
    const s = this.core.state.stages.find((x) => x.name === stage);
    if (!s || JSON.stringify(s.values[param]) === JSON.stringify(value)) return;
    this.core.update({
      stages: this.core.state.stages.map((x) =>
        x.name === stage ? { ...x, values: { ...x.values, [param]: value } } : x,
      ),
    });
    this.paramsChanged();
  }

  resetParam(stage: string, param: string): void {
    const decl = this.core.state.stageInfos
      .find((i) => i.name === stage)
      ?.params.find((p) => p.name === param);
    if (decl) this.setParam(stage, param, decl.default);
  }

  /** The region picker's box becomes a rect parameter's value. */
  setRectParam(stage: string, param: string, box: Box): void {
    const decl = this.core.state.stageInfos
      .find((i) => i.name === stage)
      ?.params.find((p) => p.name === param);
    const width = box.x1 - box.x0,
      height = box.y1 - box.y0;
    if (decl?.minSize !== undefined && (width < decl.minSize || height < decl.minSize)) {
      // The stage would refuse it at run time; say so now, and keep the previous value.
      this.core.update({
        notice: {
          kind: 'error',
          text: `${decl.label}: the rectangle is ${width}×${height} px; it must be at least ${decl.minSize} px on each side.`,
        },
      });
      return;
    }
    this.setParam(stage, param, { x: box.x0, y: box.y0, width, height });
  }

  setAutoRerun(autoRerun: boolean): void {
    this.core.update({ autoRerun });
    if (!autoRerun) this.clearRerun();
  }

  /** A parameter or the stage list changed: a run for the old values is stale. */
  private paramsChanged(): void {
    const s = this.core.state;
    const run = s.run;
    if (!s.autoRerun || !s.doc) return;
    if (run.status === 'running') this.cancelRun();
    if (run.resultId === null && run.status !== 'running') return;
    this.clearRerun();
    this.rerunTimer = this.scheduler.setTimeout(() => {
      this.rerunTimer = null;
      void this.run();
    }, this.rerunDelayMs);
  }

  clearRerun(): void {
    if (this.rerunTimer !== null) this.scheduler.clearTimeout(this.rerunTimer);
    this.rerunTimer = null;
  }

  /**
   * Runs the enabled stages on the open image with the current mask. A run still going is cancelled
   * first; the engine's cache makes unchanged stages instant (their stage-end says cached).
   */
  async run(): Promise<void> {
    await this.runOnce();
    this.ran();
  }

  private async runOnce(): Promise<void> {
    this.clearRerun();
    const api = this.core.requireApi();
    const doc = this.core.state.doc;
    const maskDoc = this.mask();
    if (!api || !doc || !maskDoc) return;
    if (this.core.state.engineStatus.health !== 'ready') {
      this.core.notify(
        'error',
        this.core.state.engineStatus.health === 'restarting'
          ? 'The engine is restarting; run again in a moment.'
          : 'The engine stopped and was not restarted; use Restart engine in the banner to run again.',
      );
      return;
    }
    const stages = stageRequests(this.core.state.stageInfos, this.core.state.stages);
    if (stages.length === 0) {
      this.core.notify('error', 'Enable at least one stage to run.');
      return;
    }
    if (maskDoc.mask.bounds() === null) {
      this.core.notify('info', 'Paint a mask over what to remove, then run.');
      return;
    }
    const mask = maskDoc.mask.binary();
    // The sampling area (absent: the fill samples anywhere outside the hole).
    const sampling = maskDoc.samplingMask();
    if (this.core.state.run.status === 'running') this.cancelRun();
    const jobId = `run-${Date.now().toString(36)}-${++this.jobCounter}`;
    this.core.update({
      run: startRun(
        jobId,
        stages.map((s) => s.name),
        this.core.state.run,
      ),
      notice: null,
    });
    try {
      const modelId = this.core.state.modelId;
      const r = await api.run({
        jobId,
        imageId: doc.imageId,
        mask: { width: doc.width, height: doc.height, data: mask.buffer as ArrayBuffer },
        ...(sampling ? { sampling } : {}),
        stages,
        ...(modelId ? { modelId } : {}),
      });
      if (this.core.state.run.jobId !== jobId) return;
      this.result = r.image;
      this.after = r.image;
      this.afterIsPreview = false;
      // The overlay would hide the fill: it comes back with the next mask edit.
      this.core.update({
        run: finishRun(this.core.state.run, r),
        resultVersion: this.core.state.resultVersion + 1,
        showMask: false,
      });
    } catch (e) {
      if (this.core.state.run.jobId !== jobId) return;
      const err = wireError(e);
      const restored = this.afterIsPreview;
      this.after = this.result;
      this.afterIsPreview = false;
      this.core.update({
        run: failRun(this.core.state.run, err),
        resultVersion: this.core.state.resultVersion + (restored ? 1 : 0),
        notice:
          err.code === 'CANCELLED'
            ? { kind: 'info', text: 'Run cancelled.' }
            : { kind: 'error', text: err.message },
      });
    }
  }

  /** Cancels the run in progress (the engine stops at its next step; the last result stays). */
  cancelRun(): void {
    const run = this.core.state.run;
    if (run.status !== 'running' || !run.jobId) return;
    const jobId = run.jobId;
    void this.core.api?.cancel({ jobId }).catch(() => {});
    this.after = this.result;
    const restored = this.afterIsPreview;
    this.afterIsPreview = false;
    this.core.update({
      run: failRun(run, { code: 'CANCELLED', message: 'Cancelled' }),
      resultVersion: this.core.state.resultVersion + (restored ? 1 : 0),
      notice: { kind: 'info', text: 'Run cancelled.' },
    });
  }

  onProgress(e: EventPayload<'onProgress'>): void {
    const run = applyProgress(this.core.state.run, e);
    if (run === this.core.state.run) return;
    if (e.preview) {
      this.after = e.preview;
      this.afterIsPreview = true;
      this.core.update({ run, resultVersion: this.core.state.resultVersion + 1 });
    } else this.core.update({ run });
  }
}
