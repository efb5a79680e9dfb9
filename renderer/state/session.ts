/**
 * Lose nothing: the editor's session is kept in the engine (saveSession, a moment after each change) so
 * that a reloaded page brings back the open image (its current applied base), the mask, the sampling
 * area, the applied steps and the parameters (loadSession). It also tracks work not exported yet (a mask, a result, an
 * applied step), which the page's beforeunload and the editor's own question before opening another
 * image ask about.
 *
 * Electron: the same two contract methods reach the engine's utility process, which outlives a reload
 * of the window, so a reload restores the session there too. Keeping it across restarts of the app is a
 * SessionKeeper that writes to the user data folder (app/host/editorSession.ts); this file does not
 * change for it.
 */
import type { ParamDecl, ParamValue } from '../../app/common/params';
import { validateParam } from '../../app/common/params';
import type { EditorCore, EditorState, ExportFormat, Scheduler } from './editorState';
import type { MaskDocument } from './maskDocument';
import type { StageSettings } from './params';

/** What the engine keeps of the editor's own state (JSON in saveSession's `state`). */
export interface SavedState {
  v: 1;
  stages: StageSettings[];
  autoRerun: boolean;
  removeMode: boolean;
  exportFormat: ExportFormat;
  /** Whether the work was not exported yet (the question before leaving holds after a reload). */
  unsaved: boolean;
}

const FORMATS: readonly ExportFormat[] = ['png', 'jpeg', 'webp', 'tiff'];

/** The saved state as JSON. */
export function savedStateJson(s: EditorState): string {
  const state: SavedState = {
    v: 1,
    stages: s.stages,
    autoRerun: s.autoRerun,
    removeMode: s.removeMode,
    exportFormat: s.exportFormat,
    unsaved: s.unsaved,
  };
  return JSON.stringify(state);
}

/**
 * The snapshot fields a saved state sets, checked against the engine's declarations now: an unknown
 * stage or parameter, or a value the declaration refuses, keeps the current value (a newer or older
 * engine may declare other parameters). Bad JSON changes nothing.
 */
export function restoredFields(
  json: string,
  s: Pick<EditorState, 'stages' | 'stageInfos'>,
): Partial<Pick<EditorState, 'stages' | 'autoRerun' | 'removeMode' | 'exportFormat' | 'unsaved'>> {
  let saved: Partial<SavedState>;
  try {
    saved = JSON.parse(json) as Partial<SavedState>;
  } catch {
    return {};
  }
  if (!saved || typeof saved !== 'object' || saved.v !== 1) return {};
  const out: ReturnType<typeof restoredFields> = {};
  if (Array.isArray(saved.stages)) {
    out.stages = s.stages.map((current) => {
      const was = saved.stages!.find((x) => x?.name === current.name);
      const info = s.stageInfos.find((i) => i.name === current.name);
      if (!was || !info) return current;
      const values: Record<string, ParamValue> = { ...current.values };
      for (const decl of info.params) {
        if (!was.values || !(decl.name in was.values)) continue;
        try {
          values[decl.name] = validateParam(
            decl as unknown as ParamDecl,
            `${current.name}.${decl.name}`,
            was.values[decl.name],
          );
        } catch {
          // Refused by today's declaration: the current value stays.
        }
      }
      return {
        ...current,
        enabled: typeof was.enabled === 'boolean' ? was.enabled : current.enabled,
        values,
      };
    });
  }
  if (typeof saved.autoRerun === 'boolean') out.autoRerun = saved.autoRerun;
  if (typeof saved.removeMode === 'boolean') out.removeMode = saved.removeMode;
  if (typeof saved.unsaved === 'boolean') out.unsaved = saved.unsaved;
  if (saved.exportFormat && FORMATS.includes(saved.exportFormat)) out.exportFormat = saved.exportFormat;
  return out;
}

export class SessionControl {
  private timer: unknown = null;
  private pendingConfirm: ((ok: boolean) => void) | null = null;
  /** The image and mask version of the mask the engine keeps (the last save it took); null: unknown. */
  private sentMask: { imageId: string; maskVersion: number } | null = null;
  /** Saving is off while a session is being restored (its own changes are not news). */
  private restoring = false;

