/**
 * A fake EngineApi for editor tests: an image opens as a flat grey raster, a run emits the events the
 * real engine emits and keeps its own cache by (stage, params) chain, and a run can be held open to
 * test cancellation; `down` makes every call fail as a crashed engine's would. No DOM, no sockets.
 */
import { StudioError } from '../../../app/common/errors';
import type {
  EngineApi,
  EventName,
  EventPayload,
  MethodParams,
  MethodResult,
} from '../../../app/contract/schemas';
import type { StageInfo } from '../params';

export const FAKE_STAGES: StageInfo[] = [
  {
    name: 'lama',
    label: 'LaMa fill',
    description: 'fills the hole',
    params: [
      {
        kind: 'number',
        name: 'feather',
        label: 'Feather',
        help: '',
        default: 3,
        min: 0,
        max: 64,
        step: 1,
        integer: true,
        unit: 'px',
      },
      { kind: 'rect', name: 'contextRect', label: 'Context', help: '', default: null, minSize: 8 },
    ],
  },
  {
    name: 'color',
    label: 'Colour',
    description: 'matches colour',
    params: [
      {
        kind: 'number',
        name: 'lambdaL',
        label: 'Lightness weight',
        help: '',
        default: 0.01,
        min: 0.0001,
        max: 10,
        step: 0.0001,
        log: true,
      },
      { kind: 'boolean', name: 'preserve', label: 'Preserve', help: '', default: true },
    ],
  },
];

export interface FakeEngine extends EngineApi {
  calls: { method: string; params: unknown }[];
  /** When set, runs wait for release() (to test cancel). */
  hold: boolean;
  release(): void;
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  /** When set, every call fails with ENGINE_CRASHED (the engine process is gone). */
  down: boolean;
}

