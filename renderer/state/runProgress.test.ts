import { describe, expect, it } from 'vitest';
import { finishRun, IDLE_RUN, startRun } from './runProgress';

describe('finishRun', () => {
  it('gives each stage its own result when the engine ran them in another order (the chain order)', () => {
    const run = startRun('j1', ['lama', 'blockmatch', 'color'], IDLE_RUN);
    const done = finishRun(run, {
      resultId: 'r1',
      totalMs: 30,
      stages: [
        { stage: 'lama', ms: 10, cached: false, info: { crops: [] } },
        { stage: 'color', ms: 5, cached: true, info: { reference: { source: 'ring' } } },
        { stage: 'blockmatch', ms: 15, cached: false, info: { sources: { blocks: [] } } },
      ],
    });
    expect(done.stages.map((s) => s.name)).toEqual(['lama', 'blockmatch', 'color']);
    const color = done.stages.find((s) => s.name === 'color')!;
    expect(color).toMatchObject({ state: 'cached', ms: 5, info: { reference: { source: 'ring' } } });
    expect(done.stages.find((s) => s.name === 'blockmatch')).toMatchObject({ state: 'done', ms: 15 });
  });

  it('leaves a stage the result does not name as it was', () => {
    const run = startRun('j1', ['lama', 'texture'], IDLE_RUN);
    const done = finishRun(run, {
      resultId: 'r',
      totalMs: 1,
      stages: [{ stage: 'lama', ms: 1, cached: false }],
    });
    expect(done.stages[1]).toMatchObject({ name: 'texture', state: 'pending', ms: null });
  });
});
