/**
 * Parameter declarations: each stage declares its parameters once. Validation, CLI flags,
 * the editor's sliders and the docs are all generated from these declarations.
 * Message form (one for the whole project):
 *   Expected a number between 0 and 10 for color.lambdaL but received "abc"
 */
import { StudioError, describeValue } from './errors';

/**
 * When a parameter applies: the named parameter of the same stage (an enum or a boolean, declared
 * earlier) has one of these values. Data, not a predicate, so that it crosses the contract to the editor
 * and reads the same in the CLI listing, in validation and in the UI.
 */
export interface ParamCondition {
  param: string;
  is: readonly (string | boolean)[];
}

interface ParamBase {
  /** Identifier, unique within its stage (camelCase). */
  name: string;
  label: string;
  /** One or two short, plain sentences: what it does for the picture. Shown as the control's tooltip. */
  help: string;
  /** Longer detail (method, research terms, measurements): behind the editor's "More", and in the CLI listing. */
  doc?: string;
  /**
   * Applies only when every condition holds (and the parameters they name apply themselves). Where it
   * does not apply, the editor hides the control, the CLI listing says when it applies, and validation
   * checks the value but runs the stage with the default (resolveParamsReport lists it as ignored).
   */
  when?: ParamCondition | readonly ParamCondition[];
  /** Shown in the editor's short default panel (at most two per stage; plain sliders or switches). */
  basic?: boolean;
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

/** The value type a declaration takes: number, boolean, the union of an enum's options, Rect | null. */
export type ValueOf<D extends ParamDecl> = D extends { kind: 'number' }
  ? number
  : D extends { kind: 'boolean' }
    ? boolean
    : D extends { kind: 'enum'; options: readonly { value: infer V }[] }
      ? V
      : D extends { kind: 'rect' }
        ? Rect | null
        : never;

/** The resolved values of a declaration list: each name to its value type. */
type ValuesOfDecls<P extends readonly ParamDecl[]> = {
  [D in P[number] as D['name']]: ValueOf<D>;
};

/** Where a typed schema keeps its declarations' literal types (type-level only; nothing at run time). */
declare const DECLARED: unique symbol;

/**
 * A schema made by `defineParams`: at run time the plain `ParamSchema` (its `params` read as
 * `ParamDecl`s, as before), and to the type system its declarations with their literal types.
 */
export interface TypedParamSchema<P extends readonly ParamDecl[]> extends ParamSchema {
  readonly [DECLARED]: P;
}

/**
 * The resolved values of a schema: for a schema made by `defineParams`, each declared name to its value
 * type (a misspelt key is a type error); for a plain `ParamSchema`, `ParamValues`.
 */
export type ParamsOf<S extends ParamSchema> =
  S extends TypedParamSchema<infer P> ? ValuesOfDecls<P> : ParamValues;

/**
 * What `resolveParams` accepts: for a typed schema, any subset of its parameters with their value
 * types (a misspelt key or a wrong type is a compile error); for a plain `ParamSchema` (the CLI, the
 * contract, the pipeline: names only known at run time), any record, checked at run time.
 */
export type ParamInput<S extends ParamSchema> =
  S extends TypedParamSchema<infer P>
    ? { readonly [K in keyof ValuesOfDecls<P>]?: ValuesOfDecls<P>[K] }
    : Readonly<Record<string, unknown>>;

/**
 * Declares a stage's parameters once, with their types: `ParamsOf<typeof X>` maps each name to its
 * value type. At run time it is the plain `ParamSchema` (validation, CLI flags and the editor read it
 * as before). An enum's default must be one of its options, and a condition must name a parameter of
 * the same list, or it does not compile.
 */
export function defineParams<const P extends readonly ParamDecl[]>(
  stage: string,
  params: P & CheckedDecls<P>,
): TypedParamSchema<P> {
  // The typed view is a type-level fact about these very declarations; nothing is added at run time.
  return { stage, params } as ParamSchema as TypedParamSchema<P>;
}

/**
 * Compile-time checks of a declaration list (checkDeclaration repeats them, and more, at run time): an
 * enum's default is one of its options, and a `when` names a parameter of the same list.
 */
type CheckedDecls<P extends readonly ParamDecl[]> = {
  readonly [I in keyof P]: EnumDefaultCheck<P[I]> & WhenCheck<P[I], P[number]['name']>;
};

/** An enum whose default is not one of its options must (and cannot) carry this property. */
type EnumDefaultCheck<D> = D extends {
  kind: 'enum';
  default: infer V;
  options: readonly { value: infer O }[];
}
  ? [V] extends [O]
    ? unknown
    : { readonly 'the default is not one of the options': O }
  : unknown;

/** A `when` may only name parameters of the same list. */
type WhenCheck<D, Names> = D extends { when: infer W }
  ? W extends readonly ParamCondition[]
    ? { readonly when: readonly { readonly param: Names; readonly is: readonly (string | boolean)[] }[] }
    : { readonly when: { readonly param: Names; readonly is: readonly (string | boolean)[] } }
  : unknown;

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

/** The smallest shape `paramApplies` needs: the declarations and the contract's copy of them both fit. */
export interface ConditionalDecl {
  name: string;
  label: string;
  default: unknown;
  when?: ParamCondition | readonly ParamCondition[];
  options?: readonly { value: string; label: string }[];
}

/** A declaration's conditions as a list (none: it always applies). */
export function conditionsOf(decl: { when?: ConditionalDecl['when'] }): readonly ParamCondition[] {
  const w = decl.when;
  if (!w) return [];
  return Array.isArray(w) ? (w as readonly ParamCondition[]) : [w as ParamCondition];
}

/**
 * Whether a parameter applies with these values (missing ones at their defaults): every condition of
 * its `when` holds and the parameters named there apply themselves. An unknown name applies.
 */
export function paramApplies(
  decls: readonly ConditionalDecl[],
  values: Readonly<Record<string, unknown>>,
  name: string,
): boolean {
  return unmetCondition(decls, values, name) === null;
}

function unmetCondition(
  decls: readonly ConditionalDecl[],
  values: Readonly<Record<string, unknown>>,
  name: string,
  depth = 0,
): { cond: ParamCondition; value: unknown } | null {
  const decl = decls.find((d) => d.name === name);
  if (!decl || depth > decls.length) return null;
  for (const cond of conditionsOf(decl)) {
    const on = decls.find((d) => d.name === cond.param);
    if (!on) continue;
    const v = values[cond.param] === undefined ? on.default : values[cond.param];
    if (!cond.is.includes(v as string | boolean)) return { cond, value: v };
    const above = unmetCondition(decls, values, cond.param, depth + 1);
    if (above) return above;
  }
  return null;
}

function valueWords(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return String(v);
}

/** "lama.sizing is regions or multiscale" (one condition), joined with "and". */
export function describeWhen(stage: string, decl: { when?: ConditionalDecl['when'] }): string {
  return conditionsOf(decl)
    .map((c) => {
      const vals = c.is.map((v) => (typeof v === 'boolean' ? (v ? 'on' : 'off') : v));
      const list = vals.length > 1 ? `${vals.slice(0, -1).join(', ')} or ${vals.at(-1)}` : String(vals[0]);
      return `${stage}.${c.param} is ${list}`;
    })
    .join(' and ');
}

/**
 * Why a parameter does not apply with these values, or null when it does:
 * "applies only when lama.sizing is regions or multiscale (it is auto)".
 */
export function whyNotApplies(
  stage: string,
  decls: readonly ConditionalDecl[],
  values: Readonly<Record<string, unknown>>,
  name: string,
): string | null {
  const unmet = unmetCondition(decls, values, name);
  if (!unmet) return null;
  return `applies only when ${describeWhen(stage, { when: unmet.cond })} (it is ${valueWords(unmet.value)})`;
}

/** A value that was checked but not used, because its parameter does not apply. */
export interface IgnoredParam {
  name: string;
  /** "lama.batchSize=2 is ignored: it applies only when lama.sizing is regions (it is auto)". */
  message: string;
}

/**
 * Fills defaults and validates every value, like resolveParams, and says which given values were
 * ignored: a value for a parameter whose `when` does not hold is still checked (a bad value is an error
 * either way) but the stage gets the default, so a hidden setting never changes a run or its cache key.
 * @throws StudioError PARAM_INVALID
 */
export function resolveParamsReport<S extends ParamSchema>(
  schema: S,
  values?: ParamInput<S>,
): { values: ParamsOf<S>; ignored: IgnoredParam[] } {
  const report = resolveUntyped(schema, values ?? {});
  // The typed kit's cast from checked values to typed ones: every declared name was filled and validated
  // against its declaration, so each value has its declaration's type (ParamsOf).
  return report as { values: ParamsOf<S>; ignored: IgnoredParam[] };
}

function resolveUntyped(
  schema: ParamSchema,
  values: Readonly<Record<string, unknown>>,
): { values: ParamValues; ignored: IgnoredParam[] } {
  const checked = resolveStrict(schema, values);
  const ignored: IgnoredParam[] = [];
  const out: ParamValues = { ...checked };
  for (const decl of schema.params) {
    const why = whyNotApplies(schema.stage, schema.params, checked, decl.name);
    if (why === null) continue;
    if (
      values[decl.name] !== undefined &&
      JSON.stringify(checked[decl.name]) !== JSON.stringify(decl.default)
    ) {
      ignored.push({
        name: decl.name,
        message: `${schema.stage}.${decl.name}=${showValue(checked[decl.name])} is ignored: it ${why}`,
      });
    }
    out[decl.name] = decl.default;
  }
  return { values: out, ignored };
}

function showValue(v: ParamValue): string {
  if (v !== null && typeof v === 'object') return `${v.x},${v.y},${v.width},${v.height}`;
  return String(v);
}

/**
 * Fills defaults and validates every value. Unknown keys are an error that names them. A value for a
 * parameter that does not apply (its `when`) is checked, then replaced by the default
 * (resolveParamsReport says which).
 * @throws StudioError PARAM_INVALID
 */
export function resolveParams<S extends ParamSchema>(schema: S, values?: ParamInput<S>): ParamsOf<S> {
  return resolveParamsReport(schema, values).values;
}

function resolveStrict(schema: ParamSchema, values: Readonly<Record<string, unknown>>): ParamValues {
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
      if (!(d.min < d.max)) problems.push(`${key} has an empty range [${d.min}, ${d.max}]`);
      if (d.integer && ![d.default, d.min, d.max, d.step].every(Number.isInteger)) {
        problems.push(`${key} is an integer but its default, min, max or step is not a whole number`);
      } else if (d.step > 0) {
        // The editor's slider moves in steps from min: a default off those steps cannot be set back.
        const steps = (d.default - d.min) / d.step;
        if (Math.abs(steps - Math.round(steps)) > 1e-6)
          problems.push(
            `${key} default ${d.default} is not min ${d.min} plus a whole number of steps of ${d.step}`,
          );
      }
      if (d.log && d.min < 0) problems.push(`${key} is log-scaled but its minimum is negative`);
    }
    if (d.kind === 'rect' && d.minSize !== undefined && !(Number.isInteger(d.minSize) && d.minSize >= 1))
      problems.push(`${key} minSize must be a whole number of at least 1`);
    if (d.kind === 'enum' && !d.options.some((o) => o.value === d.default)) {
      problems.push(`${key} default ${d.default} is not one of its options`);
    }
    for (const c of conditionsOf(d)) {
      const on = schema.params.find((p) => p.name === c.param);
      if (!on || !seen.has(c.param) || c.param === d.name) {
        problems.push(`${key} applies when ${c.param}, which is not a parameter declared before it`);
      } else if (on.kind !== 'enum' && on.kind !== 'boolean') {
        problems.push(`${key} applies when ${c.param}, which is not an enum or a boolean`);
      } else if (c.is.length === 0) {
        problems.push(`${key} has an empty condition on ${c.param}`);
      } else {
        for (const v of c.is) {
          const ok = on.kind === 'enum' ? on.options.some((o) => o.value === v) : typeof v === 'boolean';
          if (!ok) problems.push(`${key} applies when ${c.param} is ${String(v)}, which it can never be`);
        }
      }
    }
  }
  for (const d of schema.params) problems.push(...helpProblems(`${schema.stage}.${d.name}`, d));
  const basic = schema.params.filter((p) => p.basic);
  if (basic.length > 2)
    problems.push(`${schema.stage} marks ${basic.length} parameters basic; the short panel shows at most 2`);
  for (const b of basic) {
    if (b.kind === 'rect')
      problems.push(`${schema.stage}.${b.name} is a rectangle; basic controls are plain`);
  }
  return problems;
}

/** The longest `help` a declaration may have: one line of a tooltip. */
export const HELP_MAX_CHARS = 120;

const ABBREVIATIONS = new Set(['e.g', 'i.e', 'vs', 'cf', 'etc', 'approx']);

/** `help` is one short sentence on one line (the tooltip); anything longer belongs in `doc` (behind "More"). */
function helpProblems(key: string, d: ParamDecl): string[] {
  const help = d.help.trim();
  const problems: string[] = [];
  if (/[\r\n]/.test(help)) problems.push(`${key} help has a line break; help is one line`);
  if (help.length > HELP_MAX_CHARS)
    problems.push(`${key} help is ${help.length} characters; at most ${HELP_MAX_CHARS} (move detail to doc)`);
  for (const m of help.matchAll(/[.!?]\s+(?=[A-Z0-9`(])/g)) {
    const word = /([\w.]+)$/.exec(help.slice(0, m.index))?.[1] ?? '';
    if (!ABBREVIATIONS.has(word.toLowerCase())) {
      problems.push(`${key} help is more than one sentence; move the rest to doc`);
      break;
    }
  }
  if (d.doc !== undefined && !d.doc.trim()) problems.push(`${key} has an empty doc`);
  return problems;
}
