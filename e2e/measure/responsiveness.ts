/**
 * Whether the editor stays responsive while the engine works, on an 8 MP photo in Chromium against the
 * browser host as `npm run web` runs it (the engine in a child process). Not a test.
 *   npm run build:renderer && npx tsx e2e/measure/responsiveness.ts [--runs N] [--trace FILE] [--quiet]
 * (--trace FILE writes FILE-idle.json and FILE-runN.json: see TRACE_CATEGORIES.)
 * Opens ../shared/fixtures/images/Elephants_3840x2160.jpg, paints a mask, then measures three phases:
 *   idle         no input, no run
 *   idle + brush brush strokes with page.mouse, no run
 *   run + brush  a run of the LaMa stage (embedded fill) and the colour stage, with progress events and
 *                previews, while brush strokes go on with page.mouse
 * For each: every animation-frame interval (requestAnimationFrame timestamps in the page; longest, 99th
 * percentile, how many over 50 ms), long tasks (PerformanceObserver 'longtask'), and for the strokes
 * the lag from a pointer sample (its event's timeStamp) to the end of the frame that drew its dab (the
 * frame's rendering done: a message posted from a requestAnimationFrame callback), and dabs drawn for
 * the mouse moves sent. Frames over 50 ms are attributed with long-animation-frame entries (the scripts
 * that ran in them). `uptime` goes with each phase: other work on the machine shows in these figures,
 * and headless Chromium renders in software.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { repoRoot } from '../harness';
import { startWebHost } from '../webHost';

const FIXTURE = path.join(repoRoot, '..', 'shared', 'fixtures', 'images', 'Elephants_3840x2160.jpg');
/** Mouse moves are sent at this interval (ms) when the page keeps up. */
const MOVE_EVERY_MS = 8;
/** CSS px per mouse move along a stroke. */
const MOVE_STEP = 4;
const MOVES_PER_STROKE = 60;
/**
 * With --trace FILE: the performance timeline of each phase with strokes, as DevTools records it (open
 * it in DevTools' Performance panel), with JavaScript samples; the report then adds how much CPU time
 * the page's main thread had in each frame over 50 ms (a long frame with little of it waited for a core).
 */
const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'blink.user_timing',
  'v8.execute',
  'disabled-by-default-v8.cpu_profiler',
];
const TRACE_MARK = 'responsiveness-start';

/**
 * Installed before the page's own scripts (page.addInitScript): frame, long-task and
 * long-animation-frame recording, and the time and size of every socket message the page receives.
 * Plain JavaScript text: tsx's transform would add helpers the page does not have to a function.
 */
