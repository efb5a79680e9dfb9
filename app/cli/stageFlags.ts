/** Turns `--stages` and `--set stage.param=value` into a validated stage list, from the declarations. */
import { StudioError } from '../common/errors';
import { describeWhen, parseParamText, resolveParamsReport, type ParamDecl } from '../common/params';
import type { StageRequest } from '../pipeline/run';
import type { StageDef } from '../pipeline/types';
import { assertUniqueStages } from '../pipeline/validate';

export function parseStageList(text: string, registry: readonly StageDef[]): string[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0)
    throw new StudioError('PARAM_INVALID', 'Expected at least one stage for --stages but received ""');
  assertUniqueStages(names);
  for (const n of names) {
    if (!registry.some((d) => d.name === n)) {
      throw new StudioError(
        'STAGE_UNKNOWN',
        `Unknown stage "${n}" in --stages; available stages: ${registry.map((d) => d.name).join(', ')}`,
      );
    }
  }
  return names;
}

/** Applies `stage.param=value` assignments; each names a declared parameter of a listed stage. */
export function buildStageRequests(
  names: readonly string[],
  sets: readonly string[],
  registry: readonly StageDef[],
): StageRequest[] {
  const params = new Map<string, Record<string, unknown>>(names.map((n) => [n, {}]));
  for (const s of sets) {
    const m = /^([a-z]+)\.([A-Za-z0-9]+)=(.*)$/.exec(s);
    if (!m)
      throw new StudioError(
        'PARAM_INVALID',
        `Expected --set stage.param=value but received ${JSON.stringify(s)}`,
      );
    const [, stage, name, value] = m;
    const def = registry.find((d) => d.name === stage);
    if (!def)
      throw new StudioError(
        'STAGE_UNKNOWN',
        `Unknown stage "${stage}" in --set ${s}; available stages: ${registry.map((d) => d.name).join(', ')}`,
      );
    if (!params.has(stage)) {
      throw new StudioError(
        'PARAM_INVALID',
        `--set ${s} sets a parameter of ${stage}, which is not in --stages (${names.join(',')})`,
      );
    }
    const decl = def.params.params.find((p) => p.name === name);
    if (!decl) {
      throw new StudioError(
        'PARAM_INVALID',
        `Unknown parameter ${stage}.${name}; ${stage} takes ${def.params.params.map((p) => p.name).join(', ')}`,
      );
    }
    params.get(stage)![name] = parseParamText(decl, `${stage}.${name}`, value);
  }
  return names.map((n) => ({ name: n, params: params.get(n) }));
}

/**
 * The values a run would ignore because their parameter does not apply (its declared `when`), as
 * warnings: "lama.batchSize=2 is ignored: it applies only when lama.sizing is regions (it is auto)".
 * @throws StudioError PARAM_INVALID for an invalid value (as the run would)
 */
export function ignoredSettings(stages: readonly StageRequest[], registry: readonly StageDef[]): string[] {
  return stages.flatMap((s) => {
    const def = registry.find((d) => d.name === s.name);
    return def ? resolveParamsReport(def.params, s.params ?? {}).ignored.map((i) => i.message) : [];
  });
}

/** One entry per parameter for `stages` and --help: name, range, default, unit, help, when it applies. */
export function describeParam(stage: string, d: ParamDecl): string {
  const key = `${stage}.${d.name}`;
  const text = `\n      ${d.label}: ${d.help}${d.doc ? ` ${d.doc}` : ''}${d.when ? `\n      Applies only when ${describeWhen(stage, d)}.` : ''}`;
  switch (d.kind) {
    case 'number':
      return `  ${key}  ${d.integer ? 'integer' : 'number'} ${d.min}..${d.max}${d.unit ? ` ${d.unit}` : ''}${d.log ? ' (log scale)' : ''}, default ${d.default}${text}`;
    case 'boolean':
      return `  ${key}  true|false, default ${d.default}${text}`;
    case 'enum':
      return `  ${key}  ${d.options.map((o) => o.value).join('|')}, default ${d.default}${text}`;
    case 'rect':
      return `  ${key}  x,y,width,height in pixels inside the image${d.minSize ? `, at least ${d.minSize}x${d.minSize}` : ''}, default none${text}`;
  }
}
