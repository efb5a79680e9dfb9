// A provider whose session creates fine but whose run fails (DirectML on the Carve LaMa: "MatMul …
// The parameter is incorrect"). ONNX Runtime is wrapped so that asking for 'dml' or 'cuda' gives a
// real CPU session whose run obeys the test's rule for that provider; the platform pre-check is out
// of the way, as in session.fallback.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureGeneratedModel } from '../../native-models/generated/index';
import { StudioError } from '../common/errors';
import { createSessionPool, loadModelSession } from './sessions';
import type { ProviderName, TensorValue } from './types';

vi.mock('./providers', () => ({ unavailableReason: () => null }));

/** Per provider: whether a run with these input dims fails (null: the provider behaves). */
type Rule = (dims: readonly number[]) => boolean;
const rules: Partial<Record<ProviderName, Rule>> = {};
/** Every run the fake providers saw: provider and the dims of each input. */
const runs: { provider: string; dims: Record<string, number[]> }[] = [];
const MATMUL =
  "Non-zero status code returned while running MatMul node. Name:'/generator/model/model.5/conv1/ffc/convg2g/fu/rttn/MatMul_5' Status Message: The parameter is incorrect.";

vi.mock('onnxruntime-node', async (importOriginal) => {
  const ort = await importOriginal<typeof import('onnxruntime-node')>();
  type Options = import('onnxruntime-node').InferenceSession.SessionOptions;
  const create = async (model: string | Uint8Array, options: Options) => {
    const provider = String(options.executionProviders?.[0]);
    const real =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, { ...options, executionProviders: ['cpu'] })
        : await ort.InferenceSession.create(model, { ...options, executionProviders: ['cpu'] });
    if (provider === 'cpu') return real;
    return new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'run') {
          return async (feeds: Record<string, import('onnxruntime-node').Tensor>) => {
            const dims = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, [...t.dims]]));
            runs.push({ provider, dims });
            const rule = rules[provider as ProviderName];
            if (rule && Object.values(dims).some((d) => rule(d))) throw new Error(MATMUL);
            return target.run(feeds);
          };
        }
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  };
  return { ...ort, InferenceSession: { ...ort.InferenceSession, create } };
});

let dir: string;
let dynamicPath: string;
let fixedPath: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ort-run-fallback-'));
  dynamicPath = await ensureGeneratedModel('generated-lama-dynamic-4ch', dir);
  fixedPath = await ensureGeneratedModel('generated-lama-fixed-rgb', dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  runs.length = 0;
  for (const k of Object.keys(rules)) delete rules[k as ProviderName];
});

const always: Rule = () => true;
/** Fails on anything larger than the warm-up's 64x64: the warm-up passes, a real run does not. */
const beyondWarmUp: Rule = (d) => d.length === 4 && d[2] * d[3] > 64 * 64;
const feed = (h: number, w: number): Record<string, TensorValue> => ({
  input: { dtype: 'float32', dims: [1, 4, h, w], data: new Float32Array(4 * h * w).fill(0.5) },
});

describe('a provider that loads but fails when run', () => {
  it('is passed over at load: a warm-up run on zeros fails and the next provider is used', async () => {
    rules.dml = always;
    const s = await loadModelSession(dynamicPath, { providers: ['dml', 'cpu'] });
    try {
      expect(s.provider).toBe('cpu');
      expect(s.attempts[0]).toMatchObject({ provider: 'dml', ok: false });
      expect(s.attempts[0].reason).toMatch(
        /^failed: the session loaded but a warm-up run failed: .*The parameter is incorrect/,
      );
      expect(s.attempts[1]).toEqual({ provider: 'cpu', ok: true });
      // The warm-up fed the model's shape: batch 1, symbolic height and width at 64.
      expect(runs).toEqual([{ provider: 'dml', dims: { input: [1, 4, 64, 64] } }]);
    } finally {
      await s.release();
    }
  });

  it('warms up a fixed-size model at its own size, and keeps a provider whose warm-up passes', async () => {
    const s = await loadModelSession(fixedPath, { providers: ['dml', 'cpu'] });
    try {
      expect(s.provider).toBe('dml');
      expect(runs).toEqual([{ provider: 'dml', dims: { image: [1, 3, 512, 512], mask: [1, 1, 512, 512] } }]);
    } finally {
      await s.release();
    }
  });

  it('a run that fails on a non-CPU provider is retried once on the next, which then keeps the session', async () => {
    rules.dml = beyondWarmUp;
    const s = await loadModelSession(dynamicPath, { providers: ['dml', 'cpu'] });
    try {
      expect(s.provider).toBe('dml'); // its warm-up passed
      const out = await s.run(feed(128, 96));
      expect(out.output.dims).toEqual([1, 3, 128, 96]);
      expect(s.provider).toBe('cpu');
      expect(s.attempts.map((a) => [a.provider, a.ok])).toEqual([
        ['dml', true],
        ['dml', false],
        ['cpu', true],
      ]);
      expect(s.attempts[1].reason).toMatch(/^failed: a run failed: .*The parameter is incorrect/);
      // The next run goes straight to the CPU: the failing provider saw the warm-up and one run only.
      await s.run(feed(64, 128));
      expect(runs.filter((r) => r.provider === 'dml')).toHaveLength(2);
    } finally {
      await s.release();
    }
  });

  it('retries once only: when the next provider fails too, INFERENCE names both', async () => {
    rules.cuda = beyondWarmUp;
    rules.dml = beyondWarmUp;
    const s = await loadModelSession(dynamicPath, { providers: ['cuda', 'dml', 'cpu'] });
    try {
      const e = (await s.run(feed(128, 128)).catch((x: unknown) => x)) as StudioError;
      expect(e).toBeInstanceOf(StudioError);
      expect(e.code).toBe('INFERENCE');
      expect(e.message).toMatch(/on cuda \(.*The parameter is incorrect\.\) and again on dml/);
      expect(s.provider).toBe('dml');
    } finally {
      await s.release();
    }
  });

  it('does not retry an input the engine itself refuses, nor a failure on the CPU', async () => {
    rules.dml = beyondWarmUp;
    const s = await loadModelSession(dynamicPath, { providers: ['dml', 'cpu'] });
    try {
      const bad = { input: { dtype: 'float32' as const, dims: [1, 4, 8, 8], data: new Float32Array(5) } };
      await expect(s.run(bad)).rejects.toMatchObject({ code: 'INFERENCE' });
      expect(s.provider).toBe('dml');
      expect(s.attempts).toHaveLength(1);
    } finally {
      await s.release();
    }
  });

  it('the pool keeps the moved session: the next get returns it, on the new provider', async () => {
    rules.dml = beyondWarmUp;
    const pool = createSessionPool({ providers: ['dml', 'cpu'] });
    try {
      const s = await pool.get(dynamicPath);
      await s.run(feed(96, 96));
      const again = await pool.get(dynamicPath);
      expect(again).toBe(s);
      expect(again.provider).toBe('cpu');
      expect(pool.runCounts.get(dynamicPath)).toBe(1);
    } finally {
      await pool.releaseAll();
    }
  });
});
