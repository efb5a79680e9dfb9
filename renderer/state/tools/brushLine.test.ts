// Shift+click draws a straight stroke from the last point (Photoshop, GIMP).
import { beforeEach, describe, expect, it } from 'vitest';
import { Editor } from '../editor';
import { fakeEngine } from '../testing/fakeEngine';

let editor: Editor;
const at = (x: number, y: number) => editor.mask!.mask.data[y * editor.mask!.width + x];

beforeEach(async () => {
  editor = new Editor();
  await editor.attach(fakeEngine());
  await editor.openImageData('photo.png', new ArrayBuffer(8));
  editor.masking.setBrush({ size: 2, hardness: 1 });
});

function click(x: number, y: number, shift = false) {
  editor.pointerDown({ x, y, shift });
  editor.pointerUp({ x, y, shift });
}

describe('brush: Shift+click', () => {
  it('draws a straight line from where the last stroke ended, as one undo step', () => {
    click(4.5, 4.5);
    click(30.5, 20.5, true);
    // Every pixel along the segment (4.5,4.5) → (30.5,20.5) is painted.
    for (let x = 5; x <= 30; x++) {
      const y = Math.floor(4.5 + ((x + 0.5 - 4.5) * 16) / 26);
      expect(at(x, y), `pixel ${x},${y}`).toBe(255);
    }
    const withLine = editor.mask!.mask.area();
    editor.history.undo();
    // Undo removes the line but keeps the first click.
    expect(editor.mask!.mask.area()).toBeGreaterThan(0);
    expect(editor.mask!.mask.area()).toBeLessThan(withLine / 4);
    expect(at(17, 12)).toBe(0);
  });

  it('a click without Shift, or the first Shift+click on a new image, paints only a dab', () => {
    click(4.5, 4.5);
    click(30.5, 20.5);
    expect(at(17, 12)).toBe(0);
    const opening = editor.openImageData('other.png', new ArrayBuffer(8));
    // The painted mask is unexported work: the editor asks first (workflow.test.ts); discard it.
    editor.session.answer(true);
    return opening.then(() => {
      click(30.5, 20.5, true);
      expect(at(17, 12)).toBe(0);
      expect(at(30, 20)).toBe(255);
    });
  });

  it('the eraser draws its straight line too', () => {
    editor.masking.fill();
    editor.masking.setTool('eraser');
    click(2.5, 10.5);
    click(36.5, 10.5, true);
    for (let x = 3; x < 37; x++) expect(at(x, 10)).toBe(0);
  });
});
