// The sampling area (issue 15 §4): the Sampling area brush, include and exclude, undo shared with the
// hole, "Sample from anywhere", and what run and tryValues send. An editor that is never rendered, on the
// fake engine's 40×30 image.
import { beforeEach, describe, expect, it } from 'vitest';
import { Editor } from './editor';
import { MaskDocument } from './maskDocument';
import { commandForKey, SHORTCUT_SHEET } from './shortcuts';
import { fakeEngine, type FakeEngine } from './testing/fakeEngine';
import { runCommand } from './commandRegistry';

const W = 40;
let engine: FakeEngine;
let editor: Editor;
const calls = (method: string) => engine.calls.filter((c) => c.method === method);

beforeEach(async () => {
  engine = fakeEngine();
  editor = new Editor({
    enabledStages: ['lama'],
    scheduler: { setTimeout: () => 0, clearTimeout: () => {} },
  });
  await editor.attach(engine);
  await editor.openImageData('photo.png', new ArrayBuffer(8));
  editor.masking.setBrush({ size: 4, hardness: 1 });
});

function drag(points: [number, number][], mods: { alt?: boolean } = {}) {
  const [first, ...rest] = points;
  editor.pointerDown({ x: first[0], y: first[1], ...mods });
  for (const [x, y] of rest) editor.pointerMove({ x, y, ...mods });
  const last = points[points.length - 1];
  editor.pointerUp({ x: last[0], y: last[1], ...mods });
}

/** The sampling area as the engine would get it, as "may sample" booleans per pixel; null = anywhere. */
function allowed(): boolean[] | null {
  const m = editor.mask!.samplingMask();
  return m ? Array.from(new Uint8Array(m.data), (v) => v >= 128) : null;
}

/** A hole at the top left (the rectangle tool), so runs have something to fill. */
function markHole() {
  const tool = editor.getSnapshot().tool;
  editor.masking.setTool('rect');
  drag([
    [2, 2],
    [8, 8],
  ]);
  editor.masking.setTool(tool);
}

