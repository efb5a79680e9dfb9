// Apply, going back to an applied step, exporting the base, and the session a reloaded page reads back.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResponseMessage } from '../contract/messages';
import { loadImageFromBuffer } from '../image/load';
import { encodeImage } from '../image/save';
import { createImage, type RgbImage } from '../image/types';
import { AppliedSteps, differenceBox } from './appliedSteps';
import { EngineHost } from './engineHost';
import { createEngineServices } from './services';
import { FileSessionKeeper, SESSION_FILE } from './sessionFile';

const dir = mkdtempSync(path.join(os.tmpdir(), 'editor-session-'));
const services = createEngineServices({ modelsDir: path.join(dir, 'models'), providers: ['cpu'] });
afterAll(() => services.close());

const W = 64,
  H = 48;

async function pngBytes(): Promise<ArrayBuffer> {
  const img = createImage(W, H);
  // A gradient with two white squares: the holes cover them, and a fill from around them is not white.
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const square = (x >= 10 && x < 18 && y >= 10 && y < 18) || (x >= 42 && x < 50 && y >= 24 && y < 32);
        img.data[c * W * H + y * W + x] = square
          ? 1
          : (0.2 + 0.3 * (x / W) + 0.1 * c) * (0.8 + 0.2 * (y / H));
      }
  const b = await encodeImage(img, { format: 'png' });
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function caller(host: EngineHost) {
  let id = 0;
  return async (method: string, params: unknown) => {
    const r = (await host.handle({ type: 'request', id: ++id, method, params })) as ResponseMessage & {
      result?: Record<string, unknown>;
      error?: { code: string; message: string };
    };
    return r;
  };
}

function boxMask(x0: number, y0: number, x1: number, y1: number) {
  const d = new Uint8Array(W * H);
  for (let y = y0; y < y1; y++) d.fill(1, y * W + x0, y * W + x1);
  return { width: W, height: H, data: d.buffer };
}

/** RGBA bytes of a raster in a box, as one array (to compare two rasters there). */
function region(rgba: ArrayBuffer, x0: number, y0: number, x1: number, y1: number): number[] {
  const p = new Uint8Array(rgba);
  const out: number[] = [];
  for (let y = y0; y < y1; y++) out.push(...p.subarray((y * W + x0) * 4, (y * W + x1) * 4));
  return out;
}

const STAGES = [{ name: 'lama', params: { fallback: 'patchmatch' } }];

