/**
 * Sliders from parameter declarations (app/common/params via app/contract): the mapping between a
 * slider's position and a value (linear or logarithmic, snapped to the declared step), its text, and
 * what a stage card sends to the engine.
 */
import { paramApplies, type ParamValue } from '../../app/common/params';
import { stageInfo } from '../../app/common/stageInfo';
import type { MethodResult } from '../../app/contract/schemas';
import { describeStage } from '../../app/contract/stageInfoText';

export type StageInfo = MethodResult<'listStages'>[number];
export type ParamInfo = StageInfo['params'][number];

/** Slider positions run 0..SLIDER_STEPS. */
export const SLIDER_STEPS = 1000;

function decimalsOf(step: number): number {
  if (!(step > 0) || Number.isInteger(step)) return 0;
  const s = String(step);
  const e = s.indexOf('e-');
  if (e >= 0) return Number(s.slice(e + 2));
  return s.length - s.indexOf('.') - 1;
}

function range(decl: ParamInfo): { min: number; max: number; step: number } {
  const min = decl.min ?? 0;
  const max = decl.max ?? 1;
  return { min, max, step: decl.step ?? (decl.integer ? 1 : (max - min) / 100) };
}

/** Lowest value the log scale reaches above zero when the declared minimum is 0. */
function logFloor(decl: ParamInfo): number {
  const { min, max, step } = range(decl);
  return min > 0 ? min : Math.max(step, max / 1e4);
}

/** Rounds to the step (integers for integer params), clamped to [min, max]. */
export function snap(decl: ParamInfo, value: number): number {
  const { min, max, step } = range(decl);
  let v = Math.min(max, Math.max(min, value));
  if (decl.log) {
    // On a log scale the step would swallow the low end: keep three significant digits instead.
    v = v === 0 ? 0 : Number(v.toPrecision(3));
    if (decl.integer) v = Math.round(v);
  } else {
    v = min + Math.round((v - min) / step) * step;
    v = Number(v.toFixed(decimalsOf(step)));
    if (decl.integer) v = Math.round(v);
  }
  return Math.min(max, Math.max(min, v));
}

/** The value at a slider position (0..SLIDER_STEPS), snapped. */
export function sliderToValue(decl: ParamInfo, position: number): number {
  const { min, max } = range(decl);
  const t = Math.min(1, Math.max(0, position / SLIDER_STEPS));
  if (!decl.log) return snap(decl, min + t * (max - min));
  if (t === 0) return min;
  const lo = Math.log(logFloor(decl)),
    hi = Math.log(max);
  return snap(decl, Math.exp(lo + t * (hi - lo)));
}

/** The slider position (0..SLIDER_STEPS) showing a value. */
export function valueToSlider(decl: ParamInfo, value: number): number {
  const { min, max } = range(decl);
  if (max <= min) return 0;
  if (!decl.log) return Math.round(((value - min) / (max - min)) * SLIDER_STEPS);
  const floor = logFloor(decl);
  if (value <= floor) return 0;
  const lo = Math.log(floor),
    hi = Math.log(max);
  return Math.round(((Math.log(Math.min(value, max)) - lo) / (hi - lo)) * SLIDER_STEPS);
}

/** A value as the card shows it: "3 px", "0.75", "on", "Auto", "120,40 64×64". */
export function formatValue(decl: ParamInfo, value: ParamValue): string {
  if (value === null) return 'none';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'string') return decl.options?.find((o) => o.value === value)?.label ?? value;
  if (typeof value === 'number') {
    const text = decl.log
      ? String(Number(value.toPrecision(3)))
      : value.toFixed(decimalsOf(range(decl).step));
    return decl.unit ? `${text} ${decl.unit}` : text;
  }
  return `${value.x},${value.y} ${value.width}×${value.height}`;
}

/** Parses what a user typed into a number field; null when it is not a number. Clamped and snapped. */
export function parseTyped(decl: ParamInfo, text: string): number | null {
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*[a-zA-Z%]*\s*$/i.exec(text);
  return m ? snap(decl, Number(m[1])) : null;
}

/** One stage card's state. */
export interface StageSettings {
  name: string;
  enabled: boolean;
  values: Record<string, ParamValue>;
}

export function defaultValues(info: StageInfo): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const p of info.params) out[p.name] = p.default;
  return out;
}

/** The stage the short panel's Auto-correct switch runs (after LaMa, on by default). */
export const AUTO_STAGE = 'auto' as const;

