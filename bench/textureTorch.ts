/**
 * The texture loss through our ONNX gradient graph (app/graph, ONNX Runtime on the CPU) side by side
 * with the same loss through PyTorch autograd on the CPU (Debian's python3-torch, bench/texture_torch.py):
 *
 *   loss(x) = Σ_l w_l ‖G_l(x) − G_l(target)‖²,  G_l = F_l F_lᵀ / (h_l·w_l),  w_l = 1 / (L·‖G_l(target)‖²)
 *
 * over VGG19's Gram layers (relu1_1, relu2_1, relu3_1, relu4_1, relu4_4: the network up to conv4_4),
 * max pooling, seeded random He weights (randomVgg19Weights: the ImageNet weights cannot be downloaded
 * here; the cost is the same), on the centre 256×256 crop of ../shared/fixtures/images/brick.png (the
 * target), starting from seeded uniform noise. Both sides get the same weights, target and start
 * through files in a temporary folder; their loss and gradient at the start are compared first, and
 * a mismatch fails the bench.
 *
 * Timed: loss + gradient evaluations, and L-BFGS runs of `iterations` iterations (ours:
 * app/stages/texture/lbfgs.ts; theirs: torch.optim.LBFGS; both history 10, strong-Wolfe line search and
 * the same evaluation budget, with evaluations counted), `threads` threads each (torch.set_num_threads,
 * ONNX Runtime intra-op threads). The CPU is shared with other sessions, so the two sides alternate
 * sample by sample (the PyTorch process stays up and takes commands), each pair under about the same
 * load; warm-ups are excluded; min and median per side, and the median of the per-pair ratios. CPU
 * time (process user + system) is reported beside wall time: it moves less with the load, but counts
 * the thread pools' spin-waiting too. `uptime` before, between and after.
 *   npx tsx bench/textureTorch.ts [--size 256] [--evals 9] [--iterations 10] [--repeats 3] [--threads 2]
 *     [--torch-gram auto|mm|onednn] [--torch-blas DIR] [--torch-wait passive|default]
 *     [--convolution auto|direct|winograd]
 * Writes bench/results/texture-torch.json; `benchTextureTorch()` runs it for `npm run bench texture-torch`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { grad } from '../app/graph/autodiff';
import { Graph, type Tensor } from '../app/graph/builder';
import { toModel } from '../app/graph/model';
import { add, gemm, mul, reduceSum, reshape, square, sub } from '../app/graph/ops';
import { Random } from '../app/graph/random';
import { cropImage } from '../app/image/crop';
import { loadImage } from '../app/image/load';
import { loadModelSession } from '../app/ort/sessions';
import type { TensorValue } from '../app/ort/types';
import { minimize } from '../app/stages/texture/lbfgs';
import {
  DEFAULT_GRAM_LAYERS,
  IMAGENET_MEAN,
  IMAGENET_STD,
  VGG19_CONVS,
  randomVgg19Weights,
  vgg19Network,
  type Vgg19Network,
  type Vgg19Options,
} from '../app/stages/texture/vgg19';
import { writeJsonSync } from './jsonFile';

const SYSTEM_PYTHON = '/usr/bin/python3';
const FIXTURE = path.resolve('../shared/fixtures/images/brick.png');
const SEED = 19;

export interface TextureTorchOptions {
  size?: number;
  /** Timed evaluations per side. Default 9. */
  evals?: number;
  warmup?: number;
  /** Iterations per L-BFGS run. Default 10. */
  iterations?: number;
  /** Timed L-BFGS runs per side (after one warm-up run each). Default 3. */
  repeats?: number;
  threads?: number;
  gramLayers?: readonly string[];
  pool?: 'max' | 'avg';
  convolution?: Vgg19Options['convolution'];
  /**
   * PyTorch's Gram: 'mm' (torch.mm, through the system BLAS), 'onednn' (oneDNN's inner product, built
   * into torch) or 'auto' (default: 'onednn' when the BLAS is Debian's netlib reference one, else 'mm').
   */
  torchGram?: 'auto' | 'mm' | 'onednn';
  /**
   * A folder put first on the PyTorch process's LD_LIBRARY_PATH, e.g. one holding OpenBLAS's
   * libblas.so.3 (default: $TEXTURE_TORCH_BLAS, else the system's BLAS).
   */
  torchBlas?: string;
  /**
   * OpenMP's wait policy for PyTorch's threads: 'passive' (default: sleep when idle) or 'default'
   * (libgomp spins first). Spinning threads steal the shared CPU from the working ones, which made
   * PyTorch up to twice as slow here under load; passive is the fairer setting for PyTorch.
   */
  torchWait?: 'passive' | 'default';
}

