// Try values: the values spread over a slider's own scale, and the strip against a fake engine
// (previews as they arrive, a click sets the value, moving on cancels the engine's job).
import { beforeEach, describe, expect, it } from 'vitest';
import { StudioError } from '../../app/common/errors';
import type { MethodParams, MethodResult } from '../../app/contract/schemas';
import { Editor } from './editor';
import type { ParamInfo } from './params';
import { fakeEngine, type FakeEngine } from './testing/fakeEngine';
import { nearestIndex, spreadValues } from './tryValues';
import { runCommand } from './commandRegistry';

const feather: ParamInfo = {
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
};
const lambda: ParamInfo = {
  kind: 'number',
  name: 'lambdaL',
  label: 'Lightness weight',
  help: '',
  default: 0.01,
  min: 0.0001,
  max: 10,
  step: 0.0001,
  log: true,
};

describe('spreadValues', () => {
  it('spreads a linear slider in equal steps, ends included', () => {
    expect(spreadValues(feather)).toEqual([0, 16, 32, 48, 64]);
    // 0.1 + k × 0.975, snapped to the 0.05 grid from the minimum.
    expect(spreadValues({ ...feather, integer: false, step: 0.05, min: 0.1, max: 4 })).toEqual([
      0.1, 1.1, 2.05, 3, 4,
    ]);
  });

  it('spreads a log slider in equal ratios', () => {
    const v = spreadValues(lambda);
    expect(v).toHaveLength(5);
    expect(v[0]).toBe(0.0001);
    expect(v[4]).toBe(10);
    // 10^(5/4) between neighbours (three significant digits, as the slider snaps on a log scale).
    for (let i = 1; i < 5; i++) expect(v[i] / v[i - 1]).toBeCloseTo(Math.pow(10, 1.25), -0.5);
    expect(v).toEqual([0.0001, 0.00178, 0.0316, 0.562, 10]);
  });

  it('drops duplicates of a short integer range and takes other counts', () => {
    expect(spreadValues({ ...feather, min: 0, max: 2 })).toEqual([0, 1, 2]);
    expect(spreadValues(feather, 3)).toEqual([0, 32, 64]);
  });

  it('marks the value nearest the current one on the slider’s scale', () => {
    expect(nearestIndex(feather, [0, 16, 32, 48, 64], 20)).toBe(1);
    // 0.01 is nearer 0.0316 than 0.00178 on a log scale (on a linear one it would be the other way).
    expect(nearestIndex(lambda, [0.0001, 0.00178, 0.0316, 0.562, 10], 0.01)).toBe(2);
  });
});

/** The fake engine with a tryValues that streams each preview and can be held open to cancel. */
function withTryValues(engine: FakeEngine) {
  const calls: MethodParams<'tryValues'>[] = [];
  const cancelled = new Set<string>();
  let hold: (() => void) | null = null;
  const api = engine as FakeEngine & {
    tryValues(p: MethodParams<'tryValues'>): Promise<MethodResult<'tryValues'>>;
  };
  const cancel = engine.cancel.bind(engine);
  engine.cancel = async (p) => {
    cancelled.add(p.jobId);
    hold?.();
    return cancel(p);
  };
  const state = { holdAfter: -1 };
  api.tryValues = async (p) => {
    calls.push(p);
    const previews = [];
    for (let i = 0; i < p.values.length; i++) {
      if (i === state.holdAfter) await new Promise<void>((r) => (hold = r));
      if (cancelled.has(p.jobId)) throw new StudioError('CANCELLED', 'The operation was cancelled.');
      const image = { width: 4, height: 3, rgba: new Uint8Array(48).fill(i * 10).buffer };
      engine.emit('onTryValue', {
        jobId: p.jobId,
        index: i,
        value: p.values[i],
        crop: { x: 0, y: 0, width: 4, height: 3 },
        image,
      });
      previews.push({ value: p.values[i], image });
    }
    return { jobId: p.jobId, crop: { x: 0, y: 0, width: 4, height: 3 }, previews };
  };
  return { calls, cancelled, state };
}

