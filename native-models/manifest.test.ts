import { describe, expect, it } from 'vitest';
import { DEFAULT_INPAINT_MODEL_ID, MANIFEST, findModel, isValidModelId, modelFileName } from './manifest';

describe('MANIFEST', () => {
  it('has unique, valid ids and well-formed sizes and hashes', () => {
    const ids = MANIFEST.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of MANIFEST) {
      expect(isValidModelId(m.id), m.id).toBe(true);
      expect(m.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(Number.isSafeInteger(m.bytes) && m.bytes > 0).toBe(true);
      expect(m.inputs.length).toBeGreaterThan(0);
      expect(m.outputs.length).toBeGreaterThan(0);
    }
  });

  it('pins every URL to a commit over HTTPS', () => {
    for (const m of MANIFEST) {
      const u = new URL(m.url);
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
    expect(findModel('lama-opencv-int8')).toMatchObject({ purpose: 'inpaint', convention: 'lama-fixed-bgr' });
    expect(findModel('nope')).toBeUndefined();
  });

  it('names installed files after the URL', () => {
    expect(modelFileName(findModel('lama-fp32')!)).toBe('lama_fp32.onnx');
    expect(modelFileName(findModel('lama-opencv-int8')!)).toBe('inpainting_lama_2025jan.onnx');
  });

  it('accepts only ids that are safe folder names', () => {
    for (const ok of ['a', 'lama-fp32', 'x.y_z-1']) expect(isValidModelId(ok)).toBe(true);
    for (const bad of ['', '..', '.a', '-a', 'a/b', 'a\\b', 'A', 'a'.repeat(65)])
      expect(isValidModelId(bad)).toBe(false);
  });
});
