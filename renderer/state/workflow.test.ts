// The retoucher's workflow against a fake engine: apply, undo through applied steps, the History list,
// remove mode, export of the base, the session a reloaded page gets back, and losing nothing.
import { beforeEach, describe, expect, it } from 'vitest';
import { Editor } from './editor';
import { fakeEngine, type FakeEngine } from './testing/fakeEngine';
import { runCommand } from './commandRegistry';

let engine: FakeEngine;
let editor: Editor;
let timers: (() => void)[];
const settle = () => new Promise((r) => setTimeout(r, 0));
const calls = (method: string) => engine.calls.filter((c) => c.method === method);
/** Runs the editor's scheduled timers (the session save, a re-run). */
const fire = () => {
  const t = timers;
  timers = [];
  for (const f of t) f();
};
const grey = () => new Uint8Array(editor.beforeRaster!.rgba as ArrayBuffer)[0];

function newEditor(): Editor {
  return new Editor({
    enabledStages: ['lama'],
    scheduler: {
      setTimeout: (fn) => {
        timers.push(fn);
        return fn;
      },
      clearTimeout: (h) => {
        timers = timers.filter((f) => f !== h);
      },
    },
  });
}

function stroke(x0: number, y0: number, x1: number, y1: number) {
  editor.masking.setTool('rect');
  editor.pointerDown({ x: x0, y: y0 });
  editor.pointerMove({ x: x1, y: y1 });
  editor.pointerUp({ x: x1, y: y1 });
}
const maskArea = () => editor.mask!.mask.area();

beforeEach(async () => {
  timers = [];
  engine = fakeEngine();
  editor = newEditor();
  await editor.attach(engine);
  await editor.openImageData('photo.png', new ArrayBuffer(8));
});

describe('apply', () => {
  it('makes the result the base: the mask clears, the next run is on the new base, the result is gone', async () => {
    stroke(2, 2, 10, 10);
    await editor.runs.run();
    const resultId = editor.getSnapshot().run.resultId!;
    const resultGrey = new Uint8Array(editor.afterRaster!.rgba as ArrayBuffer)[0];
    expect(editor.history.canApply).toBe(true);
    expect(await editor.history.apply()).toBe(true);
    const s = editor.getSnapshot();
    expect(calls('applyResult')[0].params).toMatchObject({ imageId: s.doc!.imageId, resultId });
    expect(s.applied).toEqual({ step: 1, steps: ['LaMa fill · 64 px'] });
    expect(maskArea()).toBe(0);
    expect(grey()).toBe(resultGrey);
    expect(editor.afterRaster).toBeNull();
    expect(s.run.resultId).toBeNull();
    expect(editor.history.canApply).toBe(false);
    expect(s.notice?.text).toMatch(/Applied: LaMa fill · 64 px/);
    // Nothing to apply now: it says so, and the engine is not asked.
    expect(await editor.history.apply()).toBe(false);
    expect(calls('applyResult')).toHaveLength(1);
    expect(editor.getSnapshot().notice?.text).toMatch(/Run first/);
  });

  it('Enter applies; undo returns to the previous base and the mask as it was; redo applies again', async () => {
    stroke(2, 2, 10, 10);
    const maskBefore = Array.from(editor.mask!.mask.data);
    await editor.runs.run();
    const applied = new Uint8Array(editor.afterRaster!.rgba as ArrayBuffer)[0];
    runCommand(editor, 'apply');
    await settle();
    expect(editor.getSnapshot().applied.step).toBe(1);
    stroke(20, 20, 30, 25);
    // Undo the stroke (a mask edit: no engine call), then the Apply.
    editor.history.undo();
    expect(calls('setImageStep')).toHaveLength(0);
    expect(maskArea()).toBe(0);
    editor.history.undo();
    await settle();
    expect(calls('setImageStep').at(-1)!.params).toMatchObject({ step: 0 });
    expect(editor.getSnapshot().applied.step).toBe(0);
    expect(grey()).toBe(128);
    expect(Array.from(editor.mask!.mask.data)).toEqual(maskBefore);
    editor.history.redo();
    await settle();
    expect(editor.getSnapshot().applied.step).toBe(1);
    expect(grey()).toBe(applied);
    expect(maskArea()).toBe(0);
    expect(editor.getSnapshot().canRedo).toBe(true);
  });

  it('the History list goes back to any applied step and forward again', async () => {
    const greys = [128];
    for (let i = 0; i < 3; i++) {
      stroke(2 + i * 10, 2, 8 + i * 10, 8);
      await editor.runs.run();
      greys.push(new Uint8Array(editor.afterRaster!.rgba as ArrayBuffer)[0]);
      await editor.history.apply();
    }
    expect(editor.getSnapshot().applied.steps).toHaveLength(3);
    await editor.history.goToStep(1);
    expect(editor.getSnapshot().applied.step).toBe(1);
    expect(grey()).toBe(greys[1]);
    // One engine call for two steps back.
    expect(calls('setImageStep')).toHaveLength(1);
    expect(editor.history.canGoToStep(3)).toBe(true);
    await editor.history.goToStep(3);
    expect(grey()).toBe(greys[3]);
    await editor.history.goToStep(0);
    expect(grey()).toBe(128);
    expect(editor.getSnapshot().applied.step).toBe(0);
    // A new edit after going back drops the later steps (as Photoshop's history does).
    stroke(30, 20, 35, 25);
    expect(editor.history.canGoToStep(2)).toBe(false);
  });

  it('remove mode: releasing a stroke runs and applies; the eraser does not', async () => {
    editor.setRemoveMode(true);
    editor.masking.setTool('eraser');
    editor.pointerDown({ x: 5, y: 5 });
    editor.pointerUp({ x: 5, y: 5 });
    await settle();
    expect(calls('run')).toHaveLength(0);
    stroke(2, 2, 10, 10);
    for (let i = 0; i < 5; i++) await settle();
    expect(calls('run')).toHaveLength(1);
    expect(calls('applyResult')).toHaveLength(1);
    expect(editor.getSnapshot().applied.step).toBe(1);
    expect(maskArea()).toBe(0);
  });

  it('export writes the latest base when no result is shown', async () => {
    stroke(2, 2, 10, 10);
    await editor.runs.run();
    await editor.history.apply();
    const file = await editor.exports.encodeResult('png');
    expect(file).not.toBeNull();
    expect(calls('encodeResult').at(-1)!.params).toMatchObject({
      imageId: editor.getSnapshot().doc!.imageId,
      format: 'png',
    });
    expect(calls('encodeResult').at(-1)!.params).not.toHaveProperty('resultId');
  });
});