const INIT_CODE = `(() => {
  const m = { on: false, frames: [], longtasks: [], loafs: [], messages: [], lags: [], pending: [],
    dabs: 0, events: 0, samples: 0, curTs: null, coalesced: [], sample: 0, marks: [] };
  window.__measure = m;
  new PerformanceObserver((l) => {
    if (m.on) for (const e of l.getEntries()) m.longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask' });
  try {
    new PerformanceObserver((l) => {
      if (!m.on) return;
      for (const e of l.getEntries())
        m.loafs.push({
          start: e.startTime, duration: e.duration, blocking: e.blockingDuration,
          renderStart: e.renderStart, styleAndLayoutStart: e.styleAndLayoutStart,
          scripts: e.scripts.map((s) => ({ invoker: s.invoker, type: s.invokerType, fn: s.sourceFunctionName,
            start: s.startTime, duration: s.duration, forcedLayout: s.forcedStyleAndLayoutDuration })),
        });
    }).observe({ type: 'long-animation-frame' });
  } catch {}
  // The engine's messages, on the page's socket or from the socket worker (renderer/engine).
  const bytes = (v, depth) => v instanceof ArrayBuffer ? v.byteLength
    : v && typeof v === 'object' && depth < 6 ? Object.values(v).reduce((a, x) => a + bytes(x, depth + 1), 0) : 0;
  for (const C of [WebSocket, Worker]) {
    const add = C.prototype.addEventListener;
    C.prototype.addEventListener = function (type, fn, opts) {
      if (type !== 'message') return add.call(this, type, fn, opts);
      return add.call(this, type, function (e) {
        const t0 = performance.now();
        try { return fn.call(this, e); }
        finally { if (m.on) m.messages.push({ t: t0, ms: performance.now() - t0, bytes: bytes(e.data, 0) }); }
      }, opts);
    };
  }
  const loop = (ts) => {
    if (!m.on) return;
    m.frames.push(ts);
    const drawn = m.pending;
    m.pending = [];
    // The canvas's draw callback was requested after this one, so it runs later in this frame; the
    // message comes after the frame's rendering.
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      const t = performance.now();
      for (const s of drawn) m.lags.push(t - s);
    };
    ch.port2.postMessage(0);
    requestAnimationFrame(loop);
  };
  m.start = () => {
    Object.assign(m, { on: true, frames: [], longtasks: [], loafs: [], messages: [], lags: [], pending: [],
      dabs: 0, events: 0, samples: 0, marks: [] });
    m.t0 = performance.mark('${TRACE_MARK}').startTime;
    requestAnimationFrame(loop);
  };
  m.stop = () => { m.on = false; m.t1 = performance.now(); };
  m.mark = (what) => m.marks.push({ t: performance.now(), what });
  // Which pointer sample a dab belongs to: the canvas calls editor.pointerMove once per coalesced sample.
  addEventListener('pointerdown', (e) => { m.curTs = e.timeStamp; }, true);
  addEventListener('pointermove', (e) => {
    if (!m.on) return;
    m.events++;
    const c = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    m.coalesced = c.length ? c.map((x) => x.timeStamp) : [e.timeStamp];
    m.sample = 0;
  }, true);
  m.instrument = (editor) => {
    const move = editor.pointerMove.bind(editor);
    editor.pointerMove = (p) => {
      if (m.on) { m.samples++; m.curTs = m.coalesced[Math.min(m.sample++, m.coalesced.length - 1)]; }
      return move(p);
    };
    const doc = editor.mask;
    const dab = doc.dab.bind(doc);
    doc.dab = (...a) => {
      if (m.on) { m.dabs++; if (m.curTs !== null) m.pending.push(m.curTs); }
      return dab(...a);
    };
    // Run status and stage changes (not every step), and each preview or result shown.
    const key = (r) => r.status + ' [' + r.stages.map((x) => x.name + ' ' + x.state).join(', ') + ']';
    let run = key(editor.getSnapshot().run), rv = editor.getSnapshot().resultVersion;
    editor.subscribe(() => {
      const s = editor.getSnapshot();
      const k = key(s.run);
      if (k !== run && m.on) m.mark('run ' + k);
      if (s.resultVersion !== rv && m.on) m.mark(editor.afterIsLivePreview ? 'preview shown' : 'result shown');
      run = k; rv = s.resultVersion;
    });
  };
})()`;

interface PageRecord {
  t0: number;
  t1: number;
  frames: number[];
  longtasks: { start: number; duration: number }[];
  loafs: {
    start: number;
    duration: number;
    blocking: number;
    renderStart: number;
    styleAndLayoutStart: number;
    scripts: {
      invoker: string;
      type: string;
      fn: string;
      start: number;
      duration: number;
      forcedLayout: number;
    }[];
  }[];
  messages: { t: number; ms: number; bytes: number }[];
  lags: number[];
  dabs: number;
  events: number;
  samples: number;
  marks: { t: number; what: string }[];
}

interface Strokes {
  sent: number;
  /** Wall time of the moves (ms) and the longest wait for one mouse.move to be acknowledged. */
  ms: number;
  maxAckMs: number;
}

