import { spawnSync } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelSession } from '../../app/ort/sessions';
import type { TensorValue } from '../../app/ort/types';
import {
  GENERATED_MODELS,
  GENERATED_MODEL_IDS,
  MODEL_CACHE_ENV,
  defaultModelCacheDir,
  ensureGeneratedModel,
  generatedModel,
  sha256,
  writeCachedModel,
} from './index';

const { onnx } = onnxProto;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'generated-models-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('GENERATED_MODELS', () => {
  it('has one model per convention with the promised ids', () => {
    expect(GENERATED_MODELS.map((m) => m.id)).toEqual([...GENERATED_MODEL_IDS]);
    expect(new Set(GENERATED_MODELS.map((m) => m.convention)).size).toBe(4);
  });

  it.each(GENERATED_MODELS.map((m) => [m.id, m] as const))(
    '%s is deterministic, small, opset 17 and tagged',
    (_id, m) => {
      const bytes = m.build();
      expect(sha256(m.build())).toBe(sha256(bytes));
      expect(bytes.length).toBeLessThan(1_000_000);
      const model = onnx.ModelProto.decode(bytes);
      expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([['', 17]]);
      const props = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
      expect(props['inpaint_studio.generated']).toBe('true');
      expect(props['inpaint_studio.convention']).toBe(m.convention);
      const graph = model.graph as onnxProto.onnx.GraphProto; // decode() fills every repeated field
      const ops = new Set(graph.node.map((n) => n.opType));
      // A real convolutional network: depthwise convolutions, a pooling pyramid and resizing.
      expect(ops).toContain('Conv');
      expect(ops).toContain('AveragePool');
      expect(ops).toContain('Resize');
      const groups = (graph.node as onnxProto.onnx.NodeProto[])
        .filter((n) => n.opType === 'Conv')
        .map((n) => Number(n.attribute.find((a) => a.name === 'group')?.i));
      expect(groups).toContain(3);
    },
  );
});

describe('ensureGeneratedModel', () => {
  it('writes each model once under a hash of its bytes and returns the path', async () => {
    for (const m of GENERATED_MODELS) {
      const path = await ensureGeneratedModel(m.id, dir);
      const hash = sha256(await readFile(path));
      expect(path).toBe(join(dir, `${m.id}-${hash.slice(0, 16)}.onnx`));
      expect(await ensureGeneratedModel(m.id, dir)).toBe(path);
    }
    const files = await readdir(dir);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files).toHaveLength(4);
  });

  it('rejects an unknown id with MODEL_MISSING', async () => {
    await expect(ensureGeneratedModel('generated-nope', dir)).rejects.toMatchObject({
      code: 'MODEL_MISSING',
    });
  });
});

function feedsFor(id: string, size: number): Record<string, TensorValue> {
  const n = size * size;
  const f32 = (c: number) => new Float32Array(c * n).fill(0.5);
  switch (id) {
    case 'generated-lama-dynamic-4ch':
      return { input: { dtype: 'float32', dims: [1, 4, size, size], data: f32(4) } };
    case 'generated-migan':
      return {
        image: { dtype: 'uint8', dims: [1, 3, size, size], data: new Uint8Array(3 * n).fill(128) },
        mask: { dtype: 'uint8', dims: [1, 1, size, size], data: new Uint8Array(n).fill(255) },
      };
    default:
      return {
        image: { dtype: 'float32', dims: [1, 3, size, size], data: f32(3) },
        mask: { dtype: 'float32', dims: [1, 1, size, size], data: new Float32Array(n) },
      };
  }
}

describe('the model cache', () => {
  it("lives in the user's cache folder, or where INPAINT_STUDIO_CACHE says; never the shared temp folder", async () => {
    const d = defaultModelCacheDir({});
    expect(d).toContain('inpaint-studio');
    expect(d.startsWith(tmpdir())).toBe(false);
    const own = join(dir, 'env-cache');
    const before = process.env[MODEL_CACHE_ENV];
    process.env[MODEL_CACHE_ENV] = own;
    try {
      const path = await ensureGeneratedModel('generated-migan');
      expect(path.startsWith(own + '/')).toBe(true);
    } finally {
      if (before === undefined) delete process.env[MODEL_CACHE_ENV];
      else process.env[MODEL_CACHE_ENV] = before;
    }
  });

  it('replaces a planted or damaged file of the expected name with the built bytes', async () => {
    const cache = join(dir, 'planted');
    await mkdir(cache);
    const m = generatedModel('generated-lama-fixed-rgb');
    const bytes = m.build();
    const name = `${m.id}-${sha256(bytes).slice(0, 16)}.onnx`;
    await writeFile(join(cache, name), 'a model someone else put here');
    const path = await ensureGeneratedModel(m.id, cache);
    expect(path).toBe(join(cache, name));
    expect(sha256(await readFile(path))).toBe(sha256(bytes));

    // A link to a file of the right bytes is not trusted either: the link can be re-pointed later.
    const elsewhere = join(dir, 'elsewhere.onnx');
    await writeFile(elsewhere, bytes);
    await rm(path);
    await symlink(elsewhere, path);
    await ensureGeneratedModel(m.id, cache);
    expect((await lstat(path)).isFile()).toBe(true);
  });

  it("removes a killed writer's temporary file when it writes", async () => {
    const cache = join(dir, 'leftovers');
    await mkdir(cache);
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const stale = [
      `.texture-a-0123456789abcdef.onnx.${dead}.deadbeef.tmp`,
      `x-0123456789abcdef.onnx.${dead}.1733390000000.k3j4h5.tmp`,
    ];
    for (const n of [...stale, 'keep.tmp']) await writeFile(join(cache, n), 'x');
    await writeCachedModel(new Uint8Array([1, 2, 3]), 'tiny', cache);
    expect((await readdir(cache)).sort()).toEqual([
      'keep.tmp',
      `tiny-${sha256(new Uint8Array([1, 2, 3])).slice(0, 16)}.onnx`,
    ]);
  });
});

describe('running', () => {
  // Speed is measured by `npm run bench` (lama case), not asserted here.
  it.each(GENERATED_MODELS.map((m) => [m.id] as const))(
    '%s runs 512x512 on one CPU thread and answers one finite 3-channel image of that size',
    async (id) => {
      const path = await ensureGeneratedModel(id, dir);
      const s = await loadModelSession(path, { providers: ['cpu'], intraOpThreads: 1, interOpThreads: 1 });
      try {
        const outputs = Object.values(await s.run(feedsFor(id, 512)));
        expect(outputs).toHaveLength(1);
        expect(outputs[0].dims).toEqual([1, 3, 512, 512]);
        expect(outputs[0].data).toHaveLength(3 * 512 * 512);
        expect(Array.from(outputs[0].data as ArrayLike<number>).every(Number.isFinite)).toBe(true);
      } finally {
        await s.release();
      }
    },
  );
});
