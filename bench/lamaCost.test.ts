import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImage, createMask } from '../app/image/types';
import { createSessionPool, loadModelSession, type StudioSessionPool } from '../app/ort/sessions';
import type { TensorValue } from '../app/ort/types';
import { createAdapter } from '../app/stages/lama/conventions/detect';
import { createLamaFixedAdapter } from '../app/stages/lama/conventions/lamaFixed';
import { sha256 } from '../native-models/generated/index';
import { buildLamaCostModel, ensureLamaCostModel, lamaCostFootprint, type LamaCostOptions } from './lamaCost';

const { onnx } = onnxProto;

// Small variants: one block, and either few channels at the real 512 size or the real channels at 64.
const NARROW_512: LamaCostOptions = { blocks: 1, baseChannels: 8 };
const FULL_WIDTH_64: LamaCostOptions = { blocks: 1, size: 64 };

let dir: string;
let pool: StudioSessionPool;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lama-cost-'));
  pool = createSessionPool({ providers: ['cpu'] });
});
afterAll(async () => {
  await pool.releaseAll();
  await rm(dir, { recursive: true, force: true });
});

/** A smooth test image and a rectangular hole, at size x size. */
function scene(size: number) {
  const n = size * size;
  const data = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++)
    for (let i = 0; i < n; i++)
      data[c * n + i] = 0.5 + 0.4 * Math.sin((i % size) * 0.05 + c + Math.floor(i / size) * 0.03);
  const hole = new Uint8Array(n);
  const a = Math.floor(size / 4);
  for (let y = a; y < 3 * a; y++) for (let x = a; x < 2 * a; x++) hole[y * size + x] = 1;
  return { image: createImage(size, size, data), mask: createMask(size, size, hole) };
}

function feeds(size: number): Record<string, TensorValue> {
  const { image, mask } = scene(size);
  return {
    image: { dtype: 'float32', dims: [1, 3, size, size], data: image.data },
    mask: { dtype: 'float32', dims: [1, 1, size, size], data: Float32Array.from(mask.data) },
  };
}

describe('lamaCostFootprint', () => {
  it('has big-LaMa size at the defaults (~51 M parameters, ~220 G conv MACs at 512)', () => {
    const f = lamaCostFootprint();
    expect(f.parameters).toBeGreaterThan(50e6);
    expect(f.parameters).toBeLessThan(52e6);
    expect(f.macs).toBeGreaterThan(200e9);
    expect(f.macs).toBeLessThan(240e9);
    expect(f.dftMacs).toBeGreaterThan(0);
    expect(lamaCostFootprint({ fft: 'dft' }).dftMacs).toBe(0);
    // Each FFC ResNet block: two FFC layers of 128/384 channels, ~2.65 M weights.
    const perBlock =
      lamaCostFootprint({ blocks: 2 }).parameters - lamaCostFootprint({ blocks: 1 }).parameters;
    expect(perBlock).toBeGreaterThan(2.6e6);
    expect(perBlock).toBeLessThan(2.7e6);
  });

  it('rejects options out of range with PARAM_INVALID', () => {
    for (const bad of [{ blocks: -1 }, { size: 500 }, { baseChannels: 6 }, { seed: 0.5 }, { fft: 'fftw' }]) {
      expect(() => lamaCostFootprint(bad as LamaCostOptions)).toThrow(
        expect.objectContaining({ code: 'PARAM_INVALID' }),
      );
    }
  });
});