describe('editor session in the engine', () => {
  it('apply: the next run fills from the applied result, so the first fill stays; step 0 goes back', async () => {
    const call = caller(new EngineHost(services, () => {}));
    const open = await call('openImageData', { name: 'a.png', bytes: await pngBytes() });
    const imageId = open.result!.imageId as string;
    const original = (open.result!.preview as { rgba: ArrayBuffer }).rgba;
    const first = await call('run', { jobId: 'r1', imageId, mask: boxMask(8, 8, 20, 20), stages: STAGES });
    expect(first.ok).toBe(true);
    const fill1 = region((first.result!.image as { rgba: ArrayBuffer }).rgba, 8, 8, 20, 20);
    expect(fill1).not.toEqual(region(original, 8, 8, 20, 20));

    const applied = await call('applyResult', {
      imageId,
      resultId: first.result!.resultId,
      label: 'Remove 1',
    });
    expect(applied.result).toEqual({ step: 1, steps: ['Remove 1'] });

    const second = await call('run', { jobId: 'r2', imageId, mask: boxMask(40, 20, 52, 36), stages: STAGES });
    expect(second.ok).toBe(true);
    const rgba2 = (second.result!.image as { rgba: ArrayBuffer }).rgba;
    // The first fill is the new base: outside the second hole it is there, unchanged.
    expect(region(rgba2, 8, 8, 20, 20)).toEqual(fill1);

    const back = await call('setImageStep', { imageId, step: 0 });
    expect(back.result).toMatchObject({ step: 0, steps: ['Remove 1'] });
    expect(new Uint8Array((back.result!.preview as { rgba: ArrayBuffer }).rgba)).toEqual(
      new Uint8Array(original),
    );
    const again = await call('setImageStep', { imageId, step: 1 });
    expect(region((again.result!.preview as { rgba: ArrayBuffer }).rgba, 8, 8, 20, 20)).toEqual(fill1);
    // The editor still holds the display copy: none is sent.
    const quiet = await call('setImageStep', { imageId, step: 0, preview: false });
    expect(quiet.result).toEqual({ step: 0, steps: ['Remove 1'] });
    expect((await call('setImageStep', { imageId, step: 2 })).error).toMatchObject({
      code: 'PARAM_INVALID',
      message: expect.stringMatching(/step between 0 and 1 but received 2/),
    });
  });

  it('a result applies only to the image it was made from', async () => {
    const call = caller(new EngineHost(services, () => {}));
    const bytes = await pngBytes();
    const a = (await call('openImageData', { name: 'a.png', bytes })).result!.imageId as string;
    const b = (await call('openImageData', { name: 'b.png', bytes })).result!.imageId as string;
    const run = await call('run', { jobId: 'r', imageId: a, mask: boxMask(8, 8, 20, 20), stages: STAGES });
    const r = await call('applyResult', { imageId: b, resultId: run.result!.resultId, label: 'x' });
    expect(r.error).toMatchObject({ code: 'PARAM_INVALID', message: expect.stringMatching(/not made from/) });
  });

  it('export writes the current base at full resolution (encodeResult with imageId)', async () => {
    const call = caller(new EngineHost(services, () => {}));
    const imageId = (await call('openImageData', { name: 'a.png', bytes: await pngBytes() })).result!
      .imageId as string;
    const run = await call('run', { jobId: 'r', imageId, mask: boxMask(8, 8, 20, 20), stages: STAGES });
    await call('applyResult', { imageId, resultId: run.result!.resultId, label: 'Remove 1' });
    const file = await call('encodeResult', { imageId, format: 'png' });
    expect(file.ok).toBe(true);
    const decoded = await loadImageFromBuffer(Buffer.from(file.result!.bytes as ArrayBuffer), 'x.png');
    expect([decoded.image.width, decoded.image.height]).toEqual([W, H]);
    const viaResult = await call('encodeResult', { resultId: run.result!.resultId, format: 'png' });
    expect(new Uint8Array(file.result!.bytes as ArrayBuffer)).toEqual(
      new Uint8Array(viaResult.result!.bytes as ArrayBuffer),
    );
    expect((await call('encodeResult', { format: 'png' })).error).toMatchObject({
      code: 'PARAM_INVALID',
      message: expect.stringMatching(/either resultId .* or imageId/),
    });
  });

  it('the session comes back with its image, applied steps, mask and state; closing the image ends it', async () => {
    const host = new EngineHost(services, () => {});
    const call = caller(host);
    expect((await call('loadSession', {})).result).toEqual({ session: null });
    const imageId = (await call('openImageData', { name: 'a.png', bytes: await pngBytes() })).result!
      .imageId as string;
    const run = await call('run', { jobId: 'r', imageId, mask: boxMask(8, 8, 20, 20), stages: STAGES });
    await call('applyResult', { imageId, resultId: run.result!.resultId, label: 'Remove 1' });
    const mask = new Uint8Array(W * H);
    mask.fill(255, 100, 180);
    const state = JSON.stringify({ stages: [{ name: 'lama', enabled: true, values: { feather: 5 } }] });
    expect(
      (await call('saveSession', { imageId, mask: { width: W, height: H, data: mask.buffer }, state })).ok,
    ).toBe(true);
    const s = (await call('loadSession', {})).result!.session as Record<string, unknown>;
    expect(s).toMatchObject({
      imageId,
      name: 'a.png',
      width: W,
      height: H,
      step: 1,
      steps: ['Remove 1'],
      state,
    });
    expect(new Uint8Array((s.mask as { data: ArrayBuffer }).data)).toEqual(mask);
    // The display copy is the applied base, not the file as opened.
    expect(region((s.preview as { rgba: ArrayBuffer }).rgba, 8, 8, 20, 20)).toEqual(
      region((run.result!.image as { rgba: ArrayBuffer }).rgba, 8, 8, 20, 20),
    );
    const wrong = await call('saveSession', {
      imageId,
      mask: { width: 2, height: 2, data: new ArrayBuffer(4) },
      state,
    });
    expect(wrong.error).toMatchObject({ code: 'MASK_SIZE' });
    // keepMask: the state changes, the mask kept from the last save stays without being sent again.
    const state2 = JSON.stringify({ stages: [] });
    expect(
      (await call('saveSession', { imageId, mask: null, keepMask: true, state: state2 })).result,
    ).toEqual({ saved: true });
    const kept = (await call('loadSession', {})).result!.session as Record<string, unknown>;
    expect(kept.state).toBe(state2);
    expect(new Uint8Array((kept.mask as { data: ArrayBuffer }).data)).toEqual(mask);
    // No session kept for another image: the page is told to send its mask.
    const other = (await call('openImageData', { name: 'b.png', bytes: await pngBytes() })).result!
      .imageId as string;
    expect((await call('saveSession', { imageId: other, mask: null, keepMask: true, state })).result).toEqual(
      { saved: false },
    );
    await call('closeImage', { imageId: other });
    await call('closeImage', { imageId });
    expect((await call('loadSession', {})).result).toEqual({ session: null });
  });
});

