// Provider fallback when the library pre-check is out of the way: every provider is handed to
// onnxruntime-node, so what is recorded is ONNX Runtime's own failure ('cuda' throws at creation
// without its provider library; 'dml'/'coreml' throw "backend not found" on Linux).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureGeneratedModel } from '../../native-models/generated/index';
import { loadModelSession } from './session';

vi.mock('./providers', () => ({ unavailableReason: () => null }));

let dir: string;
let modelPath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ort-fallback-'));
  modelPath = await ensureGeneratedModel('generated-migan', dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.runIf(process.platform === 'linux')('provider fallback through ONNX Runtime', () => {
  it('records each provider ORT refused and ends on cpu', async () => {
    const s = await loadModelSession(modelPath, { providers: ['cuda', 'dml', 'coreml', 'cpu'] });
    try {
      if (s.provider === 'cuda') return; // a machine with working CUDA libraries
      expect(s.provider).toBe('cpu');
      for (const a of s.attempts.slice(0, 3)) {
        expect(a.ok).toBe(false);
        expect(a.reason).toMatch(/^failed: \S/);
      }
    } finally {
      await s.release();
    }
  });

  it('throws PROVIDER_UNAVAILABLE with ORT’s reason for cuda alone', async () => {
    const e = await loadModelSession(modelPath, { providers: ['cuda'] }).then(
      (s) => s.release().then(() => null),
      (x: unknown) => x,
    );
    if (e === null) return; // CUDA works here
    expect(e).toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    expect((e as Error).message).toMatch(/\[cuda\] failed: \S/);
  });
});
