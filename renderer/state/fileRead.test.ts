// A picked or dropped file the page cannot read (gone since the drag began, a folder named like an image)
// is reported in the status bar; before, the drop failed silently with an unhandled rejection.
import { describe, expect, it } from 'vitest';
import { Editor } from './editor';
import { fakeEngine } from './testing/fakeEngine';

describe('a dropped file that cannot be read', () => {
  it('says so, names the file, and opens nothing', async () => {
    const engine = fakeEngine();
    const editor = new Editor({
      enabledStages: ['lama'],
      scheduler: { setTimeout: () => 0, clearTimeout: () => {} },
    });
    editor.files.setPageFiles({ pickImage: () => {}, save: () => {} });
    await editor.attach(engine);
    await editor.files.drop({
      name: 'holiday.png',
      bytes: () => Promise.reject(new DOMException('A requested file could not be read', 'NotReadableError')),
    });
    expect(editor.getSnapshot().notice).toEqual({ kind: 'error', text: 'holiday.png could not be read.' });
    expect(editor.getSnapshot().doc).toBeNull();
    expect(engine.calls.map((c) => c.method)).not.toContain('openImageData');
  });
});
