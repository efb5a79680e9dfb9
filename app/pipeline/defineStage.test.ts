/**
 * The typed stage kit, stage side: `defineStage` gives `run` and `localCrops` the parameters with their
 * declared types (every `@ts-expect-error` below must be an error for `npx tsc -p tsconfig.json` to
 * pass), and the stage still goes in the registry's plain `StageDef` list and runs as before.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineParams, resolveParams, type ParamsOf } from '../common/params';
import { defineStage, type StageDef } from './types';

const DEMO = defineParams('demo', [
  {
    kind: 'number',
    name: 'strength',
    label: 'Strength',
    help: 'How strong.',
    default: 0.5,
    min: 0,
    max: 1,
    step: 0.05,
  },
  {
    kind: 'enum',
    name: 'mode',
    label: 'Mode',
    help: 'Which way.',
    default: 'fast',
    options: [
      { value: 'fast', label: 'Fast' },
      { value: 'best', label: 'Best' },
    ],
  },
] as const);

type Demo = ParamsOf<typeof DEMO>;

describe('defineStage', () => {
  const seen: Demo[] = [];
  const stage = defineStage({
    name: 'color',
    label: 'Demo',
    description: 'A stage for the kit test.',
    params: DEMO,
    run: async (input, params) => {
      expectTypeOf(params).toEqualTypeOf<Demo>();
      seen.push(params);
      // @ts-expect-error a misspelt parameter does not compile inside run
      void params.strenght;
      // @ts-expect-error nor does treating an enum as a number
      void (params.mode satisfies number);
      return { image: input.image };
    },
    localCrops: async (_mask, params) => {
      expectTypeOf(params).toEqualTypeOf<Demo>();
      return null;
    },
  });

  it('goes in a plain StageDef list and runs with the resolved values', async () => {
    const list: readonly StageDef[] = [stage];
    expect(list[0].params).toBe(DEMO);
    const image = { width: 1, height: 1, data: new Float32Array(3) };
    const mask = { width: 1, height: 1, data: new Uint8Array(1) };
    const ctx = {} as Parameters<StageDef['run']>[2];
    await list[0].run(
      { image, original: image, mask, artifacts: {} },
      resolveParams(DEMO, { mode: 'best' }),
      ctx,
    );
    expect(seen).toEqual([{ strength: 0.5, mode: 'best' }]);
    expect(await list[0].localCrops!(mask, resolveParams(DEMO), { models: {} as never })).toBeNull();
  });
});