describe('the try-values strip', () => {
  let engine: FakeEngine;
  let editor: Editor;
  let fake: ReturnType<typeof withTryValues>;

  beforeEach(async () => {
    engine = fakeEngine();
    fake = withTryValues(engine);
    editor = new Editor({
      enabledStages: ['lama', 'color'],
      scheduler: { setTimeout: () => 0, clearTimeout: () => {} },
    });
    await editor.attach(engine);
    await editor.openImageData('photo.png', new ArrayBuffer(8));
    editor.masking.setTool('rect');
    editor.pointerDown({ x: 10, y: 10 });
    editor.pointerMove({ x: 20, y: 20 });
    editor.pointerUp({ x: 20, y: 20 });
  });

  it('asks the engine for the spread values of the stage and fills a preview per value', async () => {
    await editor.tryValues.start('color', 'lambdaL');
    expect(fake.calls).toHaveLength(1);
    const call = fake.calls[0];
    expect(call).toMatchObject({
      stage: 'color',
      param: 'lambdaL',
      values: [0.0001, 0.00178, 0.0316, 0.562, 10],
    });
    expect(call.stages.map((s) => s.name)).toEqual(['lama', 'color']);
    expect(new Uint8Array(call.mask.data as ArrayBuffer).reduce((a, b) => a + b, 0)).toBe(100);
    const strip = editor.tryValues.getSnapshot().strip!;
    expect(strip.status).toBe('done');
    expect(strip.previews.map((p) => p && new Uint8Array(p.rgba)[0])).toEqual([0, 10, 20, 30, 40]);
  });

  it('a click sets the slider to that value and closes the strip', async () => {
    await editor.tryValues.start('color', 'lambdaL');
    editor.tryValues.pick(3);
    expect(editor.getSnapshot().stages.find((s) => s.name === 'color')!.values.lambdaL).toBe(0.562);
    expect(editor.tryValues.getSnapshot().strip).toBeNull();
  });

  it('moving on (another parameter) cancels the job in the engine and closes the strip', async () => {
    fake.state.holdAfter = 2;
    const work = editor.tryValues.start('lama', 'feather');
    await new Promise((r) => setTimeout(r, 0));
    const strip = editor.tryValues.getSnapshot().strip!;
    expect(strip.status).toBe('running');
    expect(strip.previews.filter(Boolean)).toHaveLength(2);
    editor.runs.setParam('color', 'lambdaL', 0.5);
    await work;
    expect(fake.cancelled.has(strip.jobId)).toBe(true);
    expect(editor.tryValues.getSnapshot().strip).toBeNull();
  });

  it('a mask edit also cancels it; a finished strip just closes', async () => {
    fake.state.holdAfter = 1;
    const work = editor.tryValues.start('lama', 'feather');
    await new Promise((r) => setTimeout(r, 0));
    const jobId = editor.tryValues.getSnapshot().strip!.jobId;
    editor.masking.clear();
    await work;
    expect(fake.cancelled.has(jobId)).toBe(true);
    fake.state.holdAfter = -1;
    editor.masking.setTool('rect');
    editor.pointerDown({ x: 1, y: 1 });
    editor.pointerMove({ x: 5, y: 5 });
    editor.pointerUp({ x: 5, y: 5 });
    await editor.tryValues.start('lama', 'feather');
    const done = editor.tryValues.getSnapshot().strip!;
    expect(done.status).toBe('done');
    editor.runs.setParam('lama', 'feather', 9);
    expect(editor.tryValues.getSnapshot().strip).toBeNull();
    expect(fake.cancelled.has(done.jobId)).toBe(false);
  });

  it('says why not when the stage is switched off', async () => {
    editor.runs.setStageEnabled('color', false);
    await editor.tryValues.start('color', 'lambdaL');
    expect(fake.calls).toHaveLength(0);
    expect(editor.getSnapshot().notice?.text).toMatch(/Switch on Colour to try values of Lightness weight/);
  });
});

describe('Esc and the try-values strip', () => {
  let engine: FakeEngine;
  let editor: Editor;

  beforeEach(async () => {
    engine = fakeEngine();
    withTryValues(engine);
    editor = new Editor({
      enabledStages: ['lama', 'color'],
      scheduler: { setTimeout: () => 0, clearTimeout: () => {} },
    });
    await editor.attach(engine);
    await editor.openImageData('photo.png', new ArrayBuffer(8));
    editor.masking.setTool('rect');
    editor.pointerDown({ x: 10, y: 10 });
    editor.pointerMove({ x: 20, y: 20 });
    editor.pointerUp({ x: 20, y: 20 });
  });

  it('closes the strip and nothing else: the mask, the tool and a running run stay', async () => {
    engine.hold = true;
    const run = editor.runs.run();
    await new Promise((r) => setTimeout(r, 0));
    expect(editor.getSnapshot().run.status).toBe('running');
    await editor.tryValues.start('color', 'lambdaL');
    expect(editor.tryValues.getSnapshot().strip?.status).toBe('done');
    const before = editor.getSnapshot();

    expect(runCommand(editor, 'escape')).toBe(true);
    expect(editor.tryValues.getSnapshot().strip).toBeNull();
    const after = editor.getSnapshot();
    expect(after.run.status).toBe('running');
    expect(engine.calls.filter((c) => c.method === 'cancel')).toHaveLength(0);
    expect(after.maskVersion).toBe(before.maskVersion);
    expect(after.tool).toBe(before.tool);
    expect(after.stages).toBe(before.stages);

    // The next Esc is the usual one: it cancels the run.
    runCommand(editor, 'escape');
    await run;
    expect(engine.calls.filter((c) => c.method === 'cancel')).toHaveLength(1);
  });
});
