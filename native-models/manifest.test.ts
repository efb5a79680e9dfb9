import { describe, expect, it } from 'vitest';
import {
  DEFAULT_INPAINT_MODEL_ID,
  MANIFEST,
  findModel,
  isTensorModel,
  isValidModelId,
  modelFileName,
  type TensorModelEntry,
} from './manifest';
import { extractedFileBytes } from './tensorContent';

describe('MANIFEST', () => {
  it('has unique, valid ids and well-formed sizes and hashes', () => {
    const ids = MANIFEST.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of MANIFEST) {
      expect(isValidModelId(m.id), m.id).toBe(true);
      expect(Number.isSafeInteger(m.bytes) && m.bytes > 0).toBe(true);
      if (isTensorModel(m)) {
        // A tensor model pins its content hash, or says why it cannot.
        if (m.contentSha256 === null) expect(m.unpinnedReason, m.id).toMatch(/\w/);
        else expect(m.contentSha256).toMatch(/^[0-9a-f]{64}$/);
        if (m.sourceSha256 !== null) expect(m.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
        expect(m.bytes).toBe(extractedFileBytes(m.tensors));
        expect(m.tensors.length).toBeGreaterThan(0);
      } else {
        expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
        expect(m.inputs.length).toBeGreaterThan(0);
        expect(m.outputs.length).toBeGreaterThan(0);
      }
    }
  });

  it('pins every URL to a commit over HTTPS', () => {
    for (const m of MANIFEST) {
      const u = new URL(m.url);
      expect(u.host, m.id).toBe('huggingface.co');
      expect(u.protocol).toBe('https:');
      expect(u.pathname, m.id).toMatch(/\/[0-9a-f]{40}\//);
      expect(u.pathname).not.toMatch(/\/(main|master)\//);
    }
  });

  it('has the default inpainting model', () => {
    expect(findModel(DEFAULT_INPAINT_MODEL_ID)).toMatchObject({
      purpose: 'inpaint',
      convention: 'lama-fixed-rgb',
    });
    expect(findModel('lama-opencv-int8')).toMatchObject({ purpose: 'inpaint', convention: 'lama-fixed-rgb' });
    expect(findModel('nope')).toBeUndefined();
  });

  it('reads the OpenCV Zoo int8 LaMa as RGB: it is the Carve network, trained on RGB', () => {
    // OpenCV's demo feeds it BGR (blobFromImage without swapRB), which is the demo's choice, not the
    // network's: the int8 file is the Carve export quantised, so it takes what the Carve export takes.
    const int8 = findModel('lama-opencv-int8')!;
    expect(int8.inputs.find((t) => t.name === 'image')?.range).toMatch(/^RGB 0\.\.1/);
    expect(int8.outputs[0].range).toMatch(/^RGB 0\.\.255/);
  });

  it('names installed files after the URL, and tensor models after their file', () => {
    expect(modelFileName(findModel('lama-fp32')!)).toBe('lama_fp32.onnx');
    expect(modelFileName(findModel('lama-opencv-int8')!)).toBe('inpainting_lama_2025jan.onnx');
    expect(modelFileName(findModel('vgg19-conv')!)).toBe('vgg19-conv.safetensors');
  });

  it("has VGG19's conv1_1 … conv4_4 from timm's vgg19.tv_in1k, source pinned, content hash not (yet)", () => {
    const vgg = findModel('vgg19-conv') as TensorModelEntry;
    expect(vgg).toMatchObject({ kind: 'tensors', purpose: 'features', licence: 'BSD-3-Clause' });
    expect(vgg.url).toBe(
      'https://huggingface.co/timm/vgg19.tv_in1k/resolve/128d4708565b3a414bcbb9bbad440b2fe37b9f18/model.safetensors',
    );
    expect(vgg.sourceSha256).toBe('11aea017b543ff59233749d8f1cf544cda749378f5790d2fedab841fb86b7669');
    expect(vgg.tensors.map((t) => t.name)).toEqual(
      [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25].flatMap((i) => [
        `features.${i}.weight`,
        `features.${i}.bias`,
      ]),
    );
    expect(vgg.tensors.slice(0, 4)).toEqual([
      { name: 'features.0.weight', dtype: 'F32', shape: [64, 3, 3, 3] },
      { name: 'features.0.bias', dtype: 'F32', shape: [64] },
      { name: 'features.2.weight', dtype: 'F32', shape: [64, 64, 3, 3] },
      { name: 'features.2.bias', dtype: 'F32', shape: [64] },
    ]);
    expect(vgg.tensors.at(-2)).toEqual({ name: 'features.25.weight', dtype: 'F32', shape: [512, 512, 3, 3] });
    // 10 585 152 float32 values: 42.3 MB of the 575 MB file.
    const values = vgg.tensors.reduce((s, t) => s + t.shape.reduce((a, b) => a * b, 1), 0);
    expect(values).toBe(10_585_152);
    expect(vgg.bytes - values * 4).toBeLessThan(4096);
    expect(vgg.contentSha256).toBeNull();
  });

  it('accepts only ids that are safe folder names', () => {
    for (const ok of ['a', 'lama-fp32', 'x.y_z-1']) expect(isValidModelId(ok)).toBe(true);
    for (const bad of ['', '..', '.a', '-a', 'a/b', 'a\\b', 'A', 'a'.repeat(65)])
      expect(isValidModelId(bad)).toBe(false);
  });
});
