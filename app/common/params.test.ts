import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkDeclaration,
  describeWhen,
  paramApplies,
  parseParamText,
  resolveParams,
  resolveParamsReport,
  whyNotApplies,
  type ParamSchema,
} from './params';

const schema: ParamSchema = {
  stage: 'color',
  params: [
    {
      kind: 'number',
      name: 'lambdaL',
      label: 'λ_L',
      help: '',
      default: 0.01,
      min: 0,
      max: 10,
      step: 0.001,
      log: true,
    },
    {
      kind: 'number',
      name: 'iterations',
      label: 'Iterations',
      help: '',
      default: 100,
      min: 1,
      max: 5000,
      step: 1,
      integer: true,
    },
    { kind: 'boolean', name: 'lab', label: 'Lab', help: '', default: false },
    {
      kind: 'enum',
      name: 'space',
      label: 'Space',
      help: '',
      default: 'rgb',
      options: [
        { value: 'rgb', label: 'RGB' },
        { value: 'lab', label: 'CIELab' },
      ],
    },
    { kind: 'rect', name: 'reference', label: 'Reference', help: '', default: null },
  ],
};

describe('parameter validation', () => {
  it('fills defaults', () => {
    expect(resolveParams(schema, {})).toEqual({
      lambdaL: 0.01,
      iterations: 100,
      lab: false,
      space: 'rgb',
      reference: null,
    });
  });
  it('names the parameter, the range and the received value', () => {
    expect(() => parseParamText(schema.params[0], 'color.lambdaL', 'abc')).toThrow(
      'Expected a number between 0 and 10 for color.lambdaL but received "abc"',
    );
    expect(() => resolveParams(schema, { iterations: 2.5 })).toThrow(
      'Expected an integer between 1 and 5000 for color.iterations but received 2.5',
    );
    expect(() => resolveParams(schema, { space: 'hsv' })).toThrow(
      'one of rgb, lab for color.space but received "hsv"',
    );
  });
  it('rejects unknown parameters by name', () => {
    expect(() => resolveParams(schema, { lambdaX: 1 })).toThrow(/Unknown parameter color.lambdaX/);
  });
  it('parses rectangles and booleans from text', () => {
    expect(parseParamText(schema.params[4], 'color.reference', '1,2,30,40')).toEqual({
      x: 1,
      y: 2,
      width: 30,
      height: 40,
    });
    expect(parseParamText(schema.params[2], 'color.lab', 'yes')).toBe(true);
    expect(() => parseParamText(schema.params[4], 'color.reference', '1,2,0,4')).toThrow(/color.reference/);
  });
  it('accepts exactly the numbers inside the declared range (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, min: -100, max: 100 }), (x) => {
        const inRange = x >= 0 && x <= 10;
        let ok = true;
        try {
          resolveParams(schema, { lambdaL: x });
        } catch {
          ok = false;
        }
        return ok === inRange;
      }),
    );
  });
  it('finds broken declarations', () => {
    const bad: ParamSchema = {
      stage: 's',
      params: [{ ...schema.params[0], default: 20 } as never, schema.params[0]],
    };
    expect(checkDeclaration(bad).join('\n')).toMatch(/outside|twice/);
    expect(checkDeclaration(schema)).toEqual([]);
  });
  it('finds a number whose range is empty, whose integers are not whole, or whose default is off its steps', () => {
    const n = { kind: 'number', label: 'N', help: 'A number.', min: 0, max: 10, step: 1 } as const;
    const bad: ParamSchema = {
      stage: 's',
      params: [
        { ...n, name: 'empty', default: 5, min: 5, max: 5 },
        { ...n, name: 'whole', default: 2.5, step: 0.5, integer: true },
        { ...n, name: 'offGrid', default: 0.3, step: 0.25 },
        { ...n, name: 'fine', default: 0.3, step: 0.1 },
        { ...n, name: 'shifted', default: 1.6, min: 0.1, step: 0.05 },
      ],
    };
    expect(checkDeclaration(bad)).toEqual([
      's.empty has an empty range [5, 5]',
      's.whole is an integer but its default, min, max or step is not a whole number',
      's.offGrid default 0.3 is not min 0 plus a whole number of steps of 0.25',
    ]);
  });
});

