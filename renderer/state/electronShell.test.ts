// The editor inside Electron, through a fake window.studio (the preload's envelopes and events, as main
// sends them): the app menu, native open/save dialogs, dropped files and Open Recent, and the engine's
// state told on load. And the same commands in a browser, through the page's file picker and download.
import { beforeEach, describe, expect, it } from 'vitest';
import { SHELL_METHODS } from '../../app/contract/schemas';
import { studioFromPreload, type PreloadStudio } from '../engine/preloadApi';
import { Editor } from './editor';
import type { EncodedFile, Viewport } from './editorState';
import { commandForKey } from './shortcuts';
import { fakeEngine, type FakeEngine } from './testing/fakeEngine';
import { bindMenu, runCommand } from './commandRegistry';

const settle = () => new Promise((r) => setTimeout(r, 0));

interface FakeStudio {
  preload: PreloadStudio;
  /** Sends an event as main does (webContents.send): raw, validated by the renderer. */
  send(name: string, payload: unknown): void;
  dialogs: { method: string; params: unknown }[];
  /** What the next open and save dialogs answer. */
  answers: { open: string | null; save: string | null };
}

/** window.studio over a fake engine: every call answers with main's envelope. */
function fakeStudio(engine: FakeEngine): FakeStudio {
  const listeners = new Set<(name: string, payload: unknown) => void>();
  const dialogs: { method: string; params: unknown }[] = [];
  const answers = { open: null as string | null, save: null as string | null };
  const preload: PreloadStudio = {
    on(event, listener) {
      const h = (name: string, payload: unknown) => {
        if (name === event) listener(payload);
      };
      listeners.add(h);
      return () => listeners.delete(h);
    },
  };
  const envelope = async (work: () => Promise<unknown>) => {
    try {
      return { ok: true, result: await work() };
    } catch (e) {
      const err = e as { code?: string; message: string };
      return { ok: false, error: { code: err.code ?? 'INTERNAL', message: err.message } };
    }
  };
  for (const [name, f] of Object.entries(engine))
    if (typeof f === 'function' && !['on', 'emit', 'release'].includes(name))
      preload[name] = (params: unknown) => envelope(() => (f as (p: unknown) => Promise<unknown>)(params));
  for (const method of Object.keys(SHELL_METHODS))
    preload[method] = (params: unknown) =>
      envelope(async () => {
        dialogs.push({ method, params });
        return { path: method === 'showOpenDialog' ? answers.open : answers.save };
      });
  return {
    preload,
    send: (name, payload) => {
      for (const l of [...listeners]) l(name, payload);
    },
    dialogs,
    answers,
  };
}

function fakeViewport(): Viewport & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    fit: () => calls.push('fit'),
    actualSize: () => calls.push('100%'),
    zoomBy: (f) => calls.push(`zoom x${f}`),
  };
}

/** A rectangle painted with the rect tool: one undo step. */
function paint(editor: Editor): void {
  editor.masking.setTool('rect');
  editor.pointerDown({ x: 5, y: 5 });
  editor.pointerMove({ x: 15, y: 12 });
  editor.pointerUp({ x: 15, y: 12 });
}

const calls = (engine: FakeEngine, method: string) =>
  engine.calls.filter((c) => c.method === method).map((c) => c.params);

