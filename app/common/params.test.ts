import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseParamText, resolveParams, checkDeclaration, type ParamSchema } from './params';

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
});
