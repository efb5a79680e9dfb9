/**
 * `npm run bench`: the LaMa stage with the generated LaMa-signature model and with the embedded fills,
 * on 0.25, 1 and 8 MP images (wall time, peak RSS, megapixels per second; each case in its own process),
 * then the embedded fills side by side with OpenCV's cv2.inpaint (Telea), the texture stage's fills
 * (`texture-quality`: detail, spectrum distance, working scale, network designs), and the texture loss
 * through our ONNX gradient graph side by side with PyTorch autograd (`texture-torch`,
 * bench/textureTorch.ts). `fill` also runs bench/embeddedFillPhotos.ts (ours vs OpenCV's FSR_FAST and
 * SHIFTMAP on photos, issue 17). One case: `npm run bench -- <name>` (lama, ops, regions, color, blockmatch,
 * texture, texture-quality, texture-torch, fill, corrections, auto-speed, memory). `memory`
 * (bench/memoryBench.ts, only on request): peak RSS and time of whole CLI runs at 2, 8, 32 MP (--mp=…). `auto-speed`
 * (bench/autoSpeed.ts): LaMa + auto-correct on a 1600 px photo with a 5% mask, against the stages auto
 * runs. `corrections` (bench/corrections.ts): do the correction stages make good stand-in fills worse; its --flags (--quick, --cases=…, --fills=…,
 * --configs=…, --no-strips) pass through. Results: bench/results/*.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { table } from './table';
import { writeJsonSync } from './jsonFile';

const FIXTURES = path.resolve('../shared/fixtures/images');
const RESULTS = path.resolve('bench/results');

function runCase(image: string, mp: string, engine: string): Record<string, unknown> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', 'bench/lamaCase.ts', image, mp, engine], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

export function writeResults(name: string, data: unknown): string {
  mkdirSync(RESULTS, { recursive: true });
  const file = path.join(RESULTS, `${name}.json`);
  writeJsonSync(file, data);
  return file;
}

async function main() {
  if (!existsSync(FIXTURES)) {
    process.stderr.write(`The fixture folder ${FIXTURES} is missing; the benchmark needs it.\n`);
    process.exit(2);
  }
  const only = process.argv.slice(2);
  const cases: [string, string][] = [
    [path.join(FIXTURES, 'astronaut.png'), '0.25'],
    [path.join(FIXTURES, 'Garden.jpg'), '1'],
    [path.join(FIXTURES, 'Elephants_3840x2160.jpg'), 'orig'],
  ];
  const engines = ['generated-lama-fixed-rgb', 'lama-cost-standin', 'pushpull', 'patchmatch'];
  const rows: Record<string, unknown>[] = [];
  if (only.length === 0 || only.includes('lama')) {
    for (const engine of engines) {
      for (const [image, mp] of cases) {
        const r = runCase(image, mp, engine);
        rows.push(r);
        process.stderr.write(`${engine} ${r.size}: ${r.ms} ms\n`);
      }
    }
    process.stdout.write('\n## lama stage (5% blob mask; wall time of the stage, model warm)\n\n');
    process.stdout.write(
      `${table(rows, ['engine', 'image', 'size', 'megapixels', 'sizing', 'modelCalls', 'ms', 'mpPerSecond', 'peakRssMB', 'sessionRunMs', 'outsideSessionShare'])}\n`,
    );
    process.stdout.write(
      `\nwrote ${writeResults('lama', { date: new Date().toISOString(), node: process.version, rows })}\n`,
    );
  }
  if (only.length === 0 || only.includes('ops')) {
    const { benchImageOps } = await import('./imageOps');
    const ops = await benchImageOps();
    process.stdout.write('\n## image operations at 8 MP (median of 5 runs)\n\n');
    process.stdout.write(
      `${table(ops as unknown as Record<string, unknown>[], Object.keys(ops[0] ?? {}))}\n`,
    );
    process.stdout.write(
      `\nwrote ${writeResults('image-ops', { date: new Date().toISOString(), rows: ops })}\n`,
    );
  }
  if (only.length === 0 || only.includes('regions')) {
    const { benchCost } = await import('./regionsBench');
    const rows = benchCost();
    process.stdout.write(
      '\n## lama strategies on the 8 MP fixture (model calls, wall time, peak RSS; each case in its own process)\n\n',
    );
    process.stdout.write(`${table(rows, Object.keys(rows[0] ?? {}))}\n`);
    process.stdout.write(`\nwrote ${writeResults('regions', { date: new Date().toISOString(), rows })}\n`);
  }
  if (only.length === 0 || only.includes('color')) {
    const { benchColor } = await import('./colorBench');
    const rows = await benchColor();
    process.stdout.write('\n## colour stage: mean CIEDE2000 to the truth inside the hole, and time\n\n');
    process.stdout.write(`${table(rows as Record<string, unknown>[], Object.keys(rows[0] ?? {}))}\n`);
    process.stdout.write(`\nwrote ${writeResults('color', { date: new Date().toISOString(), rows })}\n`);
  }
  if (only.length === 0 || only.includes('blockmatch')) {
    const { benchBlockmatch, SEARCH_COLUMNS } = await import('./blockmatchBench');
    const rows = await benchBlockmatch();
    process.stdout.write(
      '\n## block matching vs OpenCV matchTemplate (TM_CCOEFF_NORMED) and brute force\n\n',
    );
    process.stdout.write(
      `${table(rows as unknown as Record<string, unknown>[], [...SEARCH_COLUMNS] as string[])}\n`,
    );
  }
  if (only.length === 0 || only.includes('texture')) {
    const { benchTexture } = await import('./textureBench');
    const rows = await benchTexture();
    process.stdout.write(
      '\n## texture stage: one loss + gradient evaluation through ONNX Runtime (random network)\n\n',
    );
    process.stdout.write(
      `${table(rows as unknown as Record<string, unknown>[], Object.keys(rows[0] ?? {}))}\n`,
    );
    process.stdout.write(`\nwrote ${writeResults('texture', { date: new Date().toISOString(), rows })}\n`);
  }
  if (only.length === 0 || only.includes('texture-quality')) {
    const { textureQuality, scaleRows } = await import('./textureQuality');
    const { textureNetworks } = await import('./textureNetworks');
    const rows = await textureQuality(undefined, [
      'default',
      'structure-off',
      'one-level',
      'spectrum',
      'adam',
    ]);
    process.stdout.write(
      '\n## texture stage on a 112 px hole: detail (1 = truth), spectrum distance to the truth, coarse drift, detail placement, time\n\n',
    );
    process.stdout.write(
      `${table(rows as unknown as Record<string, unknown>[], Object.keys(rows[0] ?? {}))}\n`,
    );
    process.stdout.write('\n## texture stage working scale on the 8 MP fixture\n\n');
    process.stdout.write(`${(await scaleRows()).join('\n')}\n`);
    process.stdout.write(
      '\n## embedded network designs, synthesis from noise (spectrum distance / natural spread)\n\n',
    );
    process.stdout.write(`${await textureNetworks()}\n`);
    process.stdout.write(
      `\nwrote ${writeResults('texture-quality', { date: new Date().toISOString(), rows })}\n`,
    );
  }
  if (only.length === 0 || only.includes('texture-torch')) {
    const { benchTextureTorch, printTextureTorch, torchAvailable } = await import('./textureTorch');
    const missing = torchAvailable();
    if (missing) process.stdout.write(`\n## texture loss vs PyTorch: skipped (${missing})\n`);
    else {
      const r = await benchTextureTorch();
      process.stdout.write(
        '\n## texture loss + gradient, VGG19 to conv4_4 at 256², ONNX Runtime vs PyTorch autograd (CPU, 2 threads each)\n\n',
      );
      process.stdout.write(printTextureTorch(r));
      process.stdout.write(`\nwrote ${writeResults('texture-torch', r)}\n`);
    }
  }
  if (only.length === 0 || only.includes('fill')) {
    const { compareEmbeddedFills, defaultCases } = await import('./embeddedFillCompare');
    const cmp = await compareEmbeddedFills(defaultCases());
    process.stdout.write(
      '\n## embedded fill vs OpenCV cv2.inpaint (Telea, radius 3; Debian python3-opencv)\n\n',
    );
    process.stdout.write(
      `${table(cmp as unknown as Record<string, unknown>[], Object.keys(cmp[0] ?? {}))}\n`,
    );
    process.stdout.write(
      `\nwrote ${writeResults('embedded-fill', { date: new Date().toISOString(), rows: cmp })}\n`,
    );
    // Issue 17: ours vs OpenCV's FSR_FAST and SHIFTMAP on photos (S, D, whole-process time, strips).
    const { photosMain } = await import('./embeddedFillPhotos');
    await photosMain(only.filter((a) => a.startsWith('--')));
  }
  if (only.length === 0 || only.includes('auto-speed')) {
    const { autoSpeedMain } = await import('./autoSpeed');
    await autoSpeedMain([]);
  }
  if (only.includes('memory')) {
    // Not in the default set: the 32 MP case alone takes a minute. Its --mp=… flags pass through.
    const { benchMemory, parseMemoryFlags } = await import('./memoryBench');
    const f = parseMemoryFlags(only);
    const rows = await benchMemory(f.mps, f.image, f.keep, f.sets, f.format);
    process.stdout.write('\n## whole CLI run, 5% blob mask: peak RSS and wall time per image size\n\n');
    process.stdout.write(
      `${table(rows as unknown as Record<string, unknown>[], Object.keys(rows[0] ?? {}))}\n`,
    );
    process.stdout.write(`\nwrote ${writeResults('memory', { date: new Date().toISOString(), rows })}\n`);
  }
  if (only.length === 0 || only.includes('corrections')) {
    const { correctionsMain } = await import('./corrections');
    await correctionsMain(only.filter((a) => a.startsWith('--')));
  }
}

await main();
