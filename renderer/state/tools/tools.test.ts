// Tools driven by fake pointer events on an editor that is never rendered.
import { beforeEach, describe, expect, it } from 'vitest';
import { Editor } from '../editor';
import { fakeEngine } from '../testing/fakeEngine';
import { runCommand } from '../commandRegistry';

let editor: Editor;
const area = () => editor.mask!.mask.area();

beforeEach(async () => {
  editor = new Editor();
  await editor.attach(fakeEngine());
  await editor.openImageData('photo.png', new ArrayBuffer(8));
});

function drag(points: [number, number][], mods: { alt?: boolean } = {}) {
  const [first, ...rest] = points;
  editor.pointerDown({ x: first[0], y: first[1], ...mods });
  for (const [x, y] of rest) editor.pointerMove({ x, y, ...mods });
  const last = points[points.length - 1];
  editor.pointerUp({ x: last[0], y: last[1], ...mods });
}

describe('tools', () => {
  it('brush: a drag is one continuous stroke and one undo step', () => {
    editor.masking.setBrush({ size: 4, hardness: 1 });
    drag([
      [2, 10],
      [12, 10],
      [30, 10],
    ]);
    const data = editor.mask!.mask.data;
    // Continuous along the path, even across the long jump between events.
    for (let x = 2; x < 30; x++) expect(data[10 * 40 + x]).toBe(255);
    expect(editor.getSnapshot().canUndo).toBe(true);
    editor.history.undo();
    expect(area()).toBe(0);
    expect(editor.getSnapshot().canUndo).toBe(false);
    editor.history.redo();
    expect(area()).toBeGreaterThan(50);
  });

  it('eraser removes what the brush painted; Escape mid-stroke reverts the stroke', () => {
    editor.masking.setBrush({ size: 10, hardness: 1 });
    drag([
      [5, 15],
      [35, 15],
    ]);
    const painted = area();
    editor.masking.setTool('eraser');
    drag([
      [20, 5],
      [20, 25],
    ]);
    expect(area()).toBeLessThan(painted);
    const afterErase = area();
    editor.pointerDown({ x: 5, y: 15 });
    editor.pointerMove({ x: 30, y: 15 });
    expect(area()).toBeLessThan(afterErase);
    runCommand(editor, 'escape');
    expect(area()).toBe(afterErase);
    expect(editor.masking.gestureActive).toBe(false);
  });

  it('rectangle: shows a preview while dragging, fills on release, Alt subtracts; a click does nothing', () => {
    editor.masking.setTool('rect');
    editor.pointerDown({ x: 5, y: 5 });
    editor.pointerMove({ x: 15, y: 12 });
    expect(editor.getSnapshot().overlay).toMatchObject({
      kind: 'rect',
      box: { x0: 5, y0: 5, x1: 15, y1: 12 },
    });
    editor.pointerUp({ x: 15, y: 12 });
    expect(editor.getSnapshot().overlay).toBeNull();
    expect(area()).toBe(70);
    drag(
      [
        [5, 5],
        [10, 12],
      ],
      { alt: true },
    );
    expect(area()).toBe(35);
    drag([[20, 20]]);
    expect(area()).toBe(35);
    // Dragging outside the image is clamped to it.
    drag([
      [30, 20],
      [100, 100],
    ]);
    expect(area()).toBe(35 + 10 * 10);
  });

  it('lasso: fills the closed path on release as one step', () => {
    editor.masking.setTool('lasso');
    drag([
      [5, 5],
      [25, 5],
      [25, 25],
      [5, 25],
    ]);
    expect(area()).toBeGreaterThan(380);
    expect(area()).toBeLessThanOrEqual(400);
    editor.history.undo();
    expect(area()).toBe(0);
  });

  it('region picker: the next rectangle sets the rect parameter and restores the tool', () => {
    editor.masking.setTool('lasso');
    editor.masking.startPick('lama', 'contextRect');
    expect(editor.getSnapshot().tool).toBe('pick');
    drag([
      [2, 3],
      [12, 13],
    ]);
    const s = editor.getSnapshot();
    expect(s.tool).toBe('lasso');
    expect(s.stages.find((x) => x.name === 'lama')!.values.contextRect).toEqual({
      x: 2,
      y: 3,
      width: 10,
      height: 10,
    });
    expect(area()).toBe(0);
  });

  it('region picker: a rectangle under the declared minimum size is refused with a message', () => {
    editor.masking.startPick('lama', 'contextRect');
    drag([
      [2, 3],
      [6, 20],
    ]);
    const s = editor.getSnapshot();
    expect(s.stages.find((x) => x.name === 'lama')!.values.contextRect).toBeNull();
    expect(s.notice).toMatchObject({ kind: 'error' });
    expect(s.notice!.text).toMatch(/Context.*4×17 px.*at least 8 px/);
  });

  it('brush size shortcuts step the size, and the keys map to tools', () => {
    editor.masking.setBrush({ size: 40 });
    runCommand(editor, 'size:up');
    expect(editor.getSnapshot().brush.size).toBe(46);
    runCommand(editor, 'size:down');
    runCommand(editor, 'size:down');
    expect(editor.getSnapshot().brush.size).toBeLessThan(40);
    runCommand(editor, 'tool:eraser');
    expect(editor.getSnapshot().tool).toBe('eraser');
    runCommand(editor, 'hold:before', true);
    expect(editor.getSnapshot().holdBefore).toBe(true);
    runCommand(editor, 'hold:before', false);
    expect(editor.getSnapshot().holdBefore).toBe(false);
  });
});
