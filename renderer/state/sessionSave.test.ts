// Saving the session does not copy an unchanged mask again: only a mask edit (or another image, or an
// engine that lost the kept one) sends the mask's bytes; other changes send the state alone.
import { beforeEach, describe, expect, it } from 'vitest';
import type { MethodParams } from '../../app/contract/schemas';
import { Editor } from './editor';
import { fakeEngine, type FakeEngine } from './testing/fakeEngine';

describe('session save and the mask', () => {
  let engine: FakeEngine;
  let editor: Editor;
  const saves = () =>
    engine.calls
      .filter((c) => c.method === 'saveSession')
      .map((c) => c.params as MethodParams<'saveSession'>);

  beforeEach(async () => {
    engine = fakeEngine();
    editor = new Editor({ scheduler: { setTimeout: () => 0, clearTimeout: () => {} } });
    await editor.attach(engine);
    await editor.openImageData('photo.png', new ArrayBuffer(8));
    editor.masking.setTool('rect');
    editor.pointerDown({ x: 10, y: 10 });
    editor.pointerMove({ x: 20, y: 20 });
    editor.pointerUp({ x: 20, y: 20 });
  });

  it('sends the mask once per change; a settings change keeps the engine’s copy', async () => {
    await editor.session.saveNow();
    expect(saves().at(-1)!.mask).not.toBeNull();
    expect(saves().at(-1)!.keepMask).toBeUndefined();

    editor.runs.setAutoRerun(!editor.getSnapshot().autoRerun);
    await editor.session.saveNow();
    await editor.session.saveNow();
    for (const p of saves().slice(-2)) {
      expect(p.keepMask).toBe(true);
      expect(p.mask).toBeNull();
    }
    // The kept session still has the mask (100 px of the rectangle).
    const { session } = await engine.loadSession({});
    expect(new Uint8Array(session!.mask!.data as ArrayBuffer).reduce((a, b) => a + (b ? 1 : 0), 0)).toBe(100);

    // A mask edit sends it again.
    editor.pointerDown({ x: 1, y: 1 });
    editor.pointerMove({ x: 3, y: 3 });
    editor.pointerUp({ x: 3, y: 3 });
    await editor.session.saveNow();
    expect(saves().at(-1)!.keepMask).toBeUndefined();
    expect(saves().at(-1)!.mask).not.toBeNull();
  });

  it('sends the whole mask again when the engine no longer has it', async () => {
    await editor.session.saveNow();
    const fresh = engine.saveSession.bind(engine);
    let refused = 0;
    engine.saveSession = async (p) => {
      if (p.keepMask) {
        refused++;
        engine.calls.push({ method: 'saveSession', params: p });
        return { saved: false };
      }
      return fresh(p);
    };
    editor.runs.setAutoRerun(!editor.getSnapshot().autoRerun);
    await editor.session.saveNow();
    expect(refused).toBe(1);
    expect(saves().at(-1)!.mask).not.toBeNull();
  });
});

describe('restoring the session', () => {
  it('says why a kept session could not be brought back, and starts with no image', async () => {
    const engine = fakeEngine();
    engine.loadSession = async () => {
      throw Object.assign(
        new Error("Cannot bring back the session's image /photos/gone.jpg: it no longer exists"),
        {
          code: 'IO',
        },
      );
    };
    const editor = new Editor({ scheduler: { setTimeout: () => 0, clearTimeout: () => {} } });
    await editor.attach(engine);
    const s = editor.getSnapshot();
    expect(s.doc).toBeNull();
    expect(s.notice).toMatchObject({ kind: 'error' });
    expect(s.notice!.text).toContain('/photos/gone.jpg');
  });
});