  constructor(
    private readonly core: EditorCore,
    private readonly mask: () => MaskDocument | null,
    private readonly scheduler: Scheduler,
    private readonly delayMs: number,
  ) {}

  /**
   * Every snapshot change: a change of the session's content marks work as unsaved (when there is any)
   * and schedules a save.
   */
  changed(prev: EditorState, next: EditorState): void {
    if (this.restoring || !next.doc) return;
    const sameDoc = prev.doc?.imageId === next.doc.imageId;
    const work =
      next.maskVersion !== prev.maskVersion ||
      next.applied !== prev.applied ||
      (next.run.resultId !== null && next.run.resultId !== prev.run.resultId);
    if (sameDoc && work && !next.unsaved) this.core.update({ unsaved: true });
    if (
      !sameDoc ||
      work ||
      next.stages !== prev.stages ||
      next.autoRerun !== prev.autoRerun ||
      next.removeMode !== prev.removeMode ||
      next.exportFormat !== prev.exportFormat ||
      next.unsaved !== prev.unsaved
    )
      this.schedule();
  }

  /** Whether there is work that leaving or opening another image would lose. */
  hasUnsavedWork(): boolean {
    const s = this.core.state;
    if (!s.doc || !s.unsaved) return false;
    return s.applied.step > 0 || s.run.resultId !== null || this.mask()?.mask.bounds() != null;
  }

  /** The work was exported (or a new image opened): nothing unsaved now. */
  saved(): void {
    if (this.core.state.unsaved) this.core.update({ unsaved: false });
  }

  /**
   * Asks, in the editor, before work is lost (opening `name`); resolves true to go on. Nothing to lose:
   * true at once.
   */
  confirmDiscard(name: string): Promise<boolean> {
    if (!this.hasUnsavedWork()) return Promise.resolve(true);
    this.pendingConfirm?.(false);
    const doc = this.core.state.doc!;
    this.core.update({
      confirm: {
        title: 'Discard your changes?',
        text: `${doc.name} has changes that are not exported. Opening ${name} discards them.`,
        ok: 'Discard and open',
      },
    });
    return new Promise((resolve) => (this.pendingConfirm = resolve));
  }

  /** The answer to the question confirmDiscard asked. */
  answer(ok: boolean): void {
    const resolve = this.pendingConfirm;
    this.pendingConfirm = null;
    this.core.update({ confirm: null });
    resolve?.(ok);
  }

  private schedule(): void {
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timer = this.scheduler.setTimeout(() => {
      this.timer = null;
      void this.saveNow();
    }, this.delayMs);
  }

  /** Sends the session to the engine now (the page is being hidden, or the delay passed). */
  async saveNow(): Promise<void> {
    if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
    this.timer = null;
    const api = this.core.api;
    const s = this.core.state;
    const m = this.mask();
    if (!api || !s.doc || s.engineStatus.health !== 'ready') return;
    // The mask is copied and sent only when it changed since the last save the engine took (a copy of
    // a 17.9 MP mask and its trip to the engine cost 1-2 s, and a save follows every settings change).
    const sent = this.sentMask;
    const keep = sent !== null && sent.imageId === s.doc.imageId && sent.maskVersion === s.maskVersion;
    try {
      const r = await api.saveSession({
        imageId: s.doc.imageId,
        mask: keep || !m ? null : { width: m.width, height: m.height, data: m.mask.data.slice().buffer },
        ...(keep ? { keepMask: true as const } : {}),
        // The sampling area (null: anywhere), as run takes it.
        sampling: m?.samplingMask() ?? null,
        state: savedStateJson(s),
      });
      if (r.saved) this.sentMask = { imageId: s.doc.imageId, maskVersion: s.maskVersion };
      else if (keep) {
        // The engine no longer keeps the mask (a restart): send it whole.
        this.sentMask = null;
        return this.saveNow();
      }
    } catch {
      // The engine lost the image (evicted, restarted): there is no session to keep.
      this.sentMask = null;
    }
  }

  /** Runs `restore` with saving off (a restored session is not a change to save). */
  async whileRestoring<T>(restore: () => Promise<T>): Promise<T> {
    this.restoring = true;
    try {
      return await restore();
    } finally {
      this.restoring = false;
    }
  }
}
