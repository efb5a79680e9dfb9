// The texture stage keeps its written graphs on the pipeline's cache, not in module state (issue 16 §3).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_CACHE_ENV } from '../../../native-models/generated/index';
import { GraphBuilder } from '../../graph/onnxBuilder';
import { LruCache } from '../../common/lruCache';
import type { ModelSession, SessionPool } from '../../ort/types';
import { pooledSessions } from './sessions';

function identityGraph(): Uint8Array {
  const g = new GraphBuilder('identity');
  const x = g.input('x', 'float32', [1]);
  const [y] = g.node('Identity', [x]);
  g.output(y, 'y', 'float32', [1]);
  return g.build();
}

describe('pooledSessions', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'texture-sessions-'));
  const before = process.env[MODEL_CACHE_ENV];
  beforeAll(() => {
    process.env[MODEL_CACHE_ENV] = dir;
  });
  afterAll(() => {
    if (before === undefined) delete process.env[MODEL_CACHE_ENV];
    else process.env[MODEL_CACHE_ENV] = before;
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds a graph once per cache, writes it to the cache folder, and shares nothing between caches', async () => {
    const paths: string[] = [];
    const pool = { get: async (p: string) => (paths.push(p), {} as ModelSession) } as unknown as SessionPool;
    let builds = 0;
    const build = () => (builds++, identityGraph());
    const one = new LruCache(1 << 20);
    const two = new LruCache(1 << 20);
    await pooledSessions(pool, one)('k', build);
    await pooledSessions(pool, one)('k', build);
    expect(builds).toBe(1);
    await pooledSessions(pool, two)('k', build);
    expect(builds).toBe(2);
    expect(path.dirname(paths[0])).toBe(dir);
    expect(existsSync(paths[0])).toBe(true);
    expect(new Set(paths).size).toBe(1);
  });
});