/** A stage whose parameters apply only in some settings (as lama.sizing and texture.optimizer). */
const conditional: ParamSchema = {
  stage: 'lama',
  params: [
    {
      kind: 'enum',
      name: 'sizing',
      label: 'Sizing',
      help: '',
      default: 'auto',
      options: [
        { value: 'auto', label: 'Auto' },
        { value: 'regions', label: 'Regions' },
        { value: 'multiscale', label: 'Multi-scale' },
      ],
    },
    {
      kind: 'number',
      name: 'batchSize',
      label: 'Batch',
      help: '',
      default: 4,
      min: 1,
      max: 16,
      step: 1,
      integer: true,
      when: { param: 'sizing', is: ['regions'] },
    },
    {
      kind: 'enum',
      name: 'variant',
      label: 'Variant',
      help: '',
      default: 'laplacian',
      options: [
        { value: 'laplacian', label: 'Laplacian' },
        { value: 'plain', label: 'Plain' },
      ],
      when: { param: 'sizing', is: ['multiscale'] },
    },
    {
      kind: 'number',
      name: 'crossover',
      label: 'Crossover',
      help: '',
      default: 2,
      min: 0,
      max: 8,
      step: 1,
      when: { param: 'variant', is: ['laplacian'] },
    },
    { kind: 'boolean', name: 'fit', label: 'Fit', help: '', default: false },
    {
      kind: 'number',
      name: 'scale',
      label: 'Scale',
      help: '',
      default: 0.5,
      min: 0.1,
      max: 0.9,
      step: 0.05,
      when: [
        { param: 'sizing', is: ['multiscale'] },
        { param: 'fit', is: [false] },
      ],
    },
  ],
};