describe('in Electron (window.studio)', () => {
  let engine: FakeEngine;
  let studio: FakeStudio;
  let editor: Editor;

  beforeEach(async () => {
    engine = fakeEngine();
    studio = fakeStudio(engine);
    editor = new Editor({
      enabledStages: ['lama'],
      scheduler: { setTimeout: () => 0, clearTimeout: () => {} },
    });
    const api = studioFromPreload(studio.preload);
    bindMenu(editor, api);
    await editor.attach(api);
  });

  it('File > Open asks the native dialog and opens the chosen path; a cancelled dialog opens nothing', async () => {
    studio.send('onMenu', { command: 'file:open' });
    await settle();
    expect(studio.dialogs).toEqual([{ method: 'showOpenDialog', params: { kind: 'image' } }]);
    expect(calls(engine, 'openImage')).toEqual([]);

    studio.answers.open = '/home/u/Pictures/beach.jpg';
    studio.send('onMenu', { command: 'file:open' });
    await settle();
    expect(calls(engine, 'openImage')).toEqual([{ path: '/home/u/Pictures/beach.jpg' }]);
    expect(editor.getSnapshot().doc?.name).toBe('beach.jpg');
    // The page's file input is not used where there are dialogs.
    expect(calls(engine, 'openImageData')).toEqual([]);
  });

  it('the menu does what the keys and the toolbar do: undo, redo, zoom, before/after', async () => {
    await editor.openImagePath('/p/photo.png');
    const view = fakeViewport();
    editor.view.setViewport(view);
    paint(editor);
    expect(editor.mask!.mask.area()).toBeGreaterThan(0);

    studio.send('onMenu', { command: 'undo' });
    expect(editor.mask!.mask.area()).toBe(0);
    studio.send('onMenu', { command: 'redo' });
    expect(editor.mask!.mask.area()).toBeGreaterThan(0);

    for (const command of ['zoom:fit', 'zoom:100', 'zoom:in', 'zoom:out']) studio.send('onMenu', { command });
    expect(view.calls).toEqual(['fit', '100%', 'zoom x1.25', 'zoom x0.8']);

    studio.send('onMenu', { command: 'split:toggle' });
    expect(editor.getSnapshot().split).toBe(true);
    studio.send('onMenu', { command: 'split:toggle' });
    expect(editor.getSnapshot().split).toBe(false);

    // An item that is not in the contract is dropped on the way in.
    studio.send('onMenu', { command: 'formatDisk' });
    expect(editor.getSnapshot().notice).toBeNull();
  });

  it('File > Export: the native save dialog names the file, and the engine writes it', async () => {
    await editor.openImagePath('/p/photo.jpg');
    studio.send('onMenu', { command: 'file:export' });
    await settle();
    expect(editor.getSnapshot().notice?.text).toMatch(/Run the pipeline first/);
    expect(studio.dialogs).toEqual([]);

    paint(editor);
    await editor.runs.run();
    const resultId = editor.getSnapshot().run.resultId!;
    studio.answers.save = '/out/photo-inpainted.png';
    studio.send('onMenu', { command: 'file:export' });
    await settle();
    expect(studio.dialogs).toEqual([
      { method: 'showSaveDialog', params: { suggestedName: 'photo-inpainted.png' } },
    ]);
    expect(calls(engine, 'exportImage')).toEqual([
      // PNG takes no quality; the colour profile and location data as the export dialog says.
      { resultId, path: '/out/photo-inpainted.png', colorProfile: 'keep', stripLocation: false },
    ]);
    expect(editor.getSnapshot().notice?.text).toBe('Exported photo-inpainted.png');
    // Nothing was encoded for a download.
    expect(calls(engine, 'encodeResult')).toEqual([]);

    // The chosen format names the file; a name without an extension is written in that format.
    editor.exports.setFormat('webp');
    studio.answers.save = '/out/final';
    await editor.files.exportResult();
    expect(studio.dialogs.at(-1)).toEqual({
      method: 'showSaveDialog',
      params: { suggestedName: 'photo-inpainted.webp' },
    });
    expect(calls(engine, 'exportImage').at(-1)).toEqual({
      resultId,
      path: '/out/final',
      format: 'webp',
      quality: 92,
      colorProfile: 'keep',
      stripLocation: false,
    });

    // Cancelled: nothing written.
    studio.answers.save = null;
    await editor.files.exportResult();
    expect(calls(engine, 'exportImage')).toHaveLength(2);
  });

  it('opens a dropped image and an Open Recent choice by the path main granted; refuses other files', async () => {
    studio.send('onFileDropped', { path: '/home/u/drop/cat.webp' });
    await settle();
    expect(calls(engine, 'openImage')).toEqual([{ path: '/home/u/drop/cat.webp' }]);
    expect(editor.getSnapshot().doc?.name).toBe('cat.webp');

    studio.send('onOpenFile', { path: 'C:\\Users\\u\\scan.TIFF' });
    await settle();
    expect(calls(engine, 'openImage').at(-1)).toEqual({ path: 'C:\\Users\\u\\scan.TIFF' });
    expect(editor.getSnapshot().doc?.name).toBe('scan.TIFF');

    studio.send('onFileDropped', { path: '/home/u/notes.txt' });
    await settle();
    expect(calls(engine, 'openImage')).toHaveLength(2);
    expect(editor.getSnapshot().notice?.text).toMatch(/notes\.txt is not an image/);

    // The page's own drop handler leaves Electron's drops to main (no second open from the bytes).
    await editor.files.drop({ name: 'cat.webp', bytes: async () => new ArrayBuffer(4) });
    expect(calls(engine, 'openImageData')).toEqual([]);
  });

  it('Ctrl+O and Ctrl+E are the menu items', () => {
    expect(commandForKey({ key: 'o', mod: true })).toBe('file:open');
    expect(commandForKey({ key: 'e', mod: true })).toBe('file:export');
  });
});

