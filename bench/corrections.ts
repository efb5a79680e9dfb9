/**
 * Do the corrections make good fills worse? (issue 13). `npm run bench -- corrections [--quick]`, or
 * `npx tsx bench/corrections.ts [cases] [fills] [configs] [--quick] [--json=FILE] [--no-strips]` with
 * comma-separated lists (or `all`).
 *
 * Each case (bench/correctionsCases.ts: four texture crops with a 128 px square hole, four photographs
 * with a blob over an object) gets three stand-in fills of its hole (the real LaMa weights cannot be
 * downloaded): `blur` (the truth blurred, σ 3), `blur+bland` (the same after a bland colour defect) and
 * `embedded` (the LaMa stage's download-free fill, its default method). Each fill goes through the engine's
 * pipeline as the image, with the hole as the mask (the stages see it as the previous stage's fill),
 * under each config: `none` (the fill itself), each correction stage alone, `chain`
 * (the three, run in the chain's order: color, blockmatch, texture) and `auto` when the registry has a stage of that name; every stage with
 * its default parameters, seed 0.
 *
 * Scores (correctionsCases.ts): S, the mean CIEDE2000 between σ 4 low-passes of result and truth in the
 * hole (lower is better); D, the hole's detail variance over the truth's (1 = the truth's level) and
 * |ln D|; seam, the mean colour jump across the hole's edge over the truth's; the pipeline's wall time. Prints the
 * per-run and summary tables and the issue's acceptance checks (PASS/FAIL), writes
 * bench/results/corrections.json and docs/gallery/corrections-<case>-<fill>.png (fill, each config,
 * truth, cropped around the hole; the GPL-2+ fixtures' strips are git-ignored).
 * `--quick` (or CORRECTIONS_QUICK=1) runs the brick, astronaut and chelsea cases only.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cropImage, cropMask, expandRect, maskBoundingBox } from '../app/image/crop';
import { saveStrip, type StripPanel } from './strip';
import type { RgbImage } from '../app/image/types';
import { createSessionPool } from '../app/ort/pool';
import { Pipeline } from '../app/pipeline/run';
import { STAGES } from '../app/stages/registry';
import {
  CORRECTION_CASES,
  FILLS,
  QUICK_CASES,
  loadCorrectionCase,
  score,
  standInFill,
  truthRef,
  type FillName,
} from './correctionsCases';
import { table } from './table';
import { writeJsonSync } from './jsonFile';

/** The configs and the stage lists they run; `auto` only when the registry has it. */
export function defaultConfigs(): Record<string, string[]> {
  const configs: Record<string, string[]> = {
    none: [],
    blockmatch: ['blockmatch'],
    texture: ['texture'],
    color: ['color'],
    // Listed in the order the pipeline runs them (app/pipeline/chain.ts), whatever the order given.
    chain: ['color', 'blockmatch', 'texture'],
  };
  if (STAGES.some((s) => (s.name as string) === 'auto')) configs.auto = ['auto'];
  return configs;
}

export interface CorrectionsOptions {
  cases?: string[];
  fills?: FillName[];
  /** Config names of defaultConfigs(), or stage lists written `a>b>c`. */
  configs?: string[];
  quick?: boolean;
  /** Write the strips (default true). */
  strips?: boolean;
  stripDir?: string;
  log?: (line: string) => void;
}

export interface CorrectionRow {
  case: string;
  fill: FillName;
  config: string;
  S: number;
  /** S minus the fill's own S (config none). */
  dS: number;
  D: number;
  lnD: number;
  seam: number;
  ms: number;
  error?: string;
}

export interface SummaryRow {
  fill: FillName;
  config: string;
  cases: number;
  meanS: number;
  maxDS: number;
  /** Cases where S rose by more than 1.0 / 0.5, and where it fell. */
  up1: number;
  up05: number;
  fell: number;
  /** Mean over cases of S / S(none). */
  meanRatio: number;
  meanLnD: number;
  meanSeam: number;
  meanMs: number;
  errors: number;
}