describe('buildLamaCostModel', () => {
  it('is deterministic, seeded, opset 17 and labelled as a timing stand-in', () => {
    const bytes = buildLamaCostModel(NARROW_512);
    expect(sha256(buildLamaCostModel(NARROW_512))).toBe(sha256(bytes));
    expect(sha256(buildLamaCostModel({ ...NARROW_512, seed: 2 }))).not.toBe(sha256(bytes));
    const model = onnx.ModelProto.decode(bytes);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
    const props = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
    expect(props['inpaint_studio.convention']).toBe('lama-fixed-rgb');
    expect(props['inpaint_studio.purpose']).toBe('timing-standin');
    expect(Number(props['inpaint_studio.parameters'])).toBe(lamaCostFootprint(NARROW_512).parameters);
    const graph = model.graph as onnxProto.onnx.GraphProto;
    const ops = new Set(graph.node.map((n) => n.opType));
    for (const op of ['Conv', 'ConvTranspose', 'MatMul', 'Pad', 'Sigmoid']) expect(ops).toContain(op);
    expect(ops).not.toContain('DFT');
    const dft = onnx.ModelProto.decode(buildLamaCostModel({ ...NARROW_512, fft: 'dft' }));
    expect(new Set((dft.graph as onnxProto.onnx.GraphProto).node.map((n) => n.opType))).toContain('DFT');
  });

  it('runs through app/ort and the lama-fixed-rgb adapter: output in range, known pixels kept', async () => {
    const path = await ensureLamaCostModel(dir, NARROW_512);
    expect(await ensureLamaCostModel(dir, NARROW_512)).toBe(path);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const session = await pool.get(path);
    expect(session.inputs.map((t) => [t.name, t.dims])).toEqual([
      ['image', [1, 3, 512, 512]],
      ['mask', [1, 1, 512, 512]],
    ]);

    // The raw output: finite, 0..255, known pixels = image * 255.
    const f = feeds(512);
    const raw = (await session.run(f)).output;
    expect(raw.dims).toEqual([1, 3, 512, 512]);
    const out = raw.data as Float32Array;
    const img = f.image.data as Float32Array;
    const hole = f.mask.data as Float32Array;
    const n = 512 * 512;
    let outOfRange = 0;
    let worstKnown = 0;
    for (let i = 0; i < out.length; i++) {
      if (!(Number.isFinite(out[i]) && out[i] >= 0 && out[i] <= 255)) outOfRange++;
      if (!hole[i % n]) worstKnown = Math.max(worstKnown, Math.abs(out[i] / 255 - img[i]));
    }
    expect(outOfRange).toBe(0);
    expect(worstKnown).toBeLessThan(1e-5);

    // Through the adapter chosen from the model's metadata.
    const adapter = createAdapter(session);
    expect(adapter.convention).toBe('lama-fixed-rgb');
    expect(adapter.fixedSize).toBe(512);
    const { image, mask } = scene(512);
    const filled = await adapter.run(image, mask);
    let holeChanged = 0;
    let knownMoved = 0;
    outOfRange = 0;
    for (let i = 0; i < filled.data.length; i++) {
      const v = filled.data[i];
      if (!(v >= 0 && v <= 1)) outOfRange++;
      if (mask.data[i % n]) holeChanged += Math.abs(v - image.data[i]) > 1e-3 ? 1 : 0;
      else knownMoved = Math.max(knownMoved, Math.abs(v - image.data[i]));
    }
    expect(outOfRange).toBe(0);
    expect(knownMoved).toBeLessThan(1e-5);
    expect(holeChanged).toBeGreaterThan(0);
  });

  it('computes the same network with matrix-product FFTs as with ONNX DFT nodes (full width, 64x64)', async () => {
    const outputs: Float32Array[] = [];
    for (const fft of ['matmul', 'dft'] as const) {
      const session = await loadModelSession(buildLamaCostModel({ ...FULL_WIDTH_64, fft }), {
        providers: ['cpu'],
      });
      try {
        const binding = { image: 'image', mask: 'mask', output: 'output', fixedSize: 64 };
        const { image, mask } = scene(64);
        outputs.push(
          (await createLamaFixedAdapter(session, binding, 'lama-fixed-rgb').run(image, mask)).data,
        );
      } finally {
        await session.release();
      }
    }
    let worst = 0;
    for (let i = 0; i < outputs[0].length; i++)
      worst = Math.max(worst, Math.abs(outputs[0][i] - outputs[1][i]));
    expect(worst).toBeLessThan(1e-4);
  });
});
