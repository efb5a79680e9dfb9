// The colour stage run through the pipeline (its unit tests sit beside it, in app/stages/color).
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../common/errors';
import { colorStage } from '../../stages/color/stage';
import { defectInHole, texturedImage } from '../../testing/colorScenes';
import { rectMask } from '../../testing/masks';
import { Pipeline, type PipelineEvent } from '../run';
import type { StageContext } from '../types';

const W = 72;
const H = 54;
const truth = texturedImage(W, H, 4, 6);
const mask = rectMask(W, H, 20, 15, 50, 40);
const image = defectInHole(truth, mask, [0.08, 0.02, -0.06], 0.3);

describe('colour stage in the pipeline', () => {
  it('is cancelled promptly through the pipeline', async () => {
    const pipeline = new Pipeline({
      stages: [colorStage],
      sessions: undefined as unknown as StageContext['sessions'],
      models: { resolve: async () => null },
    });
    const ac = new AbortController();
    const events: PipelineEvent[] = [];
    const run = pipeline.run(
      { image, mask, stages: [{ name: 'color', params: { iterations: 5000 } }] },
      {
        signal: ac.signal,
        maxEventsPerSecond: 1000,
        onEvent: (e) => {
          events.push(e);
          if (e.type === 'progress' && e.step >= 3) ac.abort();
        },
      },
    );
    await expect(run).rejects.toSatisfy((e: unknown) => e instanceof StudioError && e.code === 'CANCELLED');
    expect(events.some((e) => e.type === 'progress')).toBe(true);
  });
});
