// In a browser the editor has no file paths: every file comes from the page's picker or a drop, every
// export is a download, and no path method of the contract (PATH_METHODS, which the browser host
// refuses) is ever called, whatever events arrive.
import { beforeEach, describe, expect, it } from 'vitest';
import { PATH_METHODS } from '../../app/contract/schemas';
import { Editor } from './editor';
import type { EncodedFile } from './editorState';
import { commandForKey } from './shortcuts';
import { fakeEngine, type FakeEngine } from './testing/fakeEngine';
import { runCommand } from './commandRegistry';

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('browser mode: no path methods', () => {
  let engine: FakeEngine;
  let editor: Editor;
  const saved: EncodedFile[] = [];
  let picks = 0;

  beforeEach(async () => {
    engine = fakeEngine();
    editor = new Editor({
      enabledStages: ['lama'],
      scheduler: { setTimeout: () => 0, clearTimeout: () => {} },
    });
    saved.length = 0;
    picks = 0;
    editor.files.setPageFiles({ pickImage: () => picks++, save: (f) => saved.push(f) });
    await editor.attach(engine);
  });

  it('opens, drops, runs, exports and imports a model through the data methods only', async () => {
    runCommand(editor, commandForKey({ key: 'o', mod: true })!);
    await editor.files.open();
    expect(picks).toBe(2);
    await editor.openImageData('photo.png', new ArrayBuffer(8));
    await editor.files.drop({ name: 'dropped.png', bytes: async () => new ArrayBuffer(8) });
    // Events only Electron's main sends: in a browser, a path is not opened.
    engine.emit('onFileDropped', { path: '/home/u/.ssh/id_rsa.png' });
    engine.emit('onOpenFile', { path: '/etc/shadow.png' });
    await settle();
    expect(editor.getSnapshot().doc?.name).toBe('dropped.png');
    expect(editor.getSnapshot().notice?.text).toMatch(/cannot open files by path/);
    editor.masking.setTool('rect');
    editor.pointerDown({ x: 2, y: 2 });
    editor.pointerMove({ x: 9, y: 9 });
    editor.pointerUp({ x: 9, y: 9 });
    await editor.runs.run();
    await editor.files.exportResult();
    runCommand(editor, commandForKey({ key: 'e', mod: true })!);
    await settle();
    expect(saved.map((f) => f.name)).toEqual(['photo-inpainted.png', 'photo-inpainted.png']);
    await editor.models.importData('custom-a', 'a.onnx', new ArrayBuffer(4));
    await editor.models.importWithDialog('custom-b');
    const used = new Set(engine.calls.map((c) => c.method));
    for (const m of PATH_METHODS) expect(used.has(m), m).toBe(false);
    expect([...used]).toEqual(
      expect.arrayContaining(['openImageData', 'run', 'encodeResult', 'importModelData']),
    );
  });
});