describe('a session kept on disk, read by a restarted engine', () => {
  it('reopens the image from its path with its applied steps, mask and state; a gone file is an IO error', async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'restart-'));
    const sessionDir = path.join(work, 'session');
    const file = path.join(work, 'photo.png');
    writeFileSync(file, new Uint8Array(await pngBytes()));
    const fileBytes = readFileSync(file);
    const first = (await FileSessionKeeper.open(sessionDir)).keeper;
    const call = caller(new EngineHost(services, () => {}, { sessionKeeper: first }));
    const open = await call('openImage', { path: file });
    const imageId = open.result!.imageId as string;
    const original = (open.result!.preview as { rgba: ArrayBuffer }).rgba;
    const mask = new Uint8Array(W * H);
    mask.fill(1, 3 * W, 7 * W);
    const state = JSON.stringify({ stages: [{ name: 'lama', enabled: true, values: { feather: 3 } }] });
    await call('saveSession', { imageId, mask: { width: W, height: H, data: mask.buffer }, state });
    // Applied after the last save: the kept session follows the applied steps without another save.
    const run = await call('run', { jobId: 'r', imageId, mask: boxMask(8, 8, 20, 20), stages: STAGES });
    await call('applyResult', { imageId, resultId: run.result!.resultId, label: 'Remove 1' });
    const applied = (run.result!.image as { rgba: ArrayBuffer }).rgba;
    expect(region(applied, 8, 8, 20, 20)).not.toEqual(region(original, 8, 8, 20, 20));
    await first.flush();

    // A new engine (the process restarted) over the same folder.
    const second = (await FileSessionKeeper.open(sessionDir)).keeper;
    const host2 = new EngineHost(services, () => {}, { sessionKeeper: second });
    const again = caller(host2);
    // Two requests at once (a page reloaded twice) open the file once.
    const [back, twice] = await Promise.all([again('loadSession', {}), again('loadSession', {})]);
    expect(back.ok && twice.ok).toBe(true);
    const once = new EngineHost(services, () => {}, {
      sessionKeeper: (await FileSessionKeeper.open(sessionDir)).keeper,
    });
    await caller(once)('loadSession', {});
    expect(host2.heldBytes).toBe(once.heldBytes);
    const s = back.result!.session as Record<string, unknown>;
    expect(s).toMatchObject({
      imageId,
      name: 'photo.png',
      width: W,
      height: H,
      step: 1,
      steps: ['Remove 1'],
    });
    expect(s.state).toBe(state);
    expect(new Uint8Array((s.mask as { data: ArrayBuffer }).data)).toEqual(mask);
    // The applied result's pixels, everywhere.
    expect(new Uint8Array((s.preview as { rgba: ArrayBuffer }).rgba)).toEqual(new Uint8Array(applied));
    // The renderer's next requests on that id work: undo reaches the file as opened.
    const undo = await again('setImageStep', { imageId, step: 0 });
    expect(new Uint8Array((undo.result!.preview as { rgba: ArrayBuffer }).rgba)).toEqual(
      new Uint8Array(original),
    );
    expect((await again('setImageStep', { imageId, step: 1 })).result).toMatchObject({ step: 1 });
    expect(readFileSync(file).equals(fileBytes)).toBe(true);
    await second.flush();

    // The image file is gone: an IO error naming it, and the session ends (the file is removed, not left).
    rmSync(file);
    const third = (await FileSessionKeeper.open(sessionDir)).keeper;
    expect(third.load()?.imageId).toBe(imageId);
    const gone = caller(new EngineHost(services, () => {}, { sessionKeeper: third }));
    const err = await gone('loadSession', {});
    expect(err.ok).toBe(false);
    expect(err.error!.code).toBe('IO');
    expect(err.error!.message).toContain(file);
    await third.flush();
    expect(existsSync(path.join(sessionDir, SESSION_FILE))).toBe(false);
    expect((await gone('loadSession', {})).result).toEqual({ session: null });
    expect((await FileSessionKeeper.open(sessionDir)).keeper.load()).toBeNull();
  });
});