describe('the sampling area brush', () => {
  it('including on an untouched image makes the stroke the only place to sample from', () => {
    expect(editor.getSnapshot().samplingSet).toBe(false);
    expect(allowed()).toBeNull();
    editor.masking.setTool('sampling');
    drag([
      [20, 15],
      [30, 15],
    ]);
    const a = allowed()!;
    expect(a[15 * W + 25]).toBe(true);
    expect(a[15 * W + 20]).toBe(true);
    expect(a[2 * W + 2]).toBe(false);
    expect(a[29 * W + 39]).toBe(false);
    expect(editor.getSnapshot().samplingSet).toBe(true);
    // The hole is untouched: the brush paints only the area.
    expect(editor.mask!.mask.area()).toBe(0);
    // One stroke, one undo step: back to "anywhere".
    editor.history.undo();
    expect(allowed()).toBeNull();
    expect(editor.getSnapshot().samplingSet).toBe(false);
    editor.history.redo();
    expect(allowed()![15 * W + 25]).toBe(true);
  });

  it('Alt, or the Exclude mode, takes the stroke out of an area that was anywhere', () => {
    editor.masking.setTool('sampling');
    drag(
      [
        [20, 5],
        [20, 25],
      ],
      { alt: true },
    );
    let a = allowed()!;
    expect(a[15 * W + 20]).toBe(false);
    expect(a[15 * W + 30]).toBe(true);
    expect(a[0]).toBe(true);
    // The mode toggle excludes without Alt, and Alt then includes: the include adds back to the area.
    editor.masking.setSamplingExclude(true);
    drag([
      [35, 5],
      [35, 25],
    ]);
    a = allowed()!;
    expect(a[15 * W + 35]).toBe(false);
    drag(
      [
        [20, 14],
        [20, 16],
      ],
      { alt: true },
    );
    a = allowed()!;
    expect(a[15 * W + 20]).toBe(true);
    expect(a[5 * W + 20]).toBe(false);
    expect(a[15 * W + 35]).toBe(false);
  });

  it('shares the undo history with the hole, in the order the edits were made', () => {
    markHole();
    const holeAfterFirst = editor.mask!.mask.area();
    editor.masking.setTool('sampling');
    drag([
      [30, 20],
      [35, 20],
    ]);
    editor.masking.setTool('brush');
    drag([
      [20, 25],
      [25, 25],
    ]);
    const holeAfterSecond = editor.mask!.mask.area();
    expect(holeAfterSecond).toBeGreaterThan(holeAfterFirst);

    editor.history.undo(); // the second hole stroke
    expect(editor.mask!.mask.area()).toBe(holeAfterFirst);
    expect(allowed()![20 * W + 32]).toBe(true);
    editor.history.undo(); // the sampling stroke
    expect(allowed()).toBeNull();
    expect(editor.mask!.mask.area()).toBe(holeAfterFirst);
    editor.history.undo(); // the first hole
    expect(editor.mask!.mask.area()).toBe(0);
    editor.history.redo();
    editor.history.redo();
    expect(allowed()![20 * W + 32]).toBe(true);
    expect(editor.mask!.mask.area()).toBe(holeAfterFirst);
  });

  it('"Sample from anywhere" clears the area as one undo step', () => {
    editor.masking.setTool('sampling');
    drag([
      [20, 15],
      [30, 15],
    ]);
    editor.masking.resetSampling();
    expect(allowed()).toBeNull();
    expect(editor.getSnapshot().samplingSet).toBe(false);
    expect(editor.getSnapshot().notice?.text).toMatch(/anywhere/);
    editor.history.undo();
    expect(allowed()![15 * W + 25]).toBe(true);
    // Already anywhere: nothing to undo is added.
    editor.history.undo();
    editor.masking.resetSampling();
    expect(editor.getSnapshot().canRedo).toBe(true);
  });

  it('a new image starts sampling from anywhere', async () => {
    editor.masking.setTool('sampling');
    drag([
      [20, 15],
      [30, 15],
    ]);
    await editor.openImageData('other.png', new ArrayBuffer(8));
    expect(editor.getSnapshot().samplingSet).toBe(false);
    expect(allowed()).toBeNull();
  });

  it('Escape during a stroke puts the area back', () => {
    editor.masking.setTool('sampling');
    editor.pointerDown({ x: 20, y: 15 });
    editor.pointerMove({ x: 30, y: 15 });
    runCommand(editor, 'escape');
    expect(allowed()).toBeNull();
    expect(editor.getSnapshot().samplingSet).toBe(false);
  });

  it('painting the area shows its tint even if it was switched off', () => {
    editor.overlays.set('sampling', false);
    editor.masking.setTool('sampling');
    drag([
      [20, 15],
      [30, 15],
    ]);
    expect(editor.overlays.getSnapshot().sampling).toBe(true);
  });

  it('a sampling stroke in Remove mode does not run', async () => {
    markHole();
    editor.setRemoveMode(true);
    editor.masking.setTool('sampling');
    drag([
      [20, 15],
      [30, 15],
    ]);
    await new Promise((r) => setTimeout(r, 0));
    expect(calls('run')).toHaveLength(0);
  });
});