describe('engine state on load', () => {
  it('a page loaded after the engine was given up on shows it at once, not at its first failing call', async () => {
    const engine = fakeEngine();
    const studio = fakeStudio(engine);
    engine.down = true;
    const editor = new Editor();
    const attached = editor.attach(studioFromPreload(studio.preload));
    // Main, on did-finish-load: the bridge's current state.
    studio.send('onEngineState', {
      state: 'failed',
      reason: 'exit code 134',
      message:
        'The engine stopped unexpectedly (exit code 134). It crashed 4 times in a minute and was not restarted.',
    });
    await attached;
    const s = editor.getSnapshot();
    expect(s.engineStatus.health).toBe('failed');
    expect(s.engineStatus.banner?.text).toMatch(/stopped \(exit code 134\) and keeps crashing/);
    // The transport works; the engine process does not.
    expect(s.connection).toBe('ready');
  });

  it('a page that connected while the engine restarted loads the stages once it is back', async () => {
    const engine = fakeEngine();
    engine.down = true;
    const editor = new Editor({ enabledStages: ['lama'] });
    const attached = editor.attach(engine);
    engine.emit('onEngineState', { state: 'restarting', reason: 'killed by SIGKILL' });
    await attached;
    expect(editor.getSnapshot().stageInfos).toEqual([]);
    expect(editor.getSnapshot().engineStatus.health).toBe('restarting');
    engine.down = false;
    engine.emit('onEngineState', { state: 'ready' });
    await settle();
    const s = editor.getSnapshot();
    expect(s.engineStatus.health).toBe('ready');
    expect(s.stageInfos.map((x) => x.name)).toEqual(['lama', 'color']);
    expect(s.engine?.version).toBe('fake');
  });
});

describe('in a browser (no dialogs)', () => {
  let engine: FakeEngine;
  let editor: Editor;
  const picked: string[] = [];
  const saved: EncodedFile[] = [];

  beforeEach(async () => {
    engine = fakeEngine();
    editor = new Editor({
      enabledStages: ['lama'],
      scheduler: { setTimeout: () => 0, clearTimeout: () => {} },
    });
    picked.length = 0;
    saved.length = 0;
    editor.files.setPageFiles({ pickImage: () => picked.push('picker'), save: (f) => saved.push(f) });
    await editor.attach(engine);
  });

  it('Open is the page file picker, Export a download of the encoded result', async () => {
    runCommand(editor, commandForKey({ key: 'o', mod: true })!);
    expect(picked).toEqual(['picker']);
    await editor.openImageData('photo.png', new ArrayBuffer(8));
    paint(editor);
    await editor.runs.run();
    await editor.files.exportResult();
    expect(saved.map((f) => f.name)).toEqual(['photo-inpainted.png']);
    expect(calls(engine, 'exportImage')).toEqual([]);
  });

  it('opens a dropped image from its bytes, and says so when the drop held none', async () => {
    await editor.files.drop({ name: 'dropped.png', bytes: async () => new Uint8Array([1, 2, 3]).buffer });
    expect(calls(engine, 'openImageData')).toHaveLength(1);
    expect(editor.getSnapshot().doc?.name).toBe('dropped.png');
    await editor.files.drop(null);
    expect(editor.getSnapshot().notice?.text).toMatch(/Drop an image file/);
  });
});
