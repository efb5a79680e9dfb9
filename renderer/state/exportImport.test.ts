// Export settings (quality, colour profile, location), copy to clipboard, and mask import's questions.
import { beforeEach, describe, expect, it } from 'vitest';
import { Editor, type EncodedFile } from './editor';
import { effectiveQuality, withOptions, DEFAULT_EXPORT_OPTIONS } from './exportSettings';
import { combineCoverage, resizeCoverage, type MaskImage } from './maskImport';
import { fakeEngine, type FakeEngine } from './testing/fakeEngine';
import { runCommand } from './commandRegistry';

let editor: Editor;
let api: FakeEngine;
const W = 40,
  H = 30;

async function openJpeg(quality: number | undefined) {
  const open = api.openImageData.bind(api);
  api.openImageData = async (p) => ({ ...(await open(p)), format: 'jpeg', ...(quality ? { quality } : {}) });
  await editor.openImageData('photo.jpg', new ArrayBuffer(8));
}

function lastEncode() {
  const c = api.calls.filter((x) => x.method === 'encodeResult').pop();
  return c?.params as Record<string, unknown>;
}

beforeEach(async () => {
  editor = new Editor();
  api = fakeEngine();
  await editor.attach(api);
});

async function runOnce() {
  editor.masking.setBrush({ size: 6, hardness: 1 });
  editor.pointerDown({ x: 10, y: 10 });
  editor.pointerUp({ x: 10, y: 10 });
  await editor.runs.run();
}

describe('export settings', () => {
  it("JPEG export keeps the source's quality by default, else 92; a chosen quality wins", async () => {
    await openJpeg(81);
    await runOnce();
    editor.exports.setFormat('jpeg');
    await editor.exports.encodeResult();
    expect(lastEncode()).toMatchObject({
      format: 'jpeg',
      quality: 81,
      colorProfile: 'keep',
      stripLocation: false,
    });
    editor.exports.setOptions({ quality: 60, colorProfile: 'srgb', stripLocation: true });
    await editor.exports.encodeResult('webp');
    expect(lastEncode()).toMatchObject({
      format: 'webp',
      quality: 60,
      colorProfile: 'srgb',
      stripLocation: true,
    });
    // PNG takes no quality.
    await editor.exports.encodeResult('png');
    expect(lastEncode()).not.toHaveProperty('quality');
  });

  it('without a readable source quality the default is 92', async () => {
    await openJpeg(undefined);
    await runOnce();
    await editor.exports.encodeResult('jpeg');
    expect(lastEncode()).toMatchObject({ quality: 92 });
    expect(effectiveQuality(DEFAULT_EXPORT_OPTIONS, null)).toBe(92);
  });

  it('quality is clamped and rounded; an emptied field goes back to the default', () => {
    expect(withOptions(DEFAULT_EXPORT_OPTIONS, { quality: 140 }).quality).toBe(100);
    expect(withOptions(DEFAULT_EXPORT_OPTIONS, { quality: 0.2 }).quality).toBe(1);
    expect(withOptions(DEFAULT_EXPORT_OPTIONS, { quality: 72.6 }).quality).toBe(73);
    expect(withOptions(DEFAULT_EXPORT_OPTIONS, { quality: NaN }).quality).toBeNull();
  });

  it('copy puts the full-resolution PNG on the clipboard', async () => {
    await openJpeg(90);
    await runOnce();
    const copied: EncodedFile[] = [];
    editor.exports.setClipboard(async (f) => {
      copied.push(f);
    });
    runCommand(editor, 'file:copy');
    await expect.poll(() => copied.length).toBe(1);
    expect(lastEncode()).toMatchObject({ format: 'png' });
    expect(editor.getSnapshot().notice?.text).toMatch(/Copied/);
  });
});

function maskImage(w: number, h: number, fill: (x: number, y: number) => number, name = 'm.png'): MaskImage {
  const coverage = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) coverage[y * w + x] = fill(x, y);
  return { name, width: w, height: h, coverage };
}

describe('mask import', () => {
  beforeEach(async () => {
    await editor.openImageData('photo.png', new ArrayBuffer(8));
  });
  const area = () => editor.mask!.mask.area();

  it('a mask of the image size replaces an empty mask at once', () => {
    editor.masking.importImage(maskImage(W, H, (x) => (x < 10 ? 255 : 0)));
    expect(editor.getSnapshot().pendingMaskImport).toBeNull();
    expect(area()).toBe(10 * H);
  });

  it('a mask of another size asks; cancel leaves the mask alone; resize scales it to the image', () => {
    const img = maskImage(80, 60, (x) => (x < 20 ? 255 : 0), 'big.png');
    editor.masking.importImage(img);
    const q = editor.getSnapshot().pendingMaskImport!;
    expect(q).toMatchObject({ sizeDiffers: true, maskHasContent: false });
    expect(area()).toBe(0);
    editor.masking.answerImport('cancel');
    expect(editor.getSnapshot().pendingMaskImport).toBeNull();
    expect(area()).toBe(0);
    editor.masking.importImage(img);
    editor.masking.answerImport('replace');
    // The left quarter of 80 px is the left 10 of 40 px.
    expect(area()).toBe(10 * H);
    expect(editor.getSnapshot().notice?.text).toMatch(/resized from 80×60/);
    // One undo step.
    editor.history.undo();
    expect(area()).toBe(0);
  });

  it('onto a mask with content it asks: add keeps both, replace keeps only the import', () => {
    editor.masking.importImage(maskImage(W, H, (x) => (x < 10 ? 255 : 0)));
    const right = maskImage(W, H, (x) => (x >= 30 ? 255 : 0));
    editor.masking.importImage(right);
    expect(editor.getSnapshot().pendingMaskImport).toMatchObject({
      sizeDiffers: false,
      maskHasContent: true,
    });
    editor.masking.answerImport('add');
    expect(area()).toBe(20 * H);
    editor.masking.importImage(right);
    editor.masking.answerImport('replace');
    expect(area()).toBe(10 * H);
    expect(editor.mask!.mask.data[5]).toBe(0);
  });

  it('Escape cancels a waiting import', () => {
    editor.masking.importImage(maskImage(8, 8, () => 255));
    runCommand(editor, 'escape');
    expect(editor.getSnapshot().pendingMaskImport).toBeNull();
    expect(area()).toBe(0);
  });

  it('resizing averages on a shrink (a 1 px line survives as partial coverage) and keeps edges on a grow', () => {
    const src = new Uint8Array(8 * 8);
    for (let y = 0; y < 8; y++) src[y * 8 + 3] = 255;
    const small = resizeCoverage(src, 8, 8, 2, 2);
    expect(Array.from(small)).toEqual([64, 0, 64, 0]);
    const big = resizeCoverage(new Uint8Array([255, 0, 0, 255]), 2, 2, 4, 4);
    expect(Array.from(big)).toEqual([255, 255, 0, 0, 255, 255, 0, 0, 0, 0, 255, 255, 0, 0, 255, 255]);
    expect(Array.from(combineCoverage(new Uint8Array([10, 200]), new Uint8Array([100, 50]), 'add'))).toEqual([
      100, 200,
    ]);
  });
});
