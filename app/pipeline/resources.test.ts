// Each pipeline carries its own bounded cache of graphs and weights to its stages (issue 16 §3).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LruCache } from '../common/lruCache';
import { createImage, createMask } from '../image/types';
import type { SessionPool } from '../ort/types';
import { ensureSearchGraph } from '../stages/blockmatch/searchGraph';
import { Pipeline } from './run';
import type { ModelResolver, StageDef } from './types';

const sessions = {} as SessionPool;
const models: ModelResolver = { resolve: async () => null };

function probeStage(seen: (LruCache | undefined)[], dir: string): StageDef {
  return {
    name: 'blockmatch',
    label: 'Probe',
    description: 'records its context and builds a search graph through it',
    params: { stage: 'blockmatch', params: [] },
    async run(input, _params, ctx) {
      seen.push(ctx.resources);
      await ensureSearchGraph(2, false, false, dir, ctx.resources);
      return { image: input.image };
    },
  };
}

describe('the stage context resources', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stage-resources-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are the pipeline’s own: one cache per pipeline, kept across its runs, shared by no other', async () => {
    const seen: (LruCache | undefined)[] = [];
    const one = new Pipeline({ stages: [probeStage(seen, dir)], sessions, models });
    const two = new Pipeline({ stages: [probeStage(seen, dir)], sessions, models });
    const mask = createMask(4, 4);
    mask.data[5] = 1;
    const request = { image: createImage(4, 4), mask, stages: [{ name: 'blockmatch' as const }] };
    await one.run(request);
    await one.run({ ...request, seed: 7 });
    await two.run(request);
    expect(seen[0]).toBe(one.resources);
    expect(seen[1]).toBe(one.resources);
    expect(seen[2]).toBe(two.resources);
    expect(one.resources).not.toBe(two.resources);
    const key = `blockmatch-search:2|false|false|${dir}`;
    expect(one.resources.has(key)).toBe(true);
    expect(two.resources.has(key)).toBe(true);
    expect(one.resources.size).toBe(1);
  });
});
