import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSearchGraph, ensureSearchGraph } from './searchGraph';

describe('the search graph on disk', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bm-graph-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is written once per variant by the shared model cache writer, named by its hash', async () => {
    const a = await ensureSearchGraph(4, true, false, dir);
    expect(path.basename(a)).toMatch(/^blockmatch-search-[0-9a-f]{16}\.onnx$/);
    expect(Buffer.compare(readFileSync(a), Buffer.from(buildSearchGraph(4, true)))).toBe(0);
    expect(await ensureSearchGraph(4, true, false, dir)).toBe(a);
    const b = await ensureSearchGraph(1, false, true, dir);
    expect(b).not.toBe(a);
    expect(readdirSync(dir).sort()).toEqual([path.basename(a), path.basename(b)].sort());
  });
});