export function fakeEngine(): FakeEngine {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const cache = new Set<string>();
  const jobs = new Map<string, () => void>();
  const installed = new Set<string>();
  let waiting: (() => void)[] = [];
  const emit = <E extends EventName>(name: E, payload: EventPayload<E>) => {
    for (const l of listeners.get(name) ?? []) l(payload);
  };
  let opens = 0;
  let runs = 0;
  /** Each image's applied steps (the grey value of each step's base) and the current step. */
  const bases = new Map<string, { values: number[]; labels: string[]; step: number }>();
  const resultValues = new Map<string, { imageId: string; value: number }>();
  let session: MethodParams<'saveSession'> | null = null;
  const raster = (width: number, height: number, value: number) => ({
    width,
    height,
    rgba: new Uint8Array(width * height * 4).fill(value).buffer,
  });
  const opened = (name: string): MethodResult<'openImage'> => {
    const width = 40,
      height = 30;
    return {
      imageId: `img-${++opens}`,
      name,
      width,
      height,
      format: 'png',
      bitDepth: 8,
      hasAlpha: false,
      preview: { width, height, rgba: new Uint8Array(width * height * 4).fill(128).buffer },
    };
  };
  const api = {
    calls: [] as { method: string; params: unknown }[],
    hold: false,
    down: false,
    release() {
      const w = waiting;
      waiting = [];
      for (const f of w) f();
    },
    emit,
    on(event: string, l: (p: unknown) => void) {
      const s = listeners.get(event) ?? new Set();
      s.add(l);
      listeners.set(event, s);
      return () => s.delete(l);
    },
    async engineInfo() {
      return { version: 'fake', modelsDir: '/models', providers: ['cpu'] };
    },
    async listStages() {
      return FAKE_STAGES;
    },
    async listModels() {
      return ['fake-lama', ...[...installed].filter((id) => id !== 'fake-lama')].map((id) => ({
        id,
        label: id,
        purpose: 'inpaint',
        installed: installed.has(id),
        state: installed.has(id) ? 'installed' : 'not-installed',
        bytes: 100,
        custom: id !== 'fake-lama',
        isDefault: id === 'fake-lama',
      }));
    },
    async openImage(p: MethodParams<'openImage'>) {
      api.calls.push({ method: 'openImage', params: p });
      return opened(p.path.split(/[\\/]/).pop()!);
    },
    async openImageData(p: MethodParams<'openImageData'>) {
      api.calls.push({ method: 'openImageData', params: p });
      return opened(p.name);
    },
    async closeImage(p: MethodParams<'closeImage'>) {
      api.calls.push({ method: 'closeImage', params: p });
      if (session?.imageId === p.imageId) session = null;
      return { closed: true };
    },
    async restartEngine(p: MethodParams<'restartEngine'>) {
      api.calls.push({ method: 'restartEngine', params: p });
      return { restarted: true };
    },
    async exportImage(p: MethodParams<'exportImage'>) {
      api.calls.push({ method: 'exportImage', params: p });
      return { path: p.path };
    },
    async run(p: MethodParams<'run'>): Promise<MethodResult<'run'>> {
      api.calls.push({ method: 'run', params: p });
      let cancelled = false;
      jobs.set(p.jobId, () => (cancelled = true));
      let key = `${new Uint8Array(p.mask.data as ArrayBuffer).join('')}`;
      const stages = [];
      for (const s of p.stages) {
        key += `|${s.name}:${JSON.stringify(s.params ?? {})}`;
        emit('onProgress', { jobId: p.jobId, stage: s.name, kind: 'stage-start' });
        const cached = cache.has(key);
        if (!cached) {
          emit('onProgress', { jobId: p.jobId, stage: s.name, kind: 'progress', step: 1, total: 2 });
          if (api.hold) await new Promise<void>((r) => waiting.push(r));
          if (cancelled) throw new StudioError('CANCELLED', 'The operation was cancelled.');
          cache.add(key);
        }
        emit('onProgress', { jobId: p.jobId, stage: s.name, kind: 'stage-end', cached, ms: 1 });
        stages.push({ stage: s.name, ms: 1, cached });
      }
      jobs.delete(p.jobId);
      const { width, height } = p.mask;
      // Each run's result has its own grey value (150, 151, ...): a test can tell them apart.
      const value = 150 + (runs++ % 100);
      resultValues.set(`result-${p.jobId}`, { imageId: p.imageId, value });
      return {
        jobId: p.jobId,
        resultId: `result-${p.jobId}`,
        stages,
        totalMs: 2,
        image: raster(width, height, value),
      };
    },
    async applyResult(p: MethodParams<'applyResult'>) {
      api.calls.push({ method: 'applyResult', params: p });
      const r = resultValues.get(p.resultId);
      if (!r || r.imageId !== p.imageId)
        throw new StudioError('PARAM_INVALID', `Result "${p.resultId}" was not made from "${p.imageId}"`);
      const b = bases.get(p.imageId) ?? { values: [128], labels: [], step: 0 };
      b.values.length = b.step + 1;
      b.labels.length = b.step;
      b.values.push(r.value);
      b.labels.push(p.label);
      b.step++;
      bases.set(p.imageId, b);
      return { step: b.step, steps: [...b.labels] };
    },
    async setImageStep(p: MethodParams<'setImageStep'>) {
      api.calls.push({ method: 'setImageStep', params: p });
      const b = bases.get(p.imageId) ?? { values: [128], labels: [], step: 0 };
      if (p.step > b.labels.length) throw new StudioError('PARAM_INVALID', `No step ${p.step}`);
      b.step = p.step;
      bases.set(p.imageId, b);
      return {
        step: b.step,
        steps: [...b.labels],
        ...(p.preview === false ? {} : { preview: raster(40, 30, b.values[b.step]) }),
      };
    },
    async saveSession(p: MethodParams<'saveSession'>) {
      api.calls.push({ method: 'saveSession', params: p });
      if (p.keepMask) {
        if (session?.imageId !== p.imageId) return { saved: false };
        session = { ...p, mask: session.mask };
        return { saved: true };
      }
      session = { ...p, mask: p.mask ? { ...p.mask, data: (p.mask.data as ArrayBuffer).slice(0) } : null };
      return { saved: true };
    },
    async loadSession(): Promise<MethodResult<'loadSession'>> {
      api.calls.push({ method: 'loadSession', params: {} });
      if (!session) return { session: null };
      const b = bases.get(session.imageId) ?? { values: [128], labels: [], step: 0 };
      return {
        session: {
          ...opened('restored.png'),
          imageId: session.imageId,
          preview: raster(40, 30, b.values[b.step]),
          step: b.step,
          steps: [...b.labels],
          mask: session.mask ? { ...session.mask, data: (session.mask.data as ArrayBuffer).slice(0) } : null,
          sampling: session.sampling
            ? { ...session.sampling, data: (session.sampling.data as ArrayBuffer).slice(0) }
            : null,
          state: session.state,
        },
      };
    },
    async cancel(p: MethodParams<'cancel'>) {
      api.calls.push({ method: 'cancel', params: p });
      const c = jobs.get(p.jobId);
      c?.();
      api.release();
      return { cancelled: Boolean(c) };
    },
    async downloadModel(p: MethodParams<'downloadModel'>) {
      api.calls.push({ method: 'downloadModel', params: p });
      let cancelled = false;
      jobs.set(p.jobId, () => (cancelled = true));
      emit('onModelProgress', { jobId: p.jobId, id: p.id, received: 10, total: 100 });
      if (api.hold) await new Promise<void>((r) => waiting.push(r));
      jobs.delete(p.jobId);
      if (cancelled) throw new StudioError('CANCELLED', 'The operation was cancelled.');
      emit('onModelProgress', { jobId: p.jobId, id: p.id, received: 100, total: 100 });
      installed.add(p.id);
      return { id: p.id, path: `/models/${p.id}/model.onnx` };
    },
    async importModelData(p: MethodParams<'importModelData'>) {
      api.calls.push({ method: 'importModelData', params: p });
      installed.add(p.id);
      return { id: p.id, path: `/models/${p.id}/${p.name}` };
    },
    async encodeResult(p: MethodParams<'encodeResult'>) {
      api.calls.push({ method: 'encodeResult', params: p });
      return {
        name: 'photo-inpainted.png',
        mime: 'image/png',
        bytes: new Uint8Array([137, 80, 78, 71]).buffer,
      };
    },
  };
  // A crashed engine answers nothing: every method fails as the host's bridge makes it fail.
  for (const [name, f] of Object.entries(api)) {
    // restartEngine is the host's own method (its bridge answers it while the engine is down).
    if (typeof f !== 'function' || ['on', 'emit', 'release', 'restartEngine'].includes(name)) continue;
    (api as Record<string, unknown>)[name] = (...args: unknown[]) =>
      api.down
        ? Promise.reject(
            new StudioError('ENGINE_CRASHED', 'The engine is restarting; try again in a moment.'),
          )
        : (f as (...a: unknown[]) => unknown)(...args);
  }
  return api as unknown as FakeEngine;
}