export interface Check {
  check: string;
  config: string;
  value: string;
  result: 'PASS' | 'FAIL';
}

const mean = (v: number[]) => (v.length ? v.reduce((s, x) => s + x, 0) / v.length : NaN);

export async function runCorrections(opts: CorrectionsOptions = {}): Promise<{
  rows: CorrectionRow[];
  summary: SummaryRow[];
  checks: Check[];
  configs: Record<string, string[]>;
  strips: string[];
}> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const all = defaultConfigs();
  const configs: Record<string, string[]> = {};
  for (const name of opts.configs ?? Object.keys(all)) {
    if (all[name]) configs[name] = all[name];
    else if (name.includes('>') || STAGES.some((s) => s.name === name)) configs[name] = name.split('>');
    else throw new Error(`Unknown config "${name}"; choose from ${Object.keys(all).join(', ')} or a>b>c`);
  }
  if (!configs.none) configs.none = [];
  const caseNames = opts.cases ?? (opts.quick ? QUICK_CASES : CORRECTION_CASES.map((c) => c.name));
  const cases = CORRECTION_CASES.filter((c) => caseNames.includes(c.name));
  const fills = opts.fills ?? [...FILLS];
  const sessions = createSessionPool({ providers: ['cpu'] });
  const models = { resolve: async () => null };
  const stripDir = opts.stripDir ?? path.resolve('docs/gallery');
  const rows: CorrectionRow[] = [];
  const strips: string[] = [];
  for (const c of cases) {
    const { truth, mask } = await loadCorrectionCase(c);
    const ref = truthRef(truth, mask);
    for (const fill of fills) {
      const t0 = performance.now();
      const image = await standInFill(truth, mask, fill);
      log(`${c.name} ${fill}: stand-in fill ${(performance.now() - t0).toFixed(0)} ms`);
      const results: [string, RgbImage, CorrectionRow][] = [];
      let base = NaN;
      for (const [config, stages] of Object.entries(configs).sort(([a], [b]) =>
        a === 'none' ? -1 : b === 'none' ? 1 : 0,
      )) {
        let result = image;
        let ms = 0;
        let error: string | undefined;
        if (stages.length) {
          // A fresh pipeline per run: no stage result is reused from another config's run.
          const pipeline = new Pipeline({ stages: STAGES, sessions, models });
          try {
            const out = await pipeline.run({ image, mask, stages: stages.map((name) => ({ name })) });
            result = out.image;
            ms = out.totalMs;
          } catch (e) {
            error = e instanceof Error ? e.message : String(e);
          }
        }
        const s = score(result, ref);
        if (config === 'none') base = s.S;
        const row: CorrectionRow = {
          case: c.name,
          fill,
          config,
          ...s,
          dS: s.S - base,
          ms: Math.round(ms),
          ...(error ? { error } : {}),
        };
        if (error) Object.assign(row, { S: NaN, dS: NaN, D: NaN, lnD: NaN, seam: NaN });
        rows.push(row);
        results.push([config, result, row]);
        log(
          `${c.name} ${fill} ${config}: S ${s.S.toFixed(2)} D ${s.D.toFixed(2)} seam ${s.seam.toFixed(2)} ${row.ms} ms${error ? ` ERROR ${error}` : ''}`,
        );
      }
      if (opts.strips !== false) {
        const box = maskBoundingBox(mask)!;
        const view = expandRect(
          box,
          Math.max(48, Math.round(0.5 * Math.max(box.width, box.height))),
          truth.width,
          truth.height,
        );
        const cut = (img: RgbImage) => cropImage(img, view);
        const panels: StripPanel[] = results.map(([config, img, r]) => ({
          label: `${config === 'none' ? `fill: ${fill}` : config}${r.error ? ' ERROR' : ` S ${r.S.toFixed(2)} D ${r.D.toFixed(2)}`}`,
          image: cut(img),
        }));
        panels.push(
          { label: 'truth', image: cut(truth) },
          { label: 'hole', image: cut(truth), hole: cropMask(mask, view) },
        );
        mkdirSync(stripDir, { recursive: true });
        const file = path.join(stripDir, `corrections-${c.name}-${fill.replace('+', '-')}.png`);
        await saveStrip(file, panels, Math.min(320, view.height));
        strips.push(file);
      }
    }
  }
  await sessions.releaseAll();
  const summary = summarise(rows, fills, Object.keys(configs));
  return { rows, summary, checks: checks(summary), configs, strips };
}

