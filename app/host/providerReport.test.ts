// engineInfo's providers: what the session layer found here (its static check, then the attempts of the
// sessions it loaded) and the provider of the last model run — not a fixed list.
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ensureGeneratedModel } from '../../native-models/generated/index';
import { createSessionPool } from '../ort/sessions';
import { unavailableReason } from '../ort/sessions';
import { PROVIDER_ORDER, type ProviderName } from '../ort/types';
import { EngineHost } from './engineHost';
import { ProviderTracker } from './providerReport';
import { createEngineServices } from './services';

describe('provider report', () => {
  it('reports the static check before any session, then what the sessions found', () => {
    const check = (p: ProviderName) =>
      p === 'cpu' ? null : p === 'cuda' ? null : `skipped: not available on testos`;
    const t = new ProviderTracker(PROVIDER_ORDER, check);
    expect(t.report()).toEqual({
      providers: ['cuda', 'cpu'],
      details: [
        { name: 'cuda', status: 'available' },
        { name: 'dml', status: 'unavailable', reason: 'skipped: not available on testos' },
        { name: 'coreml', status: 'unavailable', reason: 'skipped: not available on testos' },
        { name: 'cpu', status: 'available' },
      ],
      lastProvider: null,
    });
    // A session tried CUDA, which failed, and loaded on CPU; then a model ran.
    t.observe([
      { provider: 'cuda', ok: false, reason: 'failed: no CUDA-capable device is detected' },
      { provider: 'dml', ok: false, reason: 'skipped: not available on testos' },
      { provider: 'coreml', ok: false, reason: 'skipped: not available on testos' },
      { provider: 'cpu', ok: true },
    ]);
    t.ran('cpu');
    const r = t.report();
    expect(r.providers).toEqual(['cpu']);
    expect(r.details[0]).toEqual({
      name: 'cuda',
      status: 'unavailable',
      reason: 'failed: no CUDA-capable device is detected',
    });
    expect(r.details[3]).toEqual({ name: 'cpu', status: 'loaded' });
    expect(r.lastProvider).toBe('cpu');
  });

  it('leaves out providers the engine was not started with (--providers)', () => {
    const r = new ProviderTracker(['cpu'], () => null).report();
    expect(r.providers).toEqual(['cpu']);
    expect(r.details.map((d) => `${d.name}:${d.status}`)).toEqual([
      'cpu:available',
      'cuda:unavailable',
      'dml:unavailable',
      'coreml:unavailable',
    ]);
  });

  it('tracks the pool the engine uses: sessions report their attempts, runs their provider', async () => {
    const t = new ProviderTracker(['cpu']);
    const pool = t.track(createSessionPool({ providers: ['cpu'] }));
    const model = await ensureGeneratedModel('generated-lama-fixed-rgb');
    const s = await pool.get(model);
    expect(t.report().details[0]).toEqual({ name: 'cpu', status: 'loaded' });
    expect(t.report().lastProvider).toBeNull();
    const [input] = s.inputs;
    const feeds = Object.fromEntries(
      s.inputs.map((i) => {
        const dims = i.dims.map((d) => (typeof d === 'number' ? d : 1));
        return [
          i.name,
          { dtype: 'float32' as const, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) },
        ];
      }),
    );
    expect(input).toBeDefined();
    await s.run(feeds);
    expect(t.report().lastProvider).toBe('cpu');
    expect(pool.runCounts.get(model)).toBe(1);
    // The same session comes back wrapped the same way.
    expect(await pool.get(model)).toBe(s);
    await pool.releaseAll();
  });

  it('reports the provider a run moved to, read after the run (issue 14 item 15)', async () => {
    // A session that starts on dml and whose run moves it to the CPU, as app/ort does when a run
    // fails on a GPU provider.
    let provider: ProviderName = 'dml';
    const attempts = [{ provider: 'dml' as ProviderName, ok: true }];
    const session = {
      source: 'm.onnx',
      name: 'm.onnx',
      opset: 17,
      get provider() {
        return provider;
      },
      attempts,
      inputs: [],
      outputs: [],
      metadata: {},
      run: async () => {
        provider = 'cpu';
        attempts.push({ provider: 'dml', ok: false }, { provider: 'cpu', ok: true });
        return {};
      },
      release: async () => {},
    };
    const pool = {
      runCounts: new Map<string, number>(),
      size: 1,
      get: async () => session,
      releaseAll: async () => {},
    };
    const t = new ProviderTracker(PROVIDER_ORDER, () => null);
    const s = await t.track(pool).get('m.onnx');
    expect(s.provider).toBe('dml');
    await s.run({});
    expect(s.provider).toBe('cpu');
    expect(t.report().lastProvider).toBe('cpu');
    expect(t.report().details.find((d) => d.name === 'dml')?.status).not.toBe('available');
  });

  it("engineInfo reports this machine's providers (CPU here), not a fixed list", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'provider-report-'));
    const host = new EngineHost(createEngineServices({ modelsDir: path.join(dir, 'models') }), () => {});
    const res = await host.handle({ type: 'request', id: 1, method: 'engineInfo', params: {} });
    expect(res.ok).toBe(true);
    const info = (
      res as { result: { providers: string[]; providerDetails: { name: string; status: string }[] } }
    ).result;
    const expected = PROVIDER_ORDER.filter((p) => unavailableReason(p) === null);
    expect(info.providers).toEqual(expected);
    expect(info.providers).toContain('cpu');
    expect(info.providerDetails.map((d) => d.name)).toEqual([...PROVIDER_ORDER]);
    // Platforms that cannot have a provider never list it.
    if (process.platform === 'linux') expect(info.providers).not.toContain('dml');
    if (process.platform === 'linux') expect(info.providers).not.toContain('coreml');
  });
});
