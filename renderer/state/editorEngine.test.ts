// The editor against a fake engine, for what crosses to the engine besides runs: a crash and restart of
// the engine process, and the model manager.
import { beforeEach, describe, expect, it } from 'vitest';
import { Editor } from './editor';
import { fakeEngine, type FakeEngine } from './testing/fakeEngine';

let engine: FakeEngine;
let editor: Editor;
const settle = () => new Promise((r) => setTimeout(r, 0));
const calls = (method: string) => engine.calls.filter((c) => c.method === method);

beforeEach(async () => {
  engine = fakeEngine();
  editor = new Editor({
    enabledStages: ['lama'],
    scheduler: { setTimeout: () => 0, clearTimeout: () => {} },
  });
  await editor.attach(engine);
  await editor.openImageData('photo.png', new ArrayBuffer(8));
  editor.masking.setTool('rect');
  editor.pointerDown({ x: 10, y: 10 });
  editor.pointerMove({ x: 20, y: 20 });
  editor.pointerUp({ x: 20, y: 20 });
});

describe('engine crash and restart', () => {
  it('shows the crash, refuses to run while restarting, keeps image, mask and parameters, and runs after', async () => {
    await editor.runs.run();
    editor.runs.setParam('lama', 'feather', 7);
    const maskBefore = Array.from(editor.mask!.mask.data);
    const doc = editor.getSnapshot().doc;
    expect(editor.getSnapshot().run.resultId).not.toBeNull();

    engine.down = true;
    engine.emit('onEngineState', {
      state: 'restarting',
      reason: 'killed by SIGKILL',
      message: 'The engine stopped unexpectedly (killed by SIGKILL).',
    });
    let s = editor.getSnapshot();
    expect(s.engineStatus.health).toBe('restarting');
    expect(s.engineStatus.banner?.text).toMatch(/stopped \(killed by SIGKILL\); restarting/);
    // The result lived in the dead process: nothing to export, the mask shows again.
    expect(s.run.resultId).toBeNull();
    expect(editor.afterRaster).toBeNull();
    expect(s.showMask).toBe(true);
    const runsBefore = calls('run').length;
    await editor.runs.run();
    expect(calls('run')).toHaveLength(runsBefore);
    expect(editor.getSnapshot().notice?.text).toMatch(/restarting; run again in a moment/);

    engine.down = false;
    engine.emit('onEngineState', { state: 'ready' });
    await settle();
    s = editor.getSnapshot();
    expect(s.engineStatus.health).toBe('ready');
    expect(s.engineStatus.banner?.text).toMatch(/restarted — your image, mask and parameters are kept/);
    expect(s.doc).toBe(doc);
    expect(Array.from(editor.mask!.mask.data)).toEqual(maskBefore);
    expect(s.stages.find((x) => x.name === 'lama')?.values.feather).toBe(7);
    await editor.runs.run();
    expect(editor.getSnapshot().run.status).toBe('done');
    const last = calls('run').at(-1)!.params as { imageId: string; stages: { params: object }[] };
    expect(last.imageId).toBe(doc!.imageId);
    expect(last.stages[0].params).toEqual({ feather: 7 });
    editor.dismissEngineBanner();
    expect(editor.getSnapshot().engineStatus.banner).toBeNull();
  });

  it('a run in flight when the engine dies fails with the reason', async () => {
    engine.hold = true;
    const running = editor.runs.run();
    await settle();
    engine.emit('onEngineState', {
      state: 'restarting',
      reason: 'exit code 134',
      message: 'The engine stopped unexpectedly (exit code 134).',
    });
    const s = editor.getSnapshot();
    expect(s.run.status).toBe('error');
    expect(s.run.error?.message).toMatch(/exit code 134/);
    engine.release();
    await running;
  });

  it('says so when the engine was given up on', () => {
    engine.emit('onEngineState', { state: 'failed', reason: 'exit code 1', message: 'crash loop' });
    const s = editor.getSnapshot();
    expect(s.engineStatus.health).toBe('failed');
    expect(s.engineStatus.banner?.tone).toBe('error');
  });

  it("the banner's Restart engine asks the host, and the editor runs again once it is back", async () => {
    engine.emit('onEngineState', { state: 'failed', reason: 'exit code 1' });
    engine.down = true;
    await editor.restartEngine();
    expect(calls('restartEngine')).toHaveLength(1);
    engine.down = false;
    engine.emit('onEngineState', { state: 'restarting', message: 'Starting the engine again' });
    engine.emit('onEngineState', { state: 'ready' });
    expect(editor.getSnapshot().engineStatus.health).toBe('ready');
    await editor.runs.run();
    expect(editor.getSnapshot().run.status).toBe('done');
  });
});

describe('images held by the engine', () => {
  it('closes the previous image in the engine when another is opened', async () => {
    const first = editor.getSnapshot().doc!.imageId;
    const opening = editor.openImageData('second.png', new ArrayBuffer(8));
    // The painted mask is unexported work: the editor asks first (workflow.test.ts); discard it.
    editor.session.answer(true);
    await opening;
    await settle();
    expect(calls('closeImage').map((c) => c.params)).toEqual([{ imageId: first }]);
    expect(editor.getSnapshot().doc!.imageId).not.toBe(first);
    // A failed open keeps the current image open.
    engine.down = true;
    await editor.openImageData('third.png', new ArrayBuffer(8));
    engine.down = false;
    await settle();
    expect(calls('closeImage')).toHaveLength(1);
  });
});

describe('model manager', () => {
  it('downloads with progress, cancels, and imports a file from its bytes', async () => {
    expect(editor.getSnapshot().models.map((m) => m.id)).toEqual(['fake-lama']);
    engine.hold = true;
    const cancelled = editor.models.download('fake-lama');
    await settle();
    expect(editor.getSnapshot().download).toMatchObject({ id: 'fake-lama', received: 10, total: 100 });
    editor.models.cancelDownload();
    await cancelled;
    expect(editor.getSnapshot().download).toBeNull();
    expect(editor.getSnapshot().notice?.text).toBe('Download cancelled.');
    engine.hold = false;
    await editor.models.download('fake-lama');
    expect(editor.getSnapshot().models[0]).toMatchObject({ id: 'fake-lama', installed: true });
    await editor.models.importData('my-lama', 'my.onnx', new ArrayBuffer(4));
    expect(calls('importModelData')[0].params).toMatchObject({ id: 'my-lama', name: 'my.onnx' });
    expect(editor.getSnapshot().models.find((m) => m.id === 'my-lama')?.installed).toBe(true);
    expect(editor.getSnapshot().notice?.text).toBe('Imported my-lama');
  });
});
