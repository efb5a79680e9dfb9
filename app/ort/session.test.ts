import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../common/errors';
import { GENERATED_MODELS, ensureGeneratedModel } from '../../native-models/generated/index';
import { createSessionPool, loadModelSession, readModelInfo } from './sessions';
import type { TensorValue } from './types';
import { codeOf } from '../testing/errors';

let dir: string;
let modelPath: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ort-test-'));
  modelPath = await ensureGeneratedModel('generated-lama-dynamic-4ch', dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const feed = (h = 64, w = 64): Record<string, TensorValue> => ({
  input: { dtype: 'float32', dims: [1, 4, h, w], data: new Float32Array(4 * h * w).fill(0.5) },
});

describe('loadModelSession', () => {
  it('loads on CPU by default, recording why each earlier provider was not used', async () => {
    const s = await loadModelSession(modelPath);
    try {
      expect(s.provider).toBe('cpu');
      expect(s.attempts.map((a) => a.provider)).toEqual(['cuda', 'dml', 'coreml', 'cpu']);
      expect(s.attempts.at(-1)).toEqual({ provider: 'cpu', ok: true });
      for (const a of s.attempts.slice(0, -1)) {
        expect(a.ok).toBe(false);
        expect(a.reason).toMatch(/^(failed|skipped): /);
      }
      if (process.platform === 'linux') {
        expect(s.attempts[1].reason).toBe('skipped: not available on linux');
        expect(s.attempts[2].reason).toBe('skipped: not available on linux');
      }
    } finally {
      await s.release();
    }
  });

  it('reads input/output names, dtypes, symbolic dims and metadata_props', async () => {
    const s = await loadModelSession(modelPath, { providers: ['cpu'] });
    try {
      expect(s.inputs).toEqual([{ name: 'input', dtype: 'float32', dims: [1, 4, 'height', 'width'] }]);
      expect(s.outputs).toEqual([{ name: 'output', dtype: 'float32', dims: [1, 3, 'height', 'width'] }]);
      expect(s.metadata['inpaint_studio.generated']).toBe('true');
      expect(s.metadata['inpaint_studio.convention']).toBe('lama-dynamic-4ch');
      expect(s.name).toBe(modelPath.split(/[\\/]/).at(-1));
    } finally {
      await s.release();
    }
  });

  it('falls back from cuda to cpu and keeps cuda’s failure', async () => {
    const s = await loadModelSession(modelPath, {
      providers: ['cuda', 'cpu'],
      intraOpThreads: 1,
      interOpThreads: 1,
    });
    try {
      expect(s.provider).toBe('cpu');
      expect(s.attempts[0].provider).toBe('cuda');
      expect(s.attempts[0].ok).toBe(false);
      expect(s.attempts[0].reason).toMatch(/^(failed|skipped): .+/);
    } finally {
      await s.release();
    }
  });

  it('throws PROVIDER_UNAVAILABLE listing every provider when none works', async () => {
    const e = await loadModelSession(modelPath, { providers: ['cuda', 'dml'] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StudioError);
    expect((e as StudioError).code).toBe('PROVIDER_UNAVAILABLE');
    expect((e as StudioError).message).toMatch(/\[cuda\] (failed|skipped): /);
    expect((e as StudioError).message).toMatch(/\[dml\] (failed|skipped): /);
  });

  it('throws PROVIDER_UNAVAILABLE for cuda alone', async () => {
    expect(await codeOf(loadModelSession(modelPath, { providers: ['cuda'] }))).toBe('PROVIDER_UNAVAILABLE');
  });

  it('reports a corrupt file as MODEL_INTEGRITY naming it, and a missing one as MODEL_MISSING', async () => {
    const bad = join(dir, 'broken.onnx');
    await writeFile(bad, 'this is not an onnx model at all');
    const e = (await loadModelSession(bad).catch((x: unknown) => x)) as StudioError;
    expect(e.code).toBe('MODEL_INTEGRITY');
    expect(e.message).toContain(bad);
    const truncated = join(dir, 'truncated.onnx');
    await writeFile(truncated, GENERATED_MODELS[0].build().subarray(0, 700));
    expect(await codeOf(loadModelSession(truncated))).toBe('MODEL_INTEGRITY');
    expect(await codeOf(loadModelSession(join(dir, 'nope.onnx')))).toBe('MODEL_MISSING');
  });

  it('rejects a bad thread count with PARAM_INVALID', async () => {
    expect(await codeOf(loadModelSession(modelPath, { intraOpThreads: -1 }))).toBe('PARAM_INVALID');
  });

  it('runs, and wraps ORT errors as INFERENCE with the model name and input shapes', async () => {
    const s = await loadModelSession(modelPath, { providers: ['cpu'] });
    try {
      const out = await s.run(feed());
      expect(out.output.dims).toEqual([1, 3, 64, 64]);
      expect(out.output.dtype).toBe('float32');
      const bad = {
        input: { dtype: 'float32' as const, dims: [1, 3, 64, 64], data: new Float32Array(3 * 64 * 64) },
      };
      const e = (await s.run(bad).catch((x: unknown) => x)) as StudioError;
      expect(e.code).toBe('INFERENCE');
      expect(e.message).toContain(s.name);
      expect(e.message).toContain('input float32 [1,3,64,64]');
      const mismatch = {
        input: { dtype: 'float32' as const, dims: [1, 4, 8, 8], data: new Float32Array(5) },
      };
      expect(await codeOf(s.run(mismatch))).toBe('INFERENCE');
    } finally {
      await s.release();
    }
  });

  it('throws CANCELLED when the signal fired before or during a run', async () => {
    const s = await loadModelSession(modelPath, { providers: ['cpu'] });
    try {
      expect(await codeOf(s.run(feed(), AbortSignal.abort()))).toBe('CANCELLED');
      const ac = new AbortController();
      const pending = s.run(feed(), ac.signal);
      ac.abort();
      expect(await codeOf(pending)).toBe('CANCELLED');
    } finally {
      await s.release();
    }
  });

  it('loads from bytes too', async () => {
    const s = await loadModelSession(GENERATED_MODELS[3].build(), { providers: ['cpu'] });
    expect(s.source).toBe('model bytes');
    expect(s.inputs.map((i) => `${i.name}:${i.dtype}`)).toEqual(['image:uint8', 'mask:uint8']);
    await s.release();
  });
});

describe('readModelInfo', () => {
  it('reads metadata_props and the opset from model bytes', async () => {
    const info = readModelInfo(GENERATED_MODELS[1].build(), 'x.onnx');
    expect(info.opset).toBe(17);
    expect(info.metadata['inpaint_studio.convention']).toBe('lama-fixed-bgr');
  });
});

describe('createSessionPool', () => {
  it('caches by path and config, counts runs, and releases everything', async () => {
    const pool = createSessionPool({ providers: ['cpu'] });
    const a = await pool.get(modelPath);
    const b = await pool.get(modelPath);
    expect(b).toBe(a);
    const c = await pool.get(modelPath, { intraOpThreads: 1 });
    expect(c).not.toBe(a);
    expect(pool.size).toBe(2);
    // An explicitly undefined field keeps the pool's default.
    expect(await pool.get(modelPath, { providers: undefined })).toBe(a);

    expect(pool.runCounts.get(modelPath) ?? 0).toBe(0);
    await a.run(feed(32, 32));
    await c.run(feed(32, 32));
    expect(pool.runCounts.get(modelPath)).toBe(2);
    await expect(a.run(feed(32, 32), AbortSignal.abort())).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(pool.runCounts.get(modelPath)).toBe(2);

    await pool.releaseAll();
    expect(pool.size).toBe(0);
    expect(await codeOf(a.run(feed(32, 32)))).toBe('INTERNAL');
    const d = await pool.get(modelPath);
    expect(d).not.toBe(a);
    await d.run(feed(32, 32));
    expect(pool.runCounts.get(modelPath)).toBe(3);
    await pool.releaseAll();
  });

  it('does not cache a failed load', async () => {
    const pool = createSessionPool();
    const missing = join(dir, 'later.onnx');
    expect(await codeOf(pool.get(missing))).toBe('MODEL_MISSING');
    expect(pool.size).toBe(0);
    await writeFile(missing, GENERATED_MODELS[2].build());
    const s = await pool.get(missing);
    expect(s.provider).toBe('cpu');
    await pool.releaseAll();
  });
});