function summarise(rows: CorrectionRow[], fills: readonly FillName[], configs: string[]): SummaryRow[] {
  const out: SummaryRow[] = [];
  for (const fill of fills)
    for (const config of configs) {
      const rs = rows.filter((r) => r.fill === fill && r.config === config);
      const ok = rs.filter((r) => !r.error);
      const base = (r: CorrectionRow) =>
        rows.find((b) => b.fill === fill && b.case === r.case && b.config === 'none')!.S;
      out.push({
        fill,
        config,
        cases: rs.length,
        meanS: mean(ok.map((r) => r.S)),
        maxDS: Math.max(...ok.map((r) => r.dS)),
        up1: ok.filter((r) => r.dS > 1).length,
        up05: ok.filter((r) => r.dS > 0.5).length,
        fell: ok.filter((r) => r.dS < 0).length,
        meanRatio: mean(ok.map((r) => r.S / base(r))),
        meanLnD: mean(ok.map((r) => r.lnD)),
        meanSeam: mean(ok.map((r) => r.seam)),
        meanMs: mean(ok.map((r) => r.ms)),
        errors: rs.length - ok.length,
      });
    }
  return out;
}

/**
 * The issue's "done means", for the configs a user would run as the correction (auto when present, and
 * the full chain), plus the single-stage bound for blockmatch and texture. A check over a fill or config
 * that was not run is left out; a config with errors fails.
 */
function checks(summary: SummaryRow[]): Check[] {
  const get = (fill: string, config: string) => summary.find((s) => s.fill === fill && s.config === config);
  const out: Check[] = [];
  const add = (check: string, config: string, value: string, pass: boolean, s: SummaryRow) =>
    out.push({ check, config, value, result: pass && s.errors === 0 ? 'PASS' : 'FAIL' });
  const f = (v: number) => v.toFixed(2);
  for (const config of ['auto', 'chain']) {
    const blur = get('blur', config);
    const none = get('blur', 'none');
    if (blur)
      add('blur: S never rises by more than 1.0', config, `max ΔS ${f(blur.maxDS)}`, blur.maxDS <= 1, blur);
    if (blur && none) {
      const drop = 1 - blur.meanLnD / none.meanLnD;
      add(
        'blur: mean abs ln D falls by ≥ 25% vs none',
        config,
        `${f(none.meanLnD)} -> ${f(blur.meanLnD)} (${(100 * drop).toFixed(0)}%)`,
        drop >= 0.25,
        blur,
      );
    }
    const bland = get('blur+bland', config);
    if (bland) {
      add(
        'blur+bland: S falls on every case',
        config,
        `${bland.fell}/${bland.cases}`,
        bland.fell === bland.cases,
        bland,
      );
      add(
        'blur+bland: S ≤ 0.6 × none on average',
        config,
        `mean S/S(none) ${f(bland.meanRatio)}`,
        bland.meanRatio <= 0.6,
        bland,
      );
    }
    const emb = get('embedded', config);
    if (emb)
      add(
        'embedded: S never rises by more than 0.5',
        config,
        `max ΔS ${f(emb.maxDS)}`,
        emb.maxDS <= 0.5,
        emb,
      );
  }
  for (const config of ['blockmatch', 'texture']) {
    const blur = get('blur', config);
    if (blur)
      add(
        'blur: a single stage never raises S by more than 1.5',
        config,
        `max ΔS ${f(blur.maxDS)}`,
        blur.maxDS <= 1.5,
        blur,
      );
  }
  return out;
}

const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : String(v));

