/** The short default panel and Advanced, from the declarations: what shows, what applies, what a run sends. */
import { describe, expect, it } from 'vitest';
import {
  advancedParams,
  autoCorrectReport,
  basicParams,
  helpText,
  initialStages,
  stageRequests,
  visibleParams,
  type ParamInfo,
  type StageInfo,
} from './params';

const sizing: ParamInfo = {
  kind: 'enum',
  name: 'sizing',
  label: 'Sizing',
  help: 'How the image is sized for the model.',
  default: 'auto',
  options: [
    { value: 'auto', label: 'Auto' },
    { value: 'regions', label: 'Region crops' },
  ],
};
const batch: ParamInfo = {
  kind: 'number',
  name: 'batchSize',
  label: 'Regions per model call',
  help: 'regions: how many crops one call fills. A model is batched only once batching is verified.',
  default: 4,
  min: 1,
  max: 16,
  step: 1,
  integer: true,
  when: { param: 'sizing', is: ['regions'] },
};
const engine: ParamInfo = {
  kind: 'enum',
  name: 'engine',
  label: 'Fill engine',
  help: 'What fills the hole.',
  doc: 'auto: the installed LaMa model, else the embedded fill.',
  default: 'auto',
  basic: true,
  options: [
    { value: 'auto', label: 'Auto' },
    { value: 'embedded', label: 'Embedded fill' },
  ],
};
const INFOS: StageInfo[] = [
  { name: 'lama', label: 'LaMa fill', description: '', params: [engine, sizing, batch] },
  { name: 'color', label: 'Colour', description: '', params: [] },
  {
    name: 'auto',
    label: 'Auto-correct',
    description: '',
    params: [{ kind: 'boolean', name: 'color', label: 'Try colour', help: '', default: true, basic: true }],
  },
];

describe('the default panel and Advanced', () => {
  it('LaMa and Auto-correct are on at start; the corrections are off', () => {
    const stages = initialStages(INFOS);
    expect(stages.filter((s) => s.enabled).map((s) => s.name)).toEqual(['lama', 'auto']);
    // A page that names its stages (?stages=) gets exactly those.
    expect(
      initialStages(INFOS, ['lama'])
        .filter((s) => s.enabled)
        .map((s) => s.name),
    ).toEqual(['lama']);
  });
  it('basic parameters go in the short panel, the rest under Advanced', () => {
    expect(basicParams(INFOS[0]).map((p) => p.name)).toEqual(['engine']);
    expect(advancedParams(INFOS[0]).map((p) => p.name)).toEqual(['sizing', 'batchSize']);
  });
  it('hides a parameter while it does not apply', () => {
    const lama = initialStages(INFOS)[0];
    expect(visibleParams(INFOS[0], lama.values, advancedParams(INFOS[0])).map((p) => p.name)).toEqual([
      'sizing',
    ]);
    const regions = { ...lama.values, sizing: 'regions' };
    expect(visibleParams(INFOS[0], regions, advancedParams(INFOS[0])).map((p) => p.name)).toEqual([
      'sizing',
      'batchSize',
    ]);
  });
  it('a run never sends a value whose parameter does not apply', () => {
    const stages = initialStages(INFOS);
    stages[0] = { ...stages[0], values: { ...stages[0].values, batchSize: 2 } };
    expect(stageRequests(INFOS, stages)[0]).toEqual({ name: 'lama', params: {} });
    stages[0] = { ...stages[0], values: { ...stages[0].values, sizing: 'regions' } };
    expect(stageRequests(INFOS, stages)[0]).toEqual({
      name: 'lama',
      params: { sizing: 'regions', batchSize: 2 },
    });
  });
  it('help is one short sentence; the rest, or the doc, is behind More', () => {
    expect(helpText(engine)).toEqual({
      short: 'What fills the hole.',
      more: 'auto: the installed LaMa model, else the embedded fill.',
    });
    expect(helpText(batch)).toEqual({
      short: 'regions: how many crops one call fills.',
      more: 'A model is batched only once batching is verified.',
    });
    expect(helpText(sizing)).toEqual({ short: 'How the image is sized for the model.', more: null });
  });
  it("reads Auto-correct's one-line summary and per-hole choices from the last run, in the CLI's words", () => {
    const score = (total: number, colorShift: number) => ({
      color: 0,
      detail: 0,
      orientation: 0,
      seam: 0,
      total,
      colorShift,
      detailRatio: 1,
    });
    const info = {
      candidates: ['none', 'color'],
      ms: 1,
      candidateMs: {},
      holes: [
        {
          box: { x: 0, y: 0, width: 10, height: 10 },
          pixels: 100,
          applied: 'color',
          verdict: 'improved',
          scores: { none: score(1, 4.1), color: score(0.4, 0.9) },
        },
        {
          box: { x: 20, y: 0, width: 10, height: 10 },
          pixels: 100,
          applied: 'none',
          verdict: 'already-fits',
          best: 'color',
          scores: { none: score(0.2, 1), color: score(0.3, 1) },
        },
      ],
    };
    const run = {
      stages: [
        { name: 'lama', info: { engine: 'embedded' } },
        { name: 'auto', info },
      ],
    };
    expect(autoCorrectReport(run)).toEqual({
      summary: '2 holes: colour on 1, left as it was on 1',
      holes: [
        {
          applied: 'color',
          reason: 'colour differs from the surroundings (ΔE 4.1 → 0.9); score 1.00 → 0.40',
        },
        {
          applied: 'none',
          reason:
            'left as it is: it already fits its surroundings: no correction made it fit better (score 0.20; best try, colour, 0.30)',
        },
      ],
    });
    expect(autoCorrectReport({ stages: [{ name: 'lama', info: {} }] })).toBeNull();
    expect(autoCorrectReport({ stages: [{ name: 'auto', info: { skipped: 'empty-mask' } }] })).toBeNull();
  });
});

describe('short help from long declarations', () => {
  const of = (help: string): ParamInfo => ({ ...sizing, help, doc: undefined });
  it('ends the tooltip at the first sentence, also before a lower-case word', () => {
    expect(
      helpText(of('rabin-peyre: regularised transfer (Rabin and Peyré). reinhard: mean and spread.')),
    ).toEqual({
      short: 'rabin-peyre: regularised transfer (Rabin and Peyré).',
      more: 'reinhard: mean and spread.',
    });
  });
  it('does not cut at "e.g." or a decimal point', () => {
    expect(helpText(of('Scale of the pass (0.5 = half, e.g. a crop). More text here.')).short).toBe(
      'Scale of the pass (0.5 = half, e.g. a crop).',
    );
  });
  it('cuts a first sentence longer than 140 characters at a word, the whole text behind More', () => {
    const long = `${'word '.repeat(40)}end.`;
    const t = helpText(of(long));
    expect(t.short.length).toBeLessThanOrEqual(141);
    expect(t.short.endsWith('…')).toBe(true);
    expect(t.more).toBe(long);
  });
});
