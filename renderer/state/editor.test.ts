// The editor against a fake engine: runs with progress, re-runs from a changed stage, cancels, exports.
import { beforeEach, describe, expect, it } from 'vitest';
import { Editor, type Scheduler } from './editor';
import { fakeEngine, type FakeEngine } from './testing/fakeEngine';

/** A scheduler the test advances by hand. */
function manualScheduler() {
  let pending: (() => void) | null = null;
  const s: Scheduler & { flush(): void; pending(): boolean } = {
    setTimeout: (fn) => {
      pending = fn;
      return 1;
    },
    clearTimeout: () => {
      pending = null;
    },
    flush: () => {
      const f = pending;
      pending = null;
      f?.();
    },
    pending: () => pending !== null,
  };
  return s;
}

let engine: FakeEngine;
let editor: Editor;
let clock: ReturnType<typeof manualScheduler>;

const runs = () => engine.calls.filter((c) => c.method === 'run');
const settle = () => new Promise((r) => setTimeout(r, 0));

beforeEach(async () => {
  engine = fakeEngine();
  clock = manualScheduler();
  editor = new Editor({
    modelId: 'generated-lama-fixed-rgb',
    enabledStages: ['lama', 'color'],
    scheduler: clock,
  });
  await editor.attach(engine);
  await editor.openImageData('photo.png', new ArrayBuffer(8));
  editor.masking.setTool('rect');
  editor.pointerDown({ x: 10, y: 10 });
  editor.pointerMove({ x: 20, y: 20 });
  editor.pointerUp({ x: 20, y: 20 });
});

describe('editor and engine', () => {
  it('refuses to run without a mask and says why', async () => {
    editor.masking.clear();
    await editor.runs.run();
    expect(runs()).toHaveLength(0);
    expect(editor.getSnapshot().notice?.text).toMatch(/Paint a mask/);
  });

  it('runs the enabled stages with the binary mask and the chosen model, tracking progress', async () => {
    const seen: string[] = [];
    editor.subscribe(() => {
      const r = editor.getSnapshot().run;
      seen.push(r.stages.map((s) => s.state).join(','));
    });
    await editor.runs.run();
    const p = runs()[0].params as {
      mask: { data: ArrayBuffer };
      stages: { name: string }[];
      modelId: string;
    };
    expect(p.modelId).toBe('generated-lama-fixed-rgb');
    expect(p.stages.map((s) => s.name)).toEqual(['lama', 'color']);
    const mask = new Uint8Array(p.mask.data);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(100);
    expect(seen).toContain('running,pending');
    expect(seen).toContain('done,running');
    const s = editor.getSnapshot();
    expect(s.run.status).toBe('done');
    expect(s.run.stages.map((x) => x.state)).toEqual(['done', 'done']);
    expect(editor.afterRaster?.width).toBe(40);
  });

  it('a later slider re-runs from that stage on: the earlier stage comes from the cache', async () => {
    await editor.runs.run();
    editor.runs.setParam('color', 'lambdaL', 0.5);
    expect(clock.pending()).toBe(true);
    clock.flush();
    await settle();
    expect(runs()).toHaveLength(2);
    expect(editor.getSnapshot().run.stages.map((x) => x.state)).toEqual(['cached', 'done']);
    // Reset to default: both stages cached now.
    editor.runs.resetParam('color', 'lambdaL');
    clock.flush();
    await settle();
    expect(editor.getSnapshot().run.stages.map((x) => x.state)).toEqual(['cached', 'cached']);
  });

  it('a slider moved during a run cancels the stale run before the new one', async () => {
    engine.hold = true;
    const first = editor.runs.run();
    await settle();
    expect(editor.getSnapshot().run.status).toBe('running');
    const firstJob = editor.getSnapshot().run.jobId;
    editor.runs.setParam('lama', 'feather', 8);
    expect(
      engine.calls.some((c) => c.method === 'cancel' && (c.params as { jobId: string }).jobId === firstJob),
    ).toBe(true);
    await first;
    engine.hold = false;
    clock.flush();
    await settle();
    const s = editor.getSnapshot();
    expect(s.run.status).toBe('done');
    expect(s.run.jobId).not.toBe(firstJob);
    expect((runs()[1].params as { stages: { params: object }[] }).stages[0].params).toEqual({ feather: 8 });
  });

  it('cancel stops the run, keeps the last result and ignores the stale events', async () => {
    await editor.runs.run();
    const resultId = editor.getSnapshot().run.resultId;
    engine.hold = true;
    editor.runs.setParam('lama', 'feather', 9);
    clock.flush();
    await settle();
    expect(editor.getSnapshot().run.status).toBe('running');
    editor.runs.cancelRun();
    await settle();
    const s = editor.getSnapshot();
    expect(s.run.status).toBe('cancelled');
    expect(s.run.resultId).toBe(resultId);
    expect(s.run.stages.some((x) => x.state === 'cancelled')).toBe(true);
    engine.emit('onProgress', { jobId: 'someone-else', stage: 'lama', kind: 'stage-start' });
    expect(editor.getSnapshot()).toBe(s);
  });

  it('exports the last result through encodeResult in the chosen format', async () => {
    expect(await editor.exports.encodeResult()).toBeNull();
    await editor.runs.run();
    editor.exports.setFormat('webp');
    const file = await editor.exports.encodeResult();
    expect(file?.name).toBe('photo-inpainted.png');
    expect(engine.calls.at(-1)).toMatchObject({
      method: 'encodeResult',
      params: { format: 'webp', quality: 92 },
    });
  });

  it('opening another image resets the mask, history and run', async () => {
    await editor.runs.run();
    const opening = editor.openImageData('other.png', new ArrayBuffer(8));
    // The unexported result: the editor asks first (workflow.test.ts); discard it.
    editor.session.answer(true);
    await opening;
    const s = editor.getSnapshot();
    expect(s.doc?.name).toBe('other.png');
    expect(s.run.status).toBe('idle');
    expect(s.canUndo).toBe(false);
    expect(editor.mask!.mask.area()).toBe(0);
    expect(editor.afterRaster).toBeNull();
  });
});