export function correctionsMarkdown(r: Awaited<ReturnType<typeof runCorrections>>, quick: boolean): string {
  const lines: string[] = [];
  lines.push(
    `\n## corrections on good fills${quick ? ' (quick: brick, astronaut, chelsea)' : ''}: S = mean CIEDE2000 of σ 4 low-passes vs the truth in the hole (lower is better), D = detail variance / truth's, seam = colour jump across the hole edge / truth's, time\n`,
  );
  lines.push(
    `configs: ${Object.entries(r.configs)
      .map(([k, v]) => `${k} = [${v.join(', ')}]`)
      .join('; ')}\n`,
  );
  lines.push(
    table(
      r.rows.map((x) => ({
        ...x,
        S: fmt(x.S),
        dS: x.config === 'none' ? '' : fmt(x.dS),
        D: fmt(x.D),
        absLnD: fmt(x.lnD),
        seam: fmt(x.seam),
        error: x.error ?? '',
      })),
      ['case', 'fill', 'config', 'S', 'dS', 'D', 'absLnD', 'seam', 'ms', 'error'],
    ),
  );
  lines.push('\n### summary per fill and config\n');
  lines.push(
    table(
      r.summary.map((s) => ({
        ...s,
        meanS: fmt(s.meanS),
        maxDS: s.config === 'none' ? '' : fmt(s.maxDS),
        'S>+1.0': s.config === 'none' ? '' : s.up1,
        'S>+0.5': s.config === 'none' ? '' : s.up05,
        'S fell': s.config === 'none' ? '' : s.fell,
        'S/none': fmt(s.meanRatio),
        'mean abs lnD': fmt(s.meanLnD),
        meanSeam: fmt(s.meanSeam),
        meanMs: fmt(s.meanMs, 0),
      })),
      [
        'fill',
        'config',
        'cases',
        'meanS',
        'maxDS',
        'S>+1.0',
        'S>+0.5',
        'S fell',
        'S/none',
        'mean abs lnD',
        'meanSeam',
        'meanMs',
        'errors',
      ],
    ),
  );
  lines.push('\n### checks (issue 13)\n');
  lines.push(table(r.checks, ['check', 'config', 'value', 'result']));
  return `${lines.join('\n')}\n`;
}

export function writeJson(file: string, data: unknown): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeJsonSync(file, data, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
  return file;
}

/** Command line: positional [cases] [fills] [configs] (comma lists or `all`), and --flags. */
export async function correctionsMain(argv: readonly string[]): Promise<void> {
  const flags = new Map<string, string>();
  const pos: string[] = [];
  for (const a of argv) {
    if (a.startsWith('--')) {
      const [k, ...v] = a.slice(2).split('=');
      flags.set(k, v.join('='));
    } else pos.push(a);
  }
  const list = (v: string | undefined) =>
    v === undefined || v === 'all' || v === '' ? undefined : v.split(',');
  const quick = flags.has('quick') || process.env.CORRECTIONS_QUICK === '1';
  const fills = list(flags.get('fills') ?? pos[1]);
  for (const f of fills ?? [])
    if (!(FILLS as readonly string[]).includes(f))
      throw new Error(`Unknown fill "${f}"; choose from ${FILLS.join(', ')}`);
  const r = await runCorrections({
    cases: list(flags.get('cases') ?? pos[0]),
    fills: fills as FillName[] | undefined,
    configs: list(flags.get('configs') ?? pos[2]),
    quick,
    strips: !flags.has('no-strips'),
  });
  process.stdout.write(correctionsMarkdown(r, quick));
  const file = writeJson(flags.get('json') || path.resolve('bench/results/corrections.json'), {
    date: new Date().toISOString(),
    node: process.version,
    quick,
    configs: r.configs,
    rows: r.rows,
    summary: r.summary,
    checks: r.checks,
  });
  process.stdout.write(`\nwrote ${file}\n${r.strips.map((s) => `wrote ${s}`).join('\n')}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href)
  await correctionsMain(process.argv.slice(2));
