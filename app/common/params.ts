/**
 * Parameter declarations: each stage declares its parameters once. Validation, CLI flags,
 * the editor's sliders and the docs are all generated from these declarations.
 * Message form (one for the whole project):
 *   Expected a number between 0 and 10 for color.lambdaL but received "abc"
 */
import { StudioError, describeValue } from './errors';

interface ParamBase {
  /** Identifier, unique within its stage (camelCase). */
  name: string;
  label: string;
  help: string;
}

export interface NumberParam extends ParamBase {
  kind: 'number';
  default: number;
  min: number;
  max: number;
  step: number;
  /** Integers only (step is then a whole number). */
  integer?: boolean;
  /** Slider moves on a logarithmic scale (min must then be > 0, or `logZero` allowed). */
  log?: boolean;
  unit?: string;
}

export interface BooleanParam extends ParamBase {
  kind: 'boolean';
  default: boolean;
}

export interface EnumParam<T extends string = string> extends ParamBase {
  kind: 'enum';
  default: T;
  options: readonly { value: T; label: string }[];
}

/**
 * A rectangle in image pixels, or null when unset (e.g. an exemplar region). A set rectangle must lie
 * inside the image and be at least `minSize` pixels on each side: the pipeline checks it against the
 * image before any stage runs (app/pipeline/validate.ts).
 */
export interface RectParam extends ParamBase {
  kind: 'rect';
  default: null;
  /** Smallest width and height the stage can use, in image pixels (default 1). */
  minSize?: number;
}

export type ParamDecl = NumberParam | BooleanParam | EnumParam | RectParam;
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export type ParamValue = number | boolean | string | Rect | null;
export type ParamValues = Record<string, ParamValue>;

/** Declaration of a stage's parameters, with its stage name for messages. */
export interface ParamSchema {
  stage: string;
  params: readonly ParamDecl[];
}

function fail(expected: string, key: string, value: unknown): never {
  throw new StudioError(
    'PARAM_INVALID',
    `Expected ${expected} for ${key} but received ${describeValue(value)}`,
  );
}

/** Validates one value against its declaration; returns the value in its canonical type. */
export function validateParam(decl: ParamDecl, key: string, value: unknown): ParamValue {
  switch (decl.kind) {
    case 'number': {
      const expected = `${decl.integer ? 'an integer' : 'a number'} between ${decl.min} and ${decl.max}`;
      if (typeof value !== 'number' || !Number.isFinite(value)) fail(expected, key, value);
      if (value < decl.min || value > decl.max) fail(expected, key, value);
      if (decl.integer && !Number.isInteger(value)) fail(expected, key, value);
      return value;
    }
    case 'boolean':
      if (typeof value !== 'boolean') fail('true or false', key, value);
      return value;
    case 'enum': {
      const options = decl.options.map((o) => o.value);
      if (typeof value !== 'string' || !options.includes(value))
        fail(`one of ${options.join(', ')}`, key, value);
      return value;
    }
    case 'rect': {
      if (value === null) return null;
      const r = value as Partial<Rect>;
      const ok =
        typeof value === 'object' &&
        [r.x, r.y, r.width, r.height].every((n) => typeof n === 'number' && Number.isInteger(n)) &&
        (r.x as number) >= 0 &&
        (r.y as number) >= 0 &&
        (r.width as number) > 0 &&
        (r.height as number) > 0;
      if (!ok) fail('a rectangle x,y,width,height of whole pixels with positive size, or null', key, value);
      return { x: r.x!, y: r.y!, width: r.width!, height: r.height! };
    }
  }
}

/**
 * Fills defaults and validates every value. Unknown keys are an error that names them.
 * @throws StudioError PARAM_INVALID
 */
export function resolveParams(schema: ParamSchema, values: Record<string, unknown> = {}): ParamValues {
  const out: ParamValues = {};
  const known = new Set(schema.params.map((p) => p.name));
  for (const k of Object.keys(values)) {
    if (!known.has(k)) {
      throw new StudioError(
        'PARAM_INVALID',
        `Unknown parameter ${schema.stage}.${k}; ${schema.stage} takes ${[...known].join(', ') || 'no parameters'}`,
      );
    }
  }
  for (const decl of schema.params) {
    const v = values[decl.name];
    out[decl.name] = v === undefined ? decl.default : validateParam(decl, `${schema.stage}.${decl.name}`, v);
  }
  return out;
}

/** Parses a value written as text (CLI `--set color.lambdaL=0.01`) into the declared type, then validates it. */
export function parseParamText(decl: ParamDecl, key: string, text: string): ParamValue {
  switch (decl.kind) {
    case 'number': {
      const n = text.trim() === '' ? NaN : Number(text);
      if (!Number.isFinite(n)) {
        fail(`${decl.integer ? 'an integer' : 'a number'} between ${decl.min} and ${decl.max}`, key, text);
      }
      return validateParam(decl, key, n);
    }
    case 'boolean': {
      const t = text.trim().toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(t)) return true;
      if (['false', '0', 'no', 'off'].includes(t)) return false;
      return fail('true or false', key, text);
    }
    case 'enum':
      return validateParam(decl, key, text);
    case 'rect': {
      if (text.trim() === '' || text.trim() === 'none') return null;
      const parts = text.split(',').map((s) => Number(s.trim()));
      if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n))) {
        fail('a rectangle x,y,width,height of whole pixels with positive size, or null', key, text);
      }
      return validateParam(decl, key, { x: parts[0], y: parts[1], width: parts[2], height: parts[3] });
    }
  }
}

/** Checks a declaration itself (used by tests over every stage): default in range, sane log scale. */
export function checkDeclaration(schema: ParamSchema): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const d of schema.params) {
    const key = `${schema.stage}.${d.name}`;
    if (seen.has(d.name)) problems.push(`${key} is declared twice`);
    seen.add(d.name);
    if (d.kind === 'number') {
      if (!(d.min <= d.default && d.default <= d.max))
        problems.push(`${key} default ${d.default} is outside [${d.min}, ${d.max}]`);
      if (!(d.step > 0)) problems.push(`${key} step must be positive`);
      if (d.log && d.min < 0) problems.push(`${key} is log-scaled but its minimum is negative`);
    }
    if (d.kind === 'rect' && d.minSize !== undefined && !(Number.isInteger(d.minSize) && d.minSize >= 1))
      problems.push(`${key} minSize must be a whole number of at least 1`);
    if (d.kind === 'enum' && !d.options.some((o) => o.value === d.default)) {
      problems.push(`${key} default ${d.default} is not one of its options`);
    }
  }
  return problems;
}