describe('when a parameter applies (declared `when`)', () => {
  const decls = conditional.params;
  it('follows the value of the parameter it names, defaults filled in', () => {
    expect(paramApplies(decls, {}, 'batchSize')).toBe(false);
    expect(paramApplies(decls, { sizing: 'regions' }, 'batchSize')).toBe(true);
    expect(paramApplies(decls, { sizing: 'multiscale' }, 'batchSize')).toBe(false);
    expect(paramApplies(decls, {}, 'sizing')).toBe(true);
  });
  it('needs every condition, and the parameters it names to apply themselves', () => {
    // crossover needs variant=laplacian, and variant itself applies only with multiscale.
    expect(paramApplies(decls, { variant: 'laplacian' }, 'crossover')).toBe(false);
    expect(paramApplies(decls, { sizing: 'multiscale' }, 'crossover')).toBe(true);
    expect(paramApplies(decls, { sizing: 'multiscale', variant: 'plain' }, 'crossover')).toBe(false);
    expect(paramApplies(decls, { sizing: 'multiscale' }, 'scale')).toBe(true);
    expect(paramApplies(decls, { sizing: 'multiscale', fit: true }, 'scale')).toBe(false);
  });
  it('says why in the CLI form', () => {
    expect(whyNotApplies('lama', decls, {}, 'batchSize')).toBe(
      'applies only when lama.sizing is regions (it is auto)',
    );
    expect(whyNotApplies('lama', decls, { sizing: 'multiscale', fit: true }, 'scale')).toBe(
      'applies only when lama.fit is off (it is on)',
    );
    expect(whyNotApplies('lama', decls, { sizing: 'regions' }, 'batchSize')).toBeNull();
    expect(describeWhen('lama', { when: { param: 'sizing', is: ['regions', 'multiscale'] } })).toBe(
      'lama.sizing is regions or multiscale',
    );
  });
  it('validation checks a value that does not apply, runs the default, and lists it as ignored', () => {
    const r = resolveParamsReport(conditional, { batchSize: 2 });
    expect(r.values.batchSize).toBe(4);
    expect(r.ignored).toEqual([
      {
        name: 'batchSize',
        message: 'lama.batchSize=2 is ignored: it applies only when lama.sizing is regions (it is auto)',
      },
    ]);
    expect(resolveParams(conditional, { batchSize: 2 })).toEqual(resolveParams(conditional, {}));
    // Out of range is an error whether or not it applies.
    expect(() => resolveParams(conditional, { batchSize: 99 })).toThrow(
      'Expected an integer between 1 and 16 for lama.batchSize but received 99',
    );
    const used = resolveParamsReport(conditional, { sizing: 'regions', batchSize: 2 });
    expect(used.values.batchSize).toBe(2);
    expect(used.ignored).toEqual([]);
    // A default value sent for a hidden parameter is not worth a warning.
    expect(resolveParamsReport(conditional, { batchSize: 4 }).ignored).toEqual([]);
  });
  it('a declaration whose condition names a later, unknown or numeric parameter, or an impossible value, is refused', () => {
    expect(checkDeclaration(conditional)).toEqual([]);
    const bad: ParamSchema = {
      stage: 'x',
      params: [
        { kind: 'number', name: 'n', label: 'N', help: '', default: 1, min: 0, max: 2, step: 1 },
        { ...conditional.params[1], name: 'a', when: { param: 'n', is: ['1'] } },
        { ...conditional.params[1], name: 'b', when: { param: 'later', is: ['x'] } },
        { ...conditional.params[1], name: 'c', when: { param: 'sizing', is: ['regions'] } },
        conditional.params[0],
        { ...conditional.params[1], name: 'd', when: { param: 'sizing', is: ['tiles'] } },
      ],
    };
    const problems = checkDeclaration(bad).join('\n');
    expect(problems).toMatch(/x\.a applies when n, which is not an enum or a boolean/);
    expect(problems).toMatch(/x\.b applies when later, which is not a parameter declared before it/);
    expect(problems).toMatch(/x\.c applies when sizing, which is not a parameter declared before it/);
    expect(problems).toMatch(/x\.d applies when sizing is tiles, which it can never be/);
  });
  it('at most two parameters per stage are marked basic', () => {
    const three: ParamSchema = {
      stage: 'y',
      params: ['a', 'b', 'c'].map((name) => ({ ...conditional.params[4], name, basic: true })),
    };
    expect(checkDeclaration(three).join('\n')).toMatch(/marks 3 parameters basic/);
  });
});

describe('help and doc', () => {
  const withHelp = (help: string, doc?: string): ParamSchema => ({
    stage: 's',
    params: [
      {
        kind: 'boolean',
        name: 'on',
        label: 'On',
        help,
        ...(doc === undefined ? {} : { doc }),
        default: true,
      },
    ],
  });

  it('accepts one short sentence of help with a longer doc', () => {
    expect(checkDeclaration(withHelp('Turns the effect on.', 'Longer detail. With two sentences.'))).toEqual(
      [],
    );
  });

  it('refuses help that is more than one line: a second sentence, a line break, over 120 characters', () => {
    expect(checkDeclaration(withHelp('Turns it on. Off keeps the fill.')).join()).toMatch(
      /s\.on help is more than one sentence; move the rest to doc/,
    );
    expect(checkDeclaration(withHelp('Turns it\non.')).join()).toMatch(/s\.on help has a line break/);
    expect(checkDeclaration(withHelp('Weight of the term. 0 turns it off.')).join()).toMatch(/one sentence/);
    expect(checkDeclaration(withHelp(`Turns ${'very '.repeat(30)}much on.`)).join()).toMatch(
      /s\.on help is 1\d\d characters; at most 120/,
    );
    expect(checkDeclaration(withHelp('On.', ' ')).join()).toMatch(/s\.on has an empty doc/);
  });

  it('does not take abbreviations, decimals or option names for sentence ends', () => {
    expect(checkDeclaration(withHelp('Weight of 0.5 (e.g. sky) for sRGB vs. Lab.'))).toEqual([]);
  });
});