/**
 * Initial cards: every stage with its defaults. Enabled: the first stage (the fill) and Auto-correct
 * when the engine has it, or exactly the stages a page names (?stages=).
 */
export function initialStages(infos: readonly StageInfo[], enabled?: readonly string[]): StageSettings[] {
  return infos.map((info, i) => ({
    name: info.name,
    enabled: enabled ? enabled.includes(info.name) : i === 0 || info.name === AUTO_STAGE,
    values: defaultValues(info),
  }));
}

/** The parameters of the short default panel (declared `basic`). */
export function basicParams(info: StageInfo): ParamInfo[] {
  return info.params.filter((p) => p.basic);
}

/** Everything else, under Advanced. */
export function advancedParams(info: StageInfo): ParamInfo[] {
  return info.params.filter((p) => !p.basic);
}

/** Of `params`, those that apply with these values (their declared `when`): the others are hidden. */
export function visibleParams(
  info: StageInfo,
  values: Record<string, ParamValue>,
  params: readonly ParamInfo[] = info.params,
): ParamInfo[] {
  return params.filter((p) => paramApplies(info.params, values, p.name));
}

/** Longest tooltip before it is cut at a word (the whole text is then behind "More"). */
const SHORT_HELP = 140;

/** Where the first sentence of `text` ends (after its full stop), or -1: not at "e.g." and the like. */
function firstSentenceEnd(text: string): number {
  const re = /[.!?](?=\s+\S)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const before = text.slice(Math.max(0, m.index - 5), m.index + 1).toLowerCase();
    if (/(^|[\s(])(e\.g|i\.e|vs|etc|al|cf)\.$/.test(before)) continue;
    return m.index + 1;
  }
  return -1;
}

/**
 * A parameter's help as the editor shows it: one short sentence as the tooltip, and the rest (the
 * help's later sentences, then the declaration's doc) behind "More"; null when there is nothing more.
 */
export function helpText(decl: ParamInfo): { short: string; more: string | null } {
  const { short, more } = shortText(decl.help);
  const all = [more ?? '', decl.doc?.trim() ?? ''].filter(Boolean).join(' ');
  return { short, more: all || null };
}

/** Any text as a short first sentence and the rest (null when there is none): stage descriptions too. */
export function shortText(text: string): { short: string; more: string | null } {
  const help = text.trim();
  const end = firstSentenceEnd(help);
  let short = end > 0 ? help.slice(0, end) : help;
  let rest = end > 0 ? help.slice(end).trim() : '';
  if (short.length > SHORT_HELP) {
    const cut = short.lastIndexOf(' ', SHORT_HELP - 1);
    short = `${short.slice(0, cut > 40 ? cut : SHORT_HELP - 1)}…`;
    rest = help;
  }
  return { short, more: rest || null };
}

/** What Auto-correct did in the last run: its one-line summary and, per hole, what it applied and why. */
export interface AutoCorrectReport {
  summary: string;
  holes: { applied: string; reason: string }[];
}

/** Auto-correct's report of the last run, in the words the CLI prints too (app/contract/stageInfoText.ts). */
export function autoCorrectReport(run: {
  stages: readonly { name: string; info?: Record<string, unknown> }[];
}): AutoCorrectReport | null {
  const info = stageInfo(run.stages, AUTO_STAGE);
  const text = info && describeStage(AUTO_STAGE, info);
  if (!info || !text) return null;
  return {
    summary: text.summary,
    holes: (info.holes ?? []).map((h, i) => ({ applied: h.applied, reason: text.holes[i].text })),
  };
}

/**
 * What a run sends: the enabled stages in order, with only the values that differ from defaults and
 * whose parameter applies (a hidden setting never changes a run; the engine would ignore it too).
 */
export function stageRequests(
  infos: readonly StageInfo[],
  stages: readonly StageSettings[],
): { name: string; params: Record<string, ParamValue> }[] {
  return stages
    .filter((s) => s.enabled)
    .map((s) => {
      const info = infos.find((i) => i.name === s.name);
      const params: Record<string, ParamValue> = {};
      for (const p of info?.params ?? []) {
        const v = s.values[p.name];
        if (v === undefined || JSON.stringify(v) === JSON.stringify(p.default)) continue;
        if (!paramApplies(info!.params, s.values, p.name)) continue;
        params[p.name] = v;
      }
      return { name: s.name, params };
    });
}
