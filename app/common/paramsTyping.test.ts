/**
 * The typed stage kit: `defineParams` gives each declared name its value type, `resolveParams` of a
 * typed schema returns those types and refuses a misspelt key or a wrong value type at compile time
 * (`npx tsc -p tsconfig.json --noEmit` checks this file: every `@ts-expect-error` below must be an
 * error, or the type check fails), and validation at run time is what it was.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  checkDeclaration,
  defineParams,
  resolveParams,
  resolveParamsReport,
  type ParamSchema,
  type ParamsOf,
  type ParamValues,
  type Rect,
} from './params';

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
  { kind: 'boolean', name: 'smooth', label: 'Smooth', help: 'Smooth it.', default: false },
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
  {
    kind: 'number',
    name: 'passes',
    when: { param: 'mode', is: ['best'] },
    label: 'Passes',
    help: 'How many passes.',
    default: 2,
    min: 1,
    max: 8,
    step: 1,
    integer: true,
  },
  { kind: 'rect', name: 'region', label: 'Region', help: 'Where.', default: null },
] as const);

type Demo = ParamsOf<typeof DEMO>;

describe('defineParams types', () => {
  it('maps each declared name to its value type', () => {
    expectTypeOf<Demo>().toEqualTypeOf<{
      strength: number;
      smooth: boolean;
      mode: 'fast' | 'best';
      passes: number;
      region: Rect | null;
    }>();
    // A plain schema (names known only at run time) still resolves to the untyped record.
    expectTypeOf<ParamsOf<ParamSchema>>().toEqualTypeOf<ParamValues>();
    // Typed values still go wherever untyped ones are taken.
    expectTypeOf<Demo>().toExtend<ParamValues>();
  });

  it('resolveParams of a typed schema returns the typed values', () => {
    const p = resolveParams(DEMO, { mode: 'best' });
    expectTypeOf(p).toEqualTypeOf<Demo>();
    expectTypeOf(resolveParamsReport(DEMO).values).toEqualTypeOf<Demo>();
    expect(p.mode).toBe('best');
    // @ts-expect-error a misspelt key does not compile
    expect(() => resolveParams(DEMO, { strenght: 0.2 })).toThrow('Unknown parameter demo.strenght');
    // @ts-expect-error a value of the wrong type does not compile
    expect(() => resolveParams(DEMO, { smooth: 'yes' })).toThrow('Expected true or false for demo.smooth');
    // @ts-expect-error an enum value that is not one of its options does not compile
    expect(() => resolveParams(DEMO, { mode: 'slow' })).toThrow('Expected one of fast, best for demo.mode');
    // @ts-expect-error reading a misspelt name does not compile
    expect(p.strenght).toBeUndefined();
  });

  it('a plain schema takes any record (the CLI and the contract), checked at run time', () => {
    const plain: ParamSchema = DEMO;
    const fromCli: Record<string, unknown> = { strength: 0.25, mode: 'best' };
    const p = resolveParams(plain, fromCli);
    expectTypeOf(p).toEqualTypeOf<ParamValues>();
    expect(p).toMatchObject({ strength: 0.25, mode: 'best' });
    expect(() => resolveParams(plain, { strenght: 0.2 })).toThrow('Unknown parameter demo.strenght');
    // Data whose keys are only known at run time (a parsed JSON file) goes to a typed schema as well.
    const typed = resolveParams(DEMO, fromCli);
    expectTypeOf(typed).toEqualTypeOf<Demo>();
    expect(typed.mode).toBe('best');
    // @ts-expect-error a misspelt key next to a spread is still caught
    expect(() => resolveParams(DEMO, { strength: 0.5, ...fromCli, oops: 1 })).toThrow(
      'Unknown parameter demo.oops',
    );
  });

  it('refuses a declaration whose enum default or condition cannot hold', () => {
    defineParams('bad', [
      // @ts-expect-error the default ('slow') is not one of the options
      {
        kind: 'enum',
        name: 'mode',
        label: 'Mode',
        help: 'Which way.',
        default: 'slow',
        options: [{ value: 'fast', label: 'Fast' }],
      },
    ] as const);
    defineParams('bad', [
      {
        kind: 'boolean',
        name: 'on',
        // @ts-expect-error a condition on a parameter that is not declared
        when: { param: 'mdoe', is: ['fast'] },
        label: 'On',
        help: 'On.',
        default: false,
      },
    ] as const);
  });
});

describe('defineParams at run time', () => {
  it('is the plain schema: same declarations, same validation and defaults', () => {
    expect(DEMO.stage).toBe('demo');
    expect(DEMO.params.map((d) => d.name)).toEqual(['strength', 'smooth', 'mode', 'passes', 'region']);
    expect(checkDeclaration(DEMO)).toEqual([]);
    expect(resolveParams(DEMO)).toEqual({
      strength: 0.5,
      smooth: false,
      mode: 'fast',
      passes: 2,
      region: null,
    });
    expect(() => resolveParams(DEMO, { strength: 2 })).toThrow(
      'Expected a number between 0 and 1 for demo.strength but received 2',
    );
    // A value for a parameter that does not apply is checked, then replaced by its default.
    const r = resolveParamsReport(DEMO, { passes: 5 });
    expect(r.values.passes).toBe(2);
    expect(r.ignored.map((i) => i.name)).toEqual(['passes']);
  });
});