interface Timing {
  ms: number;
  cpuMs: number;
}
interface Run extends Timing {
  iterations: number;
  evaluations: number;
  finalLoss: number;
}

export interface SideSummary {
  evalMinMs: number;
  evalMedianMs: number;
  evalCpuMinMs: number;
  evalCpuMedianMs: number;
  iterMinMs: number;
  iterMedianMs: number;
  evalsPerIteration: number;
  /** Wall time of the L-BFGS runs over their evaluations (line search and bookkeeping included). */
  msPerEvalInLbfgs: number;
  runs: Run[];
}

export interface TextureTorchResult {
  date: string;
  setup: Record<string, unknown>;
  check: {
    lossOurs: number;
    lossTorch: number;
    lossRelError: number;
    gradRelError: number;
    gradMaxRelError: number;
  };
  ours: SideSummary;
  torch: SideSummary & { version: string; blas: string; gram: string };
  /** ours / PyTorch. */
  ratio: {
    evalMedian: number;
    evalMin: number;
    /** Median over the alternating pairs of evaluations. */
    evalPairedMedian: number;
    evalCpuMedian: number;
    iterationMedian: number;
    iterationMin: number;
  };
  load: Record<string, string>;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (v: number, d = 1) => Number(v.toFixed(d));
const f32 = (data: Float32Array, dims: readonly number[]): TensorValue => ({ dtype: 'float32', dims, data });
const uptime = () => execFileSync('uptime', { encoding: 'utf8' }).trim();

function gramOf(f: Tensor): Tensor {
  const [, c, h, w] = f.shape;
  const m = reshape(f, [c, h * w]);
  return gemm(m, m, null, { transB: true, alpha: 1 / (h * w) });
}

/** The model of the targets' Grams: image → gram0..gram{L-1}. */
function targetModel(net: Vgg19Network, size: number): Uint8Array {
  const g = new Graph('vgg_grams');
  const image = g.input('image', [1, 3, size, size]);
  const out: Record<string, Tensor> = {};
  net.features(image).forEach((f, l) => (out[`gram${l}`] = gramOf(f)));
  return toModel(out);
}

/** The loss model: x [1,3,size,size], target{l} [C,C], weight{l} [] → loss, grad. */
export function lossModel(net: Vgg19Network, size: number): Uint8Array {
  const g = new Graph('vgg_gram_loss');
  const x = g.input('x', [1, 3, size, size]);
  const targets = net.channels.map((c, l) => g.input(`target${l}`, [c, c]));
  const weights = net.channels.map((_, l) => g.input(`weight${l}`, []));
  const loss = net
    .features(x)
    .map((f, l) => mul(weights[l], reduceSum(square(sub(gramOf(f), targets[l])))))
    .reduce((a, b) => add(a, b));
  const [dx] = grad(loss, [x]);
  return toModel({ loss, grad: dx });
}

/** Times `f` (wall and this process's CPU). */
async function timed<T>(f: () => Promise<T>): Promise<{ value: T } & Timing> {
  const c0 = process.cpuUsage();
  const t = performance.now();
  const value = await f();
  const ms = performance.now() - t;
  const c = process.cpuUsage(c0);
  return { value, ms, cpuMs: (c.user + c.system) / 1000 };
}

function summarise(evals: Timing[], runs: Run[]): SideSummary {
  const perIter = runs.map((r) => r.ms / Math.max(1, r.iterations));
  const iterations = runs.reduce((s, r) => s + r.iterations, 0);
  const evaluations = runs.reduce((s, r) => s + r.evaluations, 0);
  return {
    evalMinMs: round(Math.min(...evals.map((e) => e.ms))),
    evalMedianMs: round(median(evals.map((e) => e.ms))),
    evalCpuMinMs: round(Math.min(...evals.map((e) => e.cpuMs))),
    evalCpuMedianMs: round(median(evals.map((e) => e.cpuMs))),
    iterMinMs: round(Math.min(...perIter)),
    iterMedianMs: round(median(perIter)),
    evalsPerIteration: round(evaluations / Math.max(1, iterations), 2),
    msPerEvalInLbfgs: round(runs.reduce((s, r) => s + r.ms, 0) / Math.max(1, evaluations)),
    runs: runs.map((r) => ({ ...r, ms: round(r.ms), cpuMs: round(r.cpuMs) })),
  };
}

/** Why the PyTorch side cannot run here (null when it can): Debian's python3-torch is needed. */
export function torchAvailable(): string | null {
  try {
    execFileSync(SYSTEM_PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return null;
  } catch {
    return `${SYSTEM_PYTHON} cannot import torch and numpy: apt-get install python3-torch`;
  }
}

/** The PyTorch worker: one JSON line per command. */
function torchWorker(dir: string, threads: number, blas: string | undefined, passive: boolean) {
  const child = spawn(SYSTEM_PYTHON, [path.resolve('bench/texture_torch.py'), dir], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: {
      ...process.env,
      OMP_NUM_THREADS: String(threads),
      OPENBLAS_NUM_THREADS: String(threads),
      ...(passive ? { OMP_WAIT_POLICY: 'PASSIVE' } : {}),
      ...(blas ? { LD_LIBRARY_PATH: [blas, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') } : {}),
    },
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let exited: string | null = null;
  child.on('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
  const next = async <T>(): Promise<T> => {
    const r = await lines.next();
    if (r.done) throw new Error(`texture-torch: the PyTorch process ${exited ?? 'closed its output'}`);
    const v = JSON.parse(r.value) as T & { error?: string };
    if (v.error) throw new Error(`texture-torch: PyTorch side: ${v.error}`);
    return v;
  };
  return {
    next,
    ask: <T>(cmd: string): Promise<T> => {
      child.stdin.write(`${cmd}\n`);
      return next<T>();
    },
    quit: () => {
      child.stdin.end('quit\n');
    },
  };
}

export async function benchTextureTorch(o: TextureTorchOptions = {}): Promise<TextureTorchResult> {
  const size = o.size ?? 256;
  const threads = o.threads ?? 2;
  const evals = o.evals ?? 9;
  const warmup = o.warmup ?? 2;
  const iterations = o.iterations ?? 10;
  const repeats = o.repeats ?? 3;
  // Both optimisers get the same budget, ample for `iterations` (PyTorch's first line search starts
  // from a step of 1/‖g‖₁ and may need several evaluations to grow it).
  const maxEvaluations = 4 * iterations + 10;
  const pool = o.pool ?? 'max';
  const load: Record<string, string> = { start: uptime() };

  const weights = randomVgg19Weights(SEED, 'conv4_4');
  const net = vgg19Network(weights, {
    gramLayers: o.gramLayers ?? DEFAULT_GRAM_LAYERS,
    pool,
    weightsName: `random${SEED}`,
    convolution: o.convolution,
  });
  const full = (await loadImage(FIXTURE)).image;
  const off = (full.width - size) >> 1;
  const target = cropImage(full, { x: off, y: off, width: size, height: size }).data;
  const x0 = new Random(SEED).floats(3 * size * size);
  const dims = [1, 3, size, size];
  const config = { providers: ['cpu'] as const, intraOpThreads: threads };

  // The targets' Grams and the layer weights, ours (PyTorch computes its own Grams with these weights).
  const tg = await loadModelSession(targetModel(net, size), config);
  const grams = await tg.run({ image: f32(target, dims) });
  await tg.release();
  const feeds: Record<string, TensorValue> = { x: f32(x0.slice(), dims) };
  const layerWeights = net.channels.map((_, l) => {
    const t = grams[`gram${l}`];
    let norm = 0;
    for (const v of t.data as Float32Array) norm += v * v;
    feeds[`target${l}`] = t;
    const w = Math.fround(1 / (net.channels.length * norm));
    feeds[`weight${l}`] = f32(Float32Array.of(w), []);
    return w;
  });

  let t = performance.now();
  const bytes = lossModel(net, size);
  const buildMs = performance.now() - t;
  t = performance.now();
  const session = await loadModelSession(bytes, config);
  const loadMs = performance.now() - t;
  const first = await session.run(feeds);
  const lossOurs = (first.loss.data as Float32Array)[0];
  const gradOurs = first.grad.data as Float32Array;

  const dir = mkdtempSync(path.join(tmpdir(), 'texture-torch-'));
  const convs: { weight: { offset: number; shape: number[] }; bias: { offset: number; shape: number[] } }[] =
    [];
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const c of VGG19_CONVS.slice(0, net.layout.steps.filter((s) => s === 'conv').length)) {
    const entry = (kind: 'weight' | 'bias') => {
      const w = weights.get(`features.${c.index}.${kind}`)!;
      parts.push(w.data);
      const e = { offset, shape: w.shape };
      offset += w.data.length;
      return e;
    };
    convs.push({ weight: entry('weight'), bias: entry('bias') });
  }
  const blob = new Float32Array(offset);
  parts.reduce((at, p) => (blob.set(p, at), at + p.length), 0);
  writeFileSync(path.join(dir, 'weights.bin'), blob);
  writeFileSync(path.join(dir, 'target.bin'), target);
  writeFileSync(path.join(dir, 'x0.bin'), x0);
  writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({
      threads,
      size: [size, size],
      convs,
      steps: net.layout.steps,
      keepAfter: net.layout.gramAfter,
      pool,
      mean: IMAGENET_MEAN,
      std: IMAGENET_STD,
      layerWeights,
      iterations,
      maxEvaluations,
      torchGram: o.torchGram ?? 'auto',
    }),
  );

  const blas = o.torchBlas ?? process.env.TEXTURE_TORCH_BLAS;
  const torch = torchWorker(dir, threads, blas, (o.torchWait ?? 'passive') === 'passive');
  const ours = { evals: [] as Timing[], runs: [] as Run[] };
  const theirs = { evals: [] as Timing[], runs: [] as Run[] };
  let info: { torch: string; blas: string; gram: string; loss: number };
  let gradTorch: Float32Array;
  try {
    info = await torch.next();
    const buf = readFileSync(path.join(dir, 'grad_torch.bin'));
    gradTorch = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);

    // Evaluations, alternating which side goes first.
    const oursEval = () => timed(() => session.run(feeds));
    const theirEval = () => torch.ask<Timing>('eval');
    for (let i = 0; i < warmup; i++) {
      await oursEval();
      await theirEval();
    }
    for (let i = 0; i < evals; i++) {
      if (i % 2 === 0) {
        ours.evals.push(await oursEval());
        theirs.evals.push(await theirEval());
      } else {
        theirs.evals.push(await theirEval());
        ours.evals.push(await oursEval());
      }
    }
    load.afterEvaluations = uptime();

    // L-BFGS runs, alternating too; the first of each is a warm-up.
    const x = feeds.x.data as Float32Array;
    const ourRun = async (): Promise<Run> => {
      let count = 0;
      const objective = async (v: Float64Array) => {
        count++;
        for (let i = 0; i < v.length; i++) x[i] = v[i];
        const out = await session.run(feeds);
        return { value: (out.loss.data as Float32Array)[0], gradient: out.grad.data as Float32Array };
      };
      const r = await timed(() =>
        minimize(objective, x0, { maxIterations: iterations, maxEvaluations, history: 10 }),
      );
      return {
        ms: r.ms,
        cpuMs: r.cpuMs,
        iterations: r.value.iterations,
        evaluations: count,
        finalLoss: r.value.value,
      };
    };
    const theirRun = () => torch.ask<Run>('lbfgs');
    for (let r = 0; r <= repeats; r++) {
      let a: Run, b: Run;
      if (r % 2 === 0) {
        a = await ourRun();
        b = await theirRun();
      } else {
        b = await theirRun();
        a = await ourRun();
      }
      if (r === 0) continue;
      ours.runs.push(a);
      theirs.runs.push(b);
    }
  } finally {
    torch.quit();
    await session.release();
    rmSync(dir, { recursive: true, force: true });
  }
  load.end = uptime();

  // Same loss, same gradient?
  let diff = 0,
    norm = 0,
    maxDiff = 0,
    maxAbs = 0;
  for (let i = 0; i < gradTorch.length; i++) {
    const d = gradOurs[i] - gradTorch[i];
    diff += d * d;
    norm += gradTorch[i] * gradTorch[i];
    maxDiff = Math.max(maxDiff, Math.abs(d));
    maxAbs = Math.max(maxAbs, Math.abs(gradTorch[i]));
  }
  const check = {
    lossOurs,
    lossTorch: info.loss,
    lossRelError: Math.abs(lossOurs - info.loss) / Math.abs(info.loss),
    gradRelError: Math.sqrt(diff / norm),
    gradMaxRelError: maxDiff / maxAbs,
  };
  // Float32 rounding differs (Winograd, summation orders), which flips the odd ReLU or max-pool choice
  // near a tie; a wrong layer, normalisation or pooling shows as errors of order 1.
  if (!(check.lossRelError < 1e-4 && check.gradRelError < 5e-3 && check.gradMaxRelError < 5e-2))
    throw new Error(
      `texture-torch: ours and PyTorch compute different things: ${JSON.stringify(check)} (tolerances: loss 1e-4, gradient L2 5e-3, max 5e-2)`,
    );

  const a = summarise(ours.evals, ours.runs);
  const b = summarise(theirs.evals, theirs.runs);
  return {
    date: new Date().toISOString(),
    setup: {
      size,
      threads,
      network: net.name,
      gramLayers: net.gramLayers,
      convolution: o.convolution ?? 'auto',
      torchWait: o.torchWait ?? 'passive',
      image: `${path.basename(FIXTURE)} centre ${size}x${size}`,
      start: 'uniform noise',
      lbfgs: `history 10, strong-Wolfe line search, ${iterations} iterations and at most ${maxEvaluations} evaluations per run, ${repeats} timed runs per side after one warm-up run`,
      evaluations: `${evals} timed per side after ${warmup} warm-ups, alternating`,
      forwardGFlop: round((2 * forwardMacs(net, size)) / 1e9, 2),
      buildMs: round(buildMs),
      loadMs: round(loadMs),
      modelMB: round(bytes.length / 2 ** 20),
    },
    check,
    ours: a,
    torch: { ...b, version: info.torch, blas: info.blas, gram: info.gram },
    ratio: {
      evalMedian: round(a.evalMedianMs / b.evalMedianMs, 3),
      evalMin: round(a.evalMinMs / b.evalMinMs, 3),
      evalPairedMedian: round(median(ours.evals.map((e, i) => e.ms / theirs.evals[i].ms)), 3),
      evalCpuMedian: round(a.evalCpuMedianMs / b.evalCpuMedianMs, 3),
      iterationMedian: round(a.iterMedianMs / b.iterMedianMs, 3),
      iterationMin: round(a.iterMinMs / b.iterMinMs, 3),
    },
    load,
  };
}

/** Multiply-adds of the network's convolutions up to its deepest Gram layer on a side × side image. */
function forwardMacs(net: Vgg19Network, side: number): number {
  let s = side,
    k = 0,
    macs = 0;
  for (const step of net.layout.steps) {
    if (step === 'pool') s = Math.floor(s / 2);
    else {
      const c = VGG19_CONVS[k++];
      macs += s * s * c.cin * c.cout * 9;
    }
  }
  return macs;
}

export function printTextureTorch(r: TextureTorchResult): string {
  const cols = [
    'side',
    'eval med',
    'eval min',
    'eval cpu med',
    'iter med',
    'iter min',
    'evals/iter',
    'ms/eval in L-BFGS',
  ];
  const row = (name: string, s: SideSummary) => [
    name,
    s.evalMedianMs,
    s.evalMinMs,
    s.evalCpuMedianMs,
    s.iterMedianMs,
    s.iterMinMs,
    s.evalsPerIteration,
    s.msPerEvalInLbfgs,
  ];
  const rows = [row('ours (ONNX Runtime)', r.ours), row(`PyTorch ${r.torch.version}`, r.torch)].map((v) =>
    v.map(String),
  );
  const w = cols.map((c, i) => Math.max(c.length, ...rows.map((v) => v[i].length)));
  const line = (v: string[]) => `| ${v.map((s, i) => s.padEnd(w[i])).join(' | ')} |`;
  return [
    `setup: ${JSON.stringify(r.setup)}`,
    `PyTorch: Gram by ${r.torch.gram}, BLAS ${r.torch.blas}`,
    `check: loss ours ${r.check.lossOurs} PyTorch ${r.check.lossTorch} (rel ${r.check.lossRelError.toExponential(2)}), gradient rel L2 ${r.check.gradRelError.toExponential(2)}, max ${r.check.gradMaxRelError.toExponential(2)}`,
    '',
    line(cols),
    line(w.map((n) => '-'.repeat(n))),
    ...rows.map(line),
    '',
    `ratio ours/PyTorch: per evaluation ${r.ratio.evalMedian} (medians), ${r.ratio.evalMin} (mins), ${r.ratio.evalPairedMedian} (median of alternating pairs), ${r.ratio.evalCpuMedian} (CPU time); per iteration ${r.ratio.iterationMedian} (medians), ${r.ratio.iterationMin} (mins)`,
    ...Object.entries(r.load).map(([k, v]) => `load ${k}: ${v}`),
    '',
  ].join('\n');
}

function text(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
function num(name: string): number | undefined {
  const v = text(name);
  return v === undefined ? undefined : Number(v);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await benchTextureTorch({
    size: num('size'),
    evals: num('evals'),
    iterations: num('iterations'),
    repeats: num('repeats'),
    threads: num('threads'),
    convolution: text('convolution') as TextureTorchOptions['convolution'],
    torchGram: text('torch-gram') as TextureTorchOptions['torchGram'],
    torchBlas: text('torch-blas'),
    torchWait: text('torch-wait') as TextureTorchOptions['torchWait'],
  });
  process.stdout.write(printTextureTorch(r));
  const dir = path.resolve('bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'texture-torch.json');
  writeJsonSync(file, r);
  process.stdout.write(`wrote ${file}\n`);
}
