/**
 * Issue 13, stages compose: with several stages enabled, colour runs before the stages that add detail
 * (blockmatch detail, texture keeping the picture), content-replacing forms run before colour, and block
 * matching still hands its choices to the texture stage after it.
 */
import { describe, expect, it } from 'vitest';
import type { ParamValues } from '../common/params';
import { createImage, createMask } from '../image/types';
import type { SessionPool } from '../ort/types';
import { STAGES } from '../stages/registry';
import { chainOrder, chainRank } from './chain';
import { Pipeline, resolveStageList } from './run';
import type { StageDef } from './types';

const names = (stages: { name: string; params?: Record<string, unknown> }[]) =>
  resolveStageList(STAGES, stages).map((p) => p.def.name);

describe('chain plan', () => {
  it('runs colour before blockmatch detail and texture, whatever the listed order', () => {
    expect(names([{ name: 'blockmatch' }, { name: 'texture' }, { name: 'color' }])).toEqual([
      'color',
      'blockmatch',
      'texture',
    ]);
    expect(names([{ name: 'texture' }, { name: 'color' }, { name: 'lama' }, { name: 'blockmatch' }])).toEqual(
      ['lama', 'color', 'blockmatch', 'texture'],
    );
    expect(names([{ name: 'color' }, { name: 'auto' }, { name: 'lama' }])).toEqual(['lama', 'color', 'auto']);
  });

  it('runs content-replacing forms (paste, copied structure, synthesis) before colour', () => {
    expect(
      names([
        { name: 'texture', params: { structure: 'on' } },
        { name: 'color' },
        { name: 'blockmatch', params: { mode: 'paste' } },
        { name: 'lama' },
      ]),
    ).toEqual(['lama', 'blockmatch', 'texture', 'color']);
    expect(names([{ name: 'color' }, { name: 'texture', params: { init: 'noise' } }])).toEqual([
      'texture',
      'color',
    ]);
    // Paste before colour, detail-adding texture after it.
    expect(
      names([{ name: 'texture' }, { name: 'color' }, { name: 'blockmatch', params: { mode: 'paste' } }]),
    ).toEqual(['blockmatch', 'color', 'texture']);
  });

  it('ranks by the resolved parameters; within a rank, blockmatch before texture', () => {
    expect(chainRank('blockmatch', { mode: 'detail' })).toBe('detail');
    expect(chainRank('blockmatch', { mode: 'paste' })).toBe('replace');
    expect(chainRank('texture', { init: 'previous', structure: 'off' })).toBe('detail');
    const plan: { def: { name: string }; params: ParamValues }[] = [
      { def: { name: 'texture' }, params: { init: 'previous', structure: 'off' } },
      { def: { name: 'blockmatch' }, params: { mode: 'detail' } },
      { def: { name: 'color' }, params: {} },
    ];
    expect(chainOrder(plan).map((p) => p.def.name)).toEqual(['color', 'blockmatch', 'texture']);
    // The input is not reordered in place.
    expect(plan.map((p) => p.def.name)).toEqual(['texture', 'blockmatch', 'color']);
  });

  it('runs the pipeline in the chain order, blockmatch handing its exemplar to texture', async () => {
    const order: string[] = [];
    const seen: unknown[] = [];
    const stage = (name: 'blockmatch' | 'texture' | 'color'): StageDef => {
      const real = STAGES.find((s) => s.name === name)!;
      return {
        ...real,
        run: async (input) => {
          order.push(name);
          if (name === 'texture') seen.push(input.artifacts.exemplar);
          return {
            image: input.image,
            ...(name === 'blockmatch'
              ? { artifacts: { exemplar: { x: 1, y: 2, width: 3, height: 4 } } }
              : {}),
          };
        },
      };
    };
    const sessions = { get: async () => ({}), runCounts: new Map(), releaseAll: async () => {} };
    const p = new Pipeline({
      stages: [stage('blockmatch'), stage('texture'), stage('color')],
      sessions: sessions as unknown as SessionPool,
      models: { resolve: async () => null },
    });
    const image = createImage(8, 6);
    const mask = createMask(8, 6);
    mask.data[10] = 1;
    const r = await p.run({
      image,
      mask,
      stages: [{ name: 'blockmatch' }, { name: 'texture' }, { name: 'color' }],
    });
    expect(order).toEqual(['color', 'blockmatch', 'texture']);
    expect(r.stages.map((s) => s.stage)).toEqual(['color', 'blockmatch', 'texture']);
    expect(seen).toEqual([{ x: 1, y: 2, width: 3, height: 4 }]);
  });
});