describe('what the engine is sent', () => {
  it('run carries `sampling` with the painted pixels, and none when sampling from anywhere', async () => {
    markHole();
    await editor.runs.run();
    expect(calls('run').at(-1)!.params).not.toHaveProperty('sampling');

    editor.masking.setTool('sampling');
    drag([
      [20, 15],
      [30, 15],
    ]);
    await editor.runs.run();
    const sent = (
      calls('run').at(-1)!.params as { sampling: { width: number; height: number; data: ArrayBuffer } }
    ).sampling;
    expect(sent.width).toBe(40);
    expect(sent.height).toBe(30);
    const bytes = new Uint8Array(sent.data);
    // The stroke (a 4 px brush along row 15 from x 20 to 30) may be sampled; rows 3 px off it may not.
    for (let x = 20; x <= 30; x++) expect(bytes[15 * W + x]).toBeGreaterThanOrEqual(128);
    for (let x = 20; x <= 30; x++) expect(bytes[12 * W + x]).toBeLessThan(128);
    for (let x = 20; x <= 30; x++) expect(bytes[18 * W + x]).toBeLessThan(128);
    expect(bytes[2 * W + 30]).toBeLessThan(128);

    editor.masking.resetSampling();
    await editor.runs.run();
    expect(calls('run').at(-1)!.params).not.toHaveProperty('sampling');
  });

  it('tryValues carries the same `sampling`', async () => {
    engine.tryValues = async (p) => {
      engine.calls.push({ method: 'tryValues', params: p });
      return { jobId: p.jobId, crop: { x: 0, y: 0, width: 4, height: 3 }, previews: [] };
    };
    markHole();
    editor.masking.setTool('sampling');
    drag([
      [20, 15],
      [30, 15],
    ]);
    await editor.tryValues.start('lama', 'feather');
    const p = calls('tryValues').at(-1)!.params as { sampling?: { data: ArrayBuffer } };
    expect(p.sampling).toBeDefined();
    expect(new Uint8Array(p.sampling!.data)[15 * W + 25]).toBeGreaterThanOrEqual(128);
    expect(new Uint8Array(p.sampling!.data)[0]).toBeLessThan(128);
  });
});

describe('the session', () => {
  it('saves the sampling area with the mask, and a reloaded editor brings it back', async () => {
    markHole();
    editor.masking.setTool('sampling');
    drag([
      [20, 15],
      [30, 15],
    ]);
    await editor.session.saveNow();
    const p = calls('saveSession').at(-1)!.params as { sampling?: { data: ArrayBuffer } | null };
    expect(new Uint8Array(p.sampling!.data)[15 * W + 25]).toBeGreaterThanOrEqual(128);
    const before = allowed();

    // The page reloads: a new editor on the same engine.
    const reloaded = new Editor({
      enabledStages: ['lama'],
      scheduler: { setTimeout: () => 0, clearTimeout: () => {} },
    });
    await reloaded.attach(engine);
    expect(reloaded.getSnapshot().samplingSet).toBe(true);
    const m = reloaded.mask!.samplingMask()!;
    expect(Array.from(new Uint8Array(m.data), (v) => v >= 128)).toEqual(before);
    // "Sample from anywhere" after the reload is saved as none.
    reloaded.masking.resetSampling();
    await reloaded.session.saveNow();
    expect((calls('saveSession').at(-1)!.params as { sampling?: unknown }).sampling ?? null).toBeNull();
  });
});

describe('the sampling area in the mask document', () => {
  it('keeps soft brush edges exact: >= 128 to the engine exactly where the exclusion is below half', () => {
    const d = new MaskDocument(16, 16);
    d.beginSampling(false);
    d.dab(8, 8, 5, 0, 'paint', 'sampling');
    d.end();
    const m = new Uint8Array(d.samplingMask()!.data);
    for (let i = 0; i < m.length; i++) expect(m[i] >= 128).toBe(d.exclusion.data[i] < 128);
    expect(() => d.restoreSampling(new Uint8Array(3))).toThrow(/Expected 256 sampling bytes but received 3/);
  });
});

describe('keyboard', () => {
  it('A picks the Sampling area tool, and the shortcut sheet lists it', () => {
    expect(commandForKey({ key: 'a' })).toBe('tool:sampling');
    expect(commandForKey({ key: 'a', mod: true })).not.toBe('tool:sampling');
    runCommand(editor, 'tool:sampling');
    expect(editor.getSnapshot().tool).toBe('sampling');
    const lines = SHORTCUT_SHEET.flatMap((g) => g.lines);
    expect(lines.some((l) => l.keys === 'A' && /sampling area/i.test(l.does))).toBe(true);
    expect(lines.some((l) => /Alt/.test(l.keys) && /sampling/i.test(l.does))).toBe(true);
  });
});