describe('lose nothing', () => {
  it('a reloaded page gets back the image at its applied base, the mask, the applied steps and parameters', async () => {
    stroke(2, 2, 10, 10);
    await editor.runs.run();
    const appliedGrey = new Uint8Array(editor.afterRaster!.rgba as ArrayBuffer)[0];
    await editor.history.apply();
    stroke(20, 12, 30, 20);
    editor.runs.setParam('lama', 'feather', 9);
    const mask = Array.from(editor.mask!.mask.data);
    const imageId = editor.getSnapshot().doc!.imageId;
    fire();
    await settle();
    expect(calls('saveSession').at(-1)!.params).toMatchObject({ imageId });

    // The page reloads: a new editor on the same engine.
    editor.detach();
    editor = newEditor();
    await editor.attach(engine);
    const s = editor.getSnapshot();
    expect(s.doc?.imageId).toBe(imageId);
    expect(s.applied).toEqual({ step: 1, steps: ['LaMa fill · 64 px'] });
    expect(grey()).toBe(appliedGrey);
    expect(Array.from(editor.mask!.mask.data)).toEqual(mask);
    expect(s.stages.find((x) => x.name === 'lama')!.values.feather).toBe(9);
    expect(s.unsaved).toBe(true);
    // Undo still reaches the image as opened (the mask's own edits before the reload are not kept).
    editor.history.undo();
    await settle();
    expect(editor.getSnapshot().applied.step).toBe(0);
    expect(grey()).toBe(128);
    expect(Array.from(editor.mask!.mask.data)).toEqual(mask);
    editor.history.redo();
    await settle();
    expect(grey()).toBe(appliedGrey);
  });

  it('opening another image with unexported work asks first; Cancel keeps the work', async () => {
    expect(editor.session.hasUnsavedWork()).toBe(false);
    stroke(2, 2, 10, 10);
    expect(editor.session.hasUnsavedWork()).toBe(true);
    const doc = editor.getSnapshot().doc;
    const opening = editor.openImageData('other.png', new ArrayBuffer(8));
    await settle();
    expect(editor.getSnapshot().confirm?.text).toMatch(
      /photo\.png has changes .* Opening other\.png discards them/,
    );
    editor.session.answer(false);
    await opening;
    expect(editor.getSnapshot().doc).toBe(doc);
    expect(calls('openImageData')).toHaveLength(1);
    const again = editor.openImageData('other.png', new ArrayBuffer(8));
    await settle();
    editor.session.answer(true);
    await again;
    expect(editor.getSnapshot().doc?.name).toBe('other.png');
    expect(editor.getSnapshot().confirm).toBeNull();
  });

  it('after export nothing is unsaved, and opening another image does not ask', async () => {
    editor.files.setPageFiles({ pickImage: () => {}, save: () => {} });
    stroke(2, 2, 10, 10);
    await editor.runs.run();
    expect(editor.session.hasUnsavedWork()).toBe(true);
    await editor.files.exportResult();
    expect(editor.session.hasUnsavedWork()).toBe(false);
    await editor.openImageData('other.png', new ArrayBuffer(8));
    expect(editor.getSnapshot().doc?.name).toBe('other.png');
  });

  it('a stale error goes when its cause does: after a failed run, Clear then Run shows no error', async () => {
    editor.masking.fill();
    engine.run = async () => {
      throw Object.assign(new Error('The mask covers the whole image; nothing is left to fill from'), {
        code: 'PARAM_INVALID',
      });
    };
    await editor.runs.run();
    expect(editor.getSnapshot().run.error?.message).toMatch(/covers the whole image/);
    expect(editor.getSnapshot().notice?.kind).toBe('error');
    editor.masking.clear();
    expect(editor.getSnapshot().run.error).toBeNull();
    await editor.runs.run();
    const s = editor.getSnapshot();
    expect(s.run.error).toBeNull();
    expect(s.notice).toMatchObject({ kind: 'info', text: expect.stringMatching(/Paint a mask/) });
  });

  it('Delete clears the mask only, as an undoable step, with a status message', async () => {
    stroke(2, 2, 10, 10);
    await editor.runs.run();
    const mask = Array.from(editor.mask!.mask.data);
    const resultId = editor.getSnapshot().run.resultId;
    expect(runCommand(editor, 'mask:clear')).toBe(true);
    expect(maskArea()).toBe(0);
    expect(editor.getSnapshot().notice?.text).toMatch(/Mask cleared\. Undo \(Ctrl\+Z\) brings it back/);
    expect(editor.getSnapshot().run.resultId).toBe(resultId);
    editor.history.undo();
    expect(Array.from(editor.mask!.mask.data)).toEqual(mask);
    runCommand(editor, 'mask:clear');
    runCommand(editor, 'mask:clear');
    expect(editor.getSnapshot().notice?.text).toMatch(/already empty/);
  });
});

