/**
 * Speed of the texture stage's loss through ONNX Runtime (CPU): for square crops of 128, 256 and 384
 * px with the embedded random network, the time to build the synthesis model, to load it, and per
 * evaluation of the loss alone and of the loss with its gradient (median and min over `runs` timed
 * runs after two warm-ups), with the network's multiply-adds per forward pass.
 *   npx tsx bench/textureBench.ts [runs]
 * Writes bench/results/texture.json. `benchTexture()` returns the rows for `npm run bench`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { grad } from '../app/graph/autodiff';
import { toModel } from '../app/graph/model';
import { Random } from '../app/graph/random';
import { loadModelSession } from '../app/ort/sessions';
import type { ModelSession, TensorValue } from '../app/ort/types';
import { synthesisGraph } from '../app/stages/texture/gatysLoss';
import { randomNetwork, type RandomNetwork } from '../app/stages/texture/randomNetwork';
import { writeJsonSync } from './jsonFile';

export interface TextureBenchRow {
  size: string;
  buildMs: number;
  loadMs: number;
  forwardMedianMs: number;
  lossGradMedianMs: number;
  lossGradMinMs: number;
  gradientOverhead: number;
  forwardGMac: number;
  runs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (v: number, d = 1) => Number(v.toFixed(d));

/** Multiply-adds of one forward pass of the network's convolutions on a side × side image. */
export function forwardMacs(net: RandomNetwork, side: number): number {
  let s = side,
    cin = 3,
    macs = 0;
  net.blocks.forEach((branches, i) => {
    if (i > 0) s = Math.ceil(s / 2);
    for (const b of branches) macs += s * s * b.shape[0] * cin * b.shape[2] * b.shape[3];
    cin = branches.reduce((t, b) => t + b.shape[0], 0);
  });
  return macs;
}

function feedsFor(net: RandomNetwork, side: number): Record<string, TensorValue> {
  const rnd = new Random(1);
  const t = (data: Float32Array, dims: number[]): TensorValue => ({ dtype: 'float32', dims, data });
  const hole = new Float32Array(side * side);
  for (let y = side / 4; y < (3 * side) / 4; y++)
    for (let x = side / 4; x < (3 * side) / 4; x++) hole[y * side + x] = 1;
  const feeds: Record<string, TensorValue> = {
    x: t(rnd.floats(3 * side * side), [1, 3, side, side]),
    original: t(rnd.floats(3 * side * side), [1, 3, side, side]),
    hole: t(hole, [1, 1, side, side]),
    anchor: t(rnd.floats(3 * side * side), [1, 3, side, side]),
    borderX: t(new Float32Array(side * (side - 1)), [1, 1, side, side - 1]),
    borderY: t(new Float32Array((side - 1) * side), [1, 1, side - 1, side]),
    lambdaBorder: t(Float32Array.of(1), []),
    lambdaStructure: t(Float32Array.of(1), []),
  };
  net.channels.forEach((c, l) => {
    feeds[`gram${l}`] = t(rnd.floats(c * c, 0, 0.1), [c, c]);
    feeds[`layerWeight${l}`] = t(Float32Array.of(1), []);
  });
  return feeds;
}

async function timeRuns(
  session: ModelSession,
  feeds: Record<string, TensorValue>,
  runs: number,
): Promise<number[]> {
  for (let i = 0; i < 2; i++) await session.run(feeds);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await session.run(feeds);
    ms.push(performance.now() - t);
  }
  return ms;
}

export async function benchTexture(sides = [128, 256, 384], runs = 7): Promise<TextureBenchRow[]> {
  const net = randomNetwork();
  const rows: TextureBenchRow[] = [];
  for (const side of sides) {
    let t = performance.now();
    const s = synthesisGraph(net, side, side);
    const [dx] = grad(s.loss, [s.inputs.x]);
    const withGrad = toModel({ loss: s.loss, grad: dx });
    const buildMs = performance.now() - t;
    const lossOnly = toModel({ loss: s.loss });
    t = performance.now();
    const full = await loadModelSession(withGrad, { providers: ['cpu'] });
    const loadMs = performance.now() - t;
    const forward = await loadModelSession(lossOnly, { providers: ['cpu'] });
    const feeds = feedsFor(net, side);
    const f = await timeRuns(forward, feeds, runs);
    const g = await timeRuns(full, feeds, runs);
    rows.push({
      size: `${side}x${side}`,
      buildMs: round(buildMs),
      loadMs: round(loadMs),
      forwardMedianMs: round(median(f)),
      lossGradMedianMs: round(median(g)),
      lossGradMinMs: round(Math.min(...g)),
      gradientOverhead: round(median(g) / median(f), 2),
      forwardGMac: round(forwardMacs(net, side) / 1e9, 2),
      runs,
    });
    await full.release();
    await forward.release();
  }
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = await benchTexture(undefined, Number(process.argv[2] ?? 7));
  for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
  const dir = path.resolve('bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'texture.json');
  writeJsonSync(file, { date: new Date().toISOString(), network: randomNetwork().spec.name, rows });
  process.stdout.write(`wrote ${file}\n`);
}