function uptime(): string {
  try {
    return execFileSync('uptime', { encoding: 'utf8' })
      .trim()
      .replace(/^.*load/, 'load');
  } catch {
    return '(uptime unavailable)';
  }
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');

/** Brush strokes with the mouse inside `area` (page px) until `until()` says stop. */
async function paint(
  page: Page,
  area: { x: number; y: number; w: number; h: number },
  until: () => Promise<boolean>,
): Promise<Strokes> {
  const out: Strokes = { sent: 0, ms: 0, maxAckMs: 0 };
  const t0 = Date.now();
  let stroke = 0;
  while (!(await until())) {
    const y = area.y + ((stroke * 37) % Math.max(1, area.h));
    let x = area.x;
    let dir = 1;
    await page.mouse.move(x, y);
    await page.mouse.down();
    let due = Date.now();
    for (let i = 0; i < MOVES_PER_STROKE; i++) {
      due += MOVE_EVERY_MS;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      x += dir * MOVE_STEP;
      if (x > area.x + area.w || x < area.x) dir = -dir;
      const a = Date.now();
      await page.mouse.move(x, y + Math.sin(i / 6) * 12);
      out.maxAckMs = Math.max(out.maxAckMs, Date.now() - a);
      out.sent++;
    }
    await page.mouse.up();
    stroke++;
  }
  out.ms = Date.now() - t0;
  return out;
}

async function record(
  page: Page,
  body: () => Promise<Strokes | null>,
): Promise<[PageRecord, Strokes | null]> {
  await page.evaluate('window.__measure.start()');
  const strokes = await body();
  // Two more frames, so the last dabs are drawn and measured.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  await page.evaluate('new Promise((r) => setTimeout(r, 50))');
  await page.evaluate('window.__measure.stop()');
  const rec = (await page.evaluate(
    '(() => { const m = window.__measure; return { t0: m.t0, t1: m.t1, frames: m.frames, longtasks: m.longtasks, loafs: m.loafs, messages: m.messages, lags: m.lags, dabs: m.dabs, events: m.events, samples: m.samples, marks: m.marks }; })()',
  )) as PageRecord;
  return [rec, strokes];
}

interface TraceEvent {
  name: string;
  cat?: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
}

/**
 * The page main thread's CPU time (ms) in each frame over 50 ms, from a trace: its tasks' thread time,
 * shared out by how much of each task falls in the frame. Null when the trace lacks what it needs.
 */
function longFrameCpu(file: string, rec: PageRecord): { at: number; ms: number; cpu: number }[] | null {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { traceEvents: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(data) ? data : data.traceEvents;
  const mark = events.find((e) => e.name === TRACE_MARK && e.cat?.includes('user_timing'));
  if (!mark) return null;
  const us = (pageMs: number) => mark.ts + (pageMs - rec.t0) * 1000;
  const tasks = events.filter(
    (e) => e.pid === mark.pid && e.tid === mark.tid && e.name === 'RunTask' && e.ph === 'X' && e.dur,
  );
  const out: { at: number; ms: number; cpu: number }[] = [];
  for (let i = 1; i < rec.frames.length; i++) {
    const ms = rec.frames[i] - rec.frames[i - 1];
    if (ms <= 50) continue;
    const a = us(rec.frames[i - 1]),
      b = us(rec.frames[i]);
    let cpu = 0;
    for (const t of tasks) {
      const overlap = Math.min(b, t.ts + t.dur!) - Math.max(a, t.ts);
      if (overlap > 0) cpu += ((t.tdur ?? 0) * overlap) / t.dur!;
    }
    out.push({ at: rec.frames[i - 1] - rec.t0, ms, cpu: cpu / 1000 });
  }
  return out;
}

function report(
  name: string,
  load: string,
  rec: PageRecord,
  strokes: Strokes | null,
  verbose: boolean,
  trace: string | null = null,
): void {
  const intervals: { at: number; ms: number }[] = [];
  for (let i = 1; i < rec.frames.length; i++)
    intervals.push({ at: rec.frames[i - 1] - rec.t0, ms: rec.frames[i] - rec.frames[i - 1] });
  const sorted = intervals.map((f) => f.ms).sort((a, b) => a - b);
  const over50 = intervals.filter((f) => f.ms > 50);
  const longest = rec.longtasks.reduce((a, t) => Math.max(a, t.duration), 0);
  console.log(`\n${name} (${((rec.t1 - rec.t0) / 1000).toFixed(1)} s; ${load})`);
  console.log(
    `  frames: ${intervals.length}, longest ${fmt(sorted[sorted.length - 1])} ms, p99 ${fmt(quantile(sorted, 0.99))} ms, ` +
      `median ${fmt(quantile(sorted, 0.5))} ms, over 50 ms: ${over50.length}, over 33 ms: ${intervals.filter((f) => f.ms > 33.4).length}`,
  );
  console.log(`  long tasks: ${rec.longtasks.length}, longest ${fmt(longest)} ms`);
  const cpu = trace ? longFrameCpu(trace, rec) : null;
  if (cpu?.length) {
    const c = cpu.map((f) => f.cpu).sort((a, b) => a - b);
    console.log(
      `  main-thread CPU in the frames over 50 ms (trace): median ${fmt(quantile(c, 0.5))} ms, ` +
        `max ${fmt(c[c.length - 1])} ms; ${c.filter((x) => x > 50).length} of them had over 50 ms of it`,
    );
    if (verbose)
      for (const f of cpu.sort((a, b) => b.ms - a.ms).slice(0, 8))
        console.log(
          `    at ${f.at.toFixed(0).padStart(6)} ms: ${f.ms.toFixed(0)} ms frame, ${f.cpu.toFixed(0)} ms CPU`,
        );
  }
  if (strokes) {
    const lags = rec.lags.slice().sort((a, b) => a - b);
    console.log(
      `  strokes: ${strokes.sent} mouse moves sent in ${(strokes.ms / 1000).toFixed(1)} s ` +
        `(${((strokes.sent * 1000) / strokes.ms).toFixed(0)}/s; longest mouse.move ack ${strokes.maxAckMs} ms), ` +
        `${rec.events} pointermove events, ${rec.samples} samples, ${rec.dabs} dabs, ${rec.lags.length} of them seen drawn`,
    );
    console.log(
      `  pointer sample → frame with its dab drawn: median ${fmt(quantile(lags, 0.5))} ms, ` +
        `p95 ${fmt(quantile(lags, 0.95))} ms, max ${fmt(lags[lags.length - 1])} ms`,
    );
  }
  if (rec.messages.length) {
    const big = rec.messages.filter((x) => x.bytes > 100_000);
    const slow = rec.messages.reduce((a, x) => Math.max(a, x.ms), 0);
    console.log(
      `  socket messages: ${rec.messages.length} (${big.length} over 100 kB: ` +
        `${big.map((x) => `${(x.bytes / 1e6).toFixed(1)} MB in ${x.ms.toFixed(0)} ms`).join(', ')}); longest handler ${fmt(slow)} ms`,
    );
  }
  if (!verbose) return;
  for (const k of rec.marks) console.log(`    ${(k.t - rec.t0).toFixed(0).padStart(6)} ms  ${k.what}`);
  const worst = rec.loafs
    .filter((l) => l.duration > 50)
    .sort((a, b) => b.duration - a.duration)
    .slice(0, 8);
  if (worst.length) console.log('  long animation frames (worst first):');
  for (const l of worst) {
    const render = l.renderStart ? l.start + l.duration - l.renderStart : 0;
    const scripts = l.scripts
      .filter((s) => s.duration >= 5)
      .map((s) => `${s.invoker}${s.fn ? ` (${s.fn})` : ''} ${s.duration.toFixed(0)} ms`)
      .join('; ');
    console.log(
      `    at ${(l.start - rec.t0).toFixed(0).padStart(6)} ms: ${l.duration.toFixed(0)} ms ` +
        `(rendering ${render.toFixed(0)} ms${scripts ? `; ${scripts}` : ''})`,
    );
  }
}

async function main(): Promise<void> {
  if (!existsSync(FIXTURE)) throw new Error(`Missing fixture ${FIXTURE}`);
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Math.max(1, Number(process.argv[runsArg + 1]) || 1) : 1;
  const verbose = !process.argv.includes('--quiet');
  const traceArg = process.argv.indexOf('--trace');
  const trace = traceArg > 0 ? path.resolve(process.argv[traceArg + 1]) : null;
  /** FILE-idle.json, FILE-run1.json, … */
  const traceFile = (phase: string) => (trace ? trace.replace(/(\.json)?$/, `-${phase}.json`) : null);
  const h = await startWebHost();
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript(INIT_CODE);
    await page.goto(h.url.replace('/#', '/?stages=lama,color#'));
    await page.getByText('Engine', { exact: false }).first().waitFor();
    await page.getByTestId('open-input').setInputFiles(FIXTURE);
    await page.getByTestId('status-image').waitFor();
    // The mask: a brushed blob on the left of the photo (about 3 % of the image).
    await page.evaluate(`(() => {
      const editor = window.inpaintStudio.editor;
      for (let t = 0; t < 200; t++)
        editor.mask.dab(1100 + t * 2.5, 1200 + Math.sin(t / 25) * 150, 100, 0.8, 'paint');
      editor.masking.setTool('brush');
      editor.masking.setBrush({ size: 40 });
      window.__measure.instrument(editor);
    })()`);
    await page.evaluate('new Promise((r) => setTimeout(r, 500))');
    const box = (await page.getByTestId('canvas-host').boundingBox())!;
    // Strokes over the lower right of the view (inside the image when fitted).
    const area = { x: box.x + box.width * 0.55, y: box.y + box.height * 0.6, w: box.width * 0.25, h: 60 };
    console.log(
      `Responsiveness on Elephants_3840x2160.jpg in Chromium (${browser.version()}, software rendering)`,
    );

    let load = uptime();
    const [idle] = await record(page, async () => {
      await page.evaluate('new Promise((r) => setTimeout(r, 3000))');
      return null;
    });
    report('idle, no input', load, idle, null, false);

    load = uptime();
    const t = Date.now();
    const brushTrace = traceFile('idle');
    if (brushTrace) await browser.startTracing(page, { path: brushTrace, categories: TRACE_CATEGORIES });
    const [brush, bs] = await record(page, () => paint(page, area, async () => Date.now() - t > 6000));
    if (brushTrace) await browser.stopTracing();
    report('idle + brush strokes', load, brush, bs, verbose, brushTrace);

    for (let r = 0; r < runs; r++) {
      load = uptime();
      const prev = (await page.evaluate('window.inpaintStudio.editor.getSnapshot().run.jobId')) as
        string | null;
      const runTrace = traceFile(`run${r + 1}`);
      if (runTrace) await browser.startTracing(page, { path: runTrace, categories: TRACE_CATEGORIES });
      const [run, rs] = await record(page, async () => {
        await page.evaluate(
          'window.__measure.mark("run called"); void window.inpaintStudio.editor.runs.run()',
        );
        const strokes = await paint(page, area, async () => {
          const s = (await page.evaluate(
            '(() => { const r = window.inpaintStudio.editor.getSnapshot().run; return [r.jobId, r.status]; })()',
          )) as [string | null, string];
          return s[0] !== prev && s[1] !== 'running';
        });
        // The result's first frames.
        await page.evaluate('new Promise((r) => setTimeout(r, 500))');
        return strokes;
      });
      if (runTrace) await browser.stopTracing();
      const status = (await page.evaluate('window.inpaintStudio.editor.getSnapshot().run')) as {
        status: string;
        totalMs: number | null;
        stages: { name: string; ms: number | null }[];
      };
      report(
        `run ${r + 1} (lama + color: ${status.status}, ${status.stages.map((s) => `${s.name} ${s.ms === null ? '-' : (s.ms / 1000).toFixed(1)} s`).join(', ')}) + brush strokes`,
        load,
        run,
        rs,
        verbose,
        runTrace,
      );
    }
    console.log(`\nafter: ${uptime()}`);
  } finally {
    await browser.close();
    await h.close();
  }
}

await main();