describe('applied steps', () => {
  it('any step is reached from the original and the patches; applying after going back drops later steps', () => {
    const orig = createImage(8, 6);
    const mk = (v: number, x0: number, x1: number, from = orig) => {
      const img = createImage(8, 6, new Float32Array(from.data));
      for (let c = 0; c < 3; c++)
        for (let y = 1; y < 3; y++) for (let x = x0; x < x1; x++) img.data[c * 48 + y * 8 + x] = v;
      return img;
    };
    const steps = new AppliedSteps(orig);
    const a = mk(0.5, 1, 3);
    steps.apply(a, 'a');
    const b = mk(0.9, 5, 7, a);
    steps.apply(b, 'b');
    expect(differenceBox(a, b)).toEqual({ x0: 5, y0: 1, x1: 7, y1: 3 });
    expect(steps.goTo(0).data).toEqual(orig.data);
    expect(steps.goTo(2).data).toEqual(b.data);
    expect(steps.goTo(1).data).toEqual(a.data);
    steps.apply(mk(0.2, 0, 1, a), 'c');
    expect(steps.labels).toEqual(['a', 'c']);
    expect(steps.step).toBe(2);
  });

  it('exported steps laid on the original again give every step; a record that does not fit is refused', () => {
    const orig = createImage(8, 6);
    const a = createImage(8, 6, new Float32Array(orig.data));
    a.data.fill(0.4, 9, 12);
    const b = createImage(8, 6, new Float32Array(a.data));
    b.data.fill(0.7, 50, 53);
    const steps = new AppliedSteps(orig);
    steps.apply(a, 'a');
    steps.apply(b, 'b');
    steps.goTo(1);
    const rec = steps.exportSteps();
    expect(rec.step).toBe(1);
    const back = AppliedSteps.fromSteps(createImage(8, 6), rec);
    expect([back.step, back.labels]).toEqual([1, ['a', 'b']]);
    expect(back.image.data).toEqual(a.data);
    expect(back.goTo(2).data).toEqual(b.data);
    expect(back.goTo(0).data).toEqual(orig.data);
    // The same steps on a smaller image (the file changed since): refused, naming the step.
    expect(() => AppliedSteps.fromSteps(createImage(4, 3), rec)).toThrow(
      /Applied step 2 \("b"\) does not fit the 4×3 px image/,
    );
    expect(() => AppliedSteps.fromSteps(orig, { ...rec, step: 3 })).toThrow(/between 0 and 2/);
  });

  it('kept bases never stand in for a step of a dropped branch', () => {
    const orig = createImage(8, 6);
    const fill = (from: RgbImage, v: number, x: number) => {
      const img = createImage(8, 6, new Float32Array(from.data));
      for (let c = 0; c < 3; c++) img.data[c * 48 + 8 + x] = v;
      return img;
    };
    const steps = new AppliedSteps(orig);
    const a = fill(orig, 0.1, 1);
    steps.apply(a, 'a');
    const b = fill(a, 0.2, 2);
    steps.apply(b, 'b');
    expect(steps.goTo(1).data).toEqual(a.data);
    // A new Apply from step 1 drops b: step 2 is c now, though b was kept.
    const c = fill(a, 0.3, 3);
    steps.apply(c, 'c');
    expect(steps.goTo(1).data).toEqual(a.data);
    expect(steps.goTo(2).data).toEqual(c.data);
    expect(steps.goTo(0).data).toEqual(orig.data);
    expect(steps.goTo(2).data).toEqual(c.data);
    expect(steps.goTo(1).data).toEqual(a.data);
  });
});