describe('engine restart', () => {
  it('after a crash the applied steps are gone: the editor says so and shows the image the engine holds', async () => {
    stroke(2, 2, 10, 10);
    await editor.runs.run();
    await editor.history.apply();
    stroke(20, 12, 30, 20);
    const mask = Array.from(editor.mask!.mask.data);
    engine.emit('onEngineState', { state: 'restarting', message: 'The engine stopped unexpectedly.' });
    // The restarted process holds the file as opened (what the host's bridge re-opens).
    engine.emit('onEngineState', { state: 'ready' });
    for (let i = 0; i < 4; i++) await settle();
    const s = editor.getSnapshot();
    expect(calls('setImageStep').at(-1)!.params).toMatchObject({ step: 0 });
    expect(s.applied.step).toBe(0);
    expect(grey()).toBe(128);
    expect(s.notice).toMatchObject({ kind: 'error', text: expect.stringMatching(/lost the applied steps/) });
    expect(Array.from(editor.mask!.mask.data)).toEqual(mask);
    expect(s.canUndo).toBe(false);
  });
});

describe('the question before work is lost', () => {
  it('Escape answers it with Cancel', async () => {
    stroke(2, 2, 10, 10);
    const opening = editor.openImageData('other.png', new ArrayBuffer(8));
    await settle();
    expect(editor.getSnapshot().confirm).not.toBeNull();
    runCommand(editor, 'escape');
    await opening;
    expect(editor.getSnapshot().confirm).toBeNull();
    expect(editor.getSnapshot().doc?.name).toBe('photo.png');
  });
});

describe('display copies of bases', () => {
  it('undo right after Apply, and redo after it, need no display copy from the engine', async () => {
    stroke(2, 2, 10, 10);
    await editor.runs.run();
    const applied = new Uint8Array(editor.afterRaster!.rgba as ArrayBuffer)[0];
    await editor.history.apply();
    editor.history.undo();
    await settle();
    expect(calls('setImageStep').at(-1)!.params).toMatchObject({ step: 0, preview: false });
    expect(grey()).toBe(128);
    editor.history.redo();
    await settle();
    expect(calls('setImageStep').at(-1)!.params).toMatchObject({ step: 1, preview: false });
    expect(grey()).toBe(applied);
  });

  it("another image's steps never show an earlier image's copies", async () => {
    stroke(2, 2, 10, 10);
    await editor.runs.run();
    await editor.history.apply();
    const opening = editor.openImageData('other.png', new ArrayBuffer(8));
    editor.session.answer(true);
    await opening;
    stroke(2, 2, 10, 10);
    await editor.runs.run();
    const second = new Uint8Array(editor.afterRaster!.rgba as ArrayBuffer)[0];
    await editor.history.apply();
    editor.history.undo();
    await settle();
    // Step 0 of the new image: its copy was kept when Apply left it, not the first image's.
    expect(grey()).toBe(128);
    editor.history.redo();
    await settle();
    expect(calls('setImageStep').at(-1)!.params).toMatchObject({ step: 1, preview: false });
    expect(grey()).toBe(second);
  });
});
