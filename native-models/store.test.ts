import { spawnSync } from 'node:child_process';
import {
  mkdir,
  mkdtemp,
  open,
  readFile,
  readdir,
  rm,
  stat,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioError } from '../app/common/errors';
import type { ModelEntry } from './manifest';
import { ModelStore, defaultStoreDir } from './store';
import { makePayload, type Payload } from '../app/testing/httpServer';

const alpha = makePayload(40_000);
const beta = makePayload(30_000);
const feat = makePayload(20_000);

function entry(id: string, p: Payload, purpose: ModelEntry['purpose'] = 'inpaint'): ModelEntry {
  return {
    id,
    purpose,
    label: `Model ${id}`,
    convention: purpose === 'inpaint' ? 'lama-fixed-rgb' : undefined,
    url: `http://127.0.0.1:9/models/${id}.onnx`,
    bytes: p.data.length,
    sha256: p.sha256,
    licence: 'MIT',
    homepage: 'http://127.0.0.1/',
    inputs: [],
    outputs: [],
  };
}

const manifest = [entry('alpha', alpha), entry('beta', beta), entry('feat', feat, 'features')];

let dir: string;
let src: string;
let store: ModelStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'inpaint-store-'));
  src = await mkdtemp(path.join(tmpdir(), 'inpaint-src-'));
  store = new ModelStore({ dir, manifest, defaults: { inpaint: 'alpha' } });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(src, { recursive: true, force: true });
});

async function source(name: string, data: Buffer): Promise<string> {
  const file = path.join(src, name);
  await writeFile(file, data);
  return file;
}

async function failure(p: Promise<unknown>): Promise<StudioError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof StudioError) return e;
    throw e;
  }
  throw new Error('expected a StudioError');
}

/** Flips one byte in place (same size). */
async function flipByte(file: string, at: number): Promise<void> {
  const fh = await open(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, at);
    b[0] = b[0]! ^ 0xff;
    await fh.write(b, 0, 1, at);
  } finally {
    await fh.close();
  }
}

describe('importFile', () => {
  it('installs a manifest model whose file matches, leaving the source untouched', async () => {
    const file = await source('alpha-copy.onnx', alpha.data);
    const before = await stat(file);
    const m = await store.importFile('alpha', file);
    expect(m).toMatchObject({
      id: 'alpha',
      purpose: 'inpaint',
      sha256: alpha.sha256,
      bytes: alpha.data.length,
      sourceKind: 'import',
      source: file,
      custom: false,
      convention: 'lama-fixed-rgb',
      path: path.join(dir, 'alpha', 'alpha.onnx'),
    });
    expect(Buffer.compare(await readFile(m.path), alpha.data)).toBe(0);
    const after = await stat(file);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(Buffer.compare(await readFile(file), alpha.data)).toBe(0);
    expect((await readdir(path.join(dir, 'alpha'))).sort()).toEqual(['alpha.onnx', 'model.json']);
  });

  it('refuses a file whose hash differs from the manifest, installing nothing', async () => {
    const wrong = Buffer.from(alpha.data);
    wrong[100] = wrong[100]! ^ 1;
    const err = await failure(store.importFile('alpha', await source('bad.onnx', wrong)));
    expect(err.code).toBe('MODEL_INTEGRITY');
    expect(err.message).toContain(alpha.sha256);
    expect(await readdir(dir)).toEqual([]);

    const short = await failure(
      store.importFile('alpha', await source('short.onnx', alpha.data.subarray(0, 10))),
    );
    expect(short.code).toBe('MODEL_INTEGRITY');
    expect(short.message).toMatch(/bytes/);
  });

  it('installs a custom model after validate, recording the convention validate returns', async () => {
    const data = makePayload(5_000);
    let seen = '';
    const m = await store.importFile('my-model', await source('mine.onnx', data.data), {
      validate: async (p) => {
        seen = p;
        expect(Buffer.compare(await readFile(p), data.data)).toBe(0);
        return 'lama-dynamic-4ch';
      },
    });
    expect(path.dirname(seen)).toBe(path.join(dir, 'my-model'));
    expect(m).toMatchObject({ id: 'my-model', custom: true, purpose: 'inpaint', sha256: data.sha256 });
    expect(m.convention).toBe('lama-dynamic-4ch');
    expect(m.path).toBe(path.join(dir, 'my-model', 'mine.onnx'));
    const listed = (await store.list()).find((l) => l.id === 'my-model');
    expect(listed).toMatchObject({ custom: true, installed: true, state: 'installed', bytes: 5_000 });
  });

  it('installs nothing when validate throws', async () => {
    let seen = '';
    const boom = new StudioError('MODEL_UNSUPPORTED', 'not an inpainting model');
    const err = await failure(
      store.importFile('custom', await source('x.onnx', Buffer.from('not a model')), {
        convention: 'migan',
        validate: async (p) => {
          seen = p;
          throw boom;
        },
      }),
    );
    expect(err).toBe(boom);
    await expect(stat(seen)).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
    expect(await store.get('custom')).toBeNull();
    expect((await store.list()).map((l) => l.id)).toEqual(['alpha', 'beta', 'feat']);
  });

  it("names the user's file, not the store's temporary copy, when validate fails", async () => {
    const file = await source('mine.onnx', Buffer.from('not a model'));
    const err = await failure(
      store.importFile('custom', file, {
        // Like the ONNX loader: its message names the path it was given.
        validate: async (p) => {
          throw new StudioError('MODEL_UNSUPPORTED', `Cannot load the model ${p}: protobuf parsing failed`);
        },
      }),
    );
    expect(err.code).toBe('MODEL_UNSUPPORTED');
    expect(err.message).toBe(`Cannot load the model ${file}: protobuf parsing failed`);
    expect(await readdir(dir)).toEqual([]);
  });

  it('names the file by sourceName when the path is a private copy', async () => {
    const copy = await source('upload-3f9a.onnx', alpha.data.subarray(0, 100));
    const err = await failure(store.importFile('alpha', copy, { sourceName: 'big-lama.onnx' }));
    expect(err.code).toBe('MODEL_INTEGRITY');
    expect(err.message).toMatch(/^big-lama\.onnx is not the alpha model/);
    expect(err.message).not.toContain(copy);
    const bad = await failure(
      store.importFile('custom', copy, {
        sourceName: 'mine.onnx',
        validate: async (p) => {
          throw new StudioError('MODEL_UNSUPPORTED', `Cannot load the model ${p}`);
        },
      }),
    );
    expect(bad.message).toBe('Cannot load the model mine.onnx');
    const m = await store.importFile('alpha', await source('x.onnx', alpha.data), {
      sourceName: 'big-lama.onnx',
    });
    expect(m.source).toBe('big-lama.onnx');
  });

  it('removes temporaries a killed install left in the model folder, and nothing else', async () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    const folder = path.join(dir, 'alpha');
    await mkdir(folder, { recursive: true });
    const leftovers = [
      `.alpha.onnx.${dead}.0badf00d.tmp`,
      `.model.json.${dead}.0b7c2a4e-1f00-4d2b-9a6e-3c2d1e0f9a8b.tmp`,
      `.import-${dead}-0b7c2a4e-1f00-4d2b-9a6e-3c2d1e0f9a8b.tmp`,
    ];
    for (const name of [...leftovers, 'notes.txt']) await writeFile(path.join(folder, name), 'x');
    await store.importFile('alpha', await source('a.onnx', alpha.data));
    expect((await readdir(folder)).sort()).toEqual(['alpha.onnx', 'model.json', 'notes.txt']);
  });

  it('rejects ids that cannot name a folder and files that do not exist', async () => {
    const file = await source('a.onnx', alpha.data);
    for (const id of ['../evil', 'a/b', '', '.hidden', 'UPPER']) {
      expect((await failure(store.importFile(id, file))).code).toBe('PARAM_INVALID');
    }
    expect((await failure(store.importFile('x', path.join(src, 'nope.onnx')))).code).toBe('IO');
    expect((await failure(store.importFile('x', src))).code).toBe('IO');
  });
});

describe('verify', () => {
  it('detects a file corrupted or deleted after install, and resolve stops offering it', async () => {
    const a = await store.importFile('alpha', await source('a.onnx', alpha.data));
    const b = await store.importFile('beta', await source('b.onnx', beta.data));
    expect((await store.verify()).map((r) => r.status)).toEqual(['ok', 'ok']);

    await flipByte(a.path, 1234);
    await rm(b.path);
    const results = await store.verify();
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['alpha', 'mismatch'],
      ['beta', 'missing'],
    ]);
    expect(results[0]).toMatchObject({ expectedSha256: alpha.sha256, actualBytes: alpha.data.length });
    expect(results[0]!.actualSha256).not.toBe(alpha.sha256);
    expect(results[0]!.message).toContain(alpha.sha256);

    expect(await store.resolve('inpaint')).toBeNull();
    const states = Object.fromEntries((await store.list()).map((l) => [l.id, l.state]));
    expect(states).toEqual({ alpha: 'corrupt', beta: 'missing-file', feat: 'not-installed' });
    expect((await failure(store.path('alpha'))).message).toMatch(/integrity/);

    // Restoring the bytes and verifying again makes it usable.
    await flipByte(a.path, 1234);
    expect((await store.verify({ ids: ['alpha'] })).map((r) => r.status)).toEqual(['ok']);
    expect(await store.resolve('inpaint')).toMatchObject({ id: 'alpha' });
  });
});

describe('the check at load', () => {
  const record = async (id: string) =>
    JSON.parse(await readFile(path.join(dir, id, 'model.json'), 'utf8')) as Record<string, unknown>;
  const later = new Date(Date.now() + 60_000);

  it('records the size and mtime at install', async () => {
    const a = await store.importFile('alpha', await source('a.onnx', alpha.data));
    const st = await stat(a.path);
    expect(await record('alpha')).toMatchObject({ bytes: st.size, mtimeMs: st.mtimeMs });
  });

  it('refuses a model whose bytes changed after install, marks it corrupt and keeps the file', async () => {
    const a = await store.importFile('alpha', await source('a.onnx', alpha.data));
    await flipByte(a.path, 777);
    await utimes(a.path, later, later); // whatever the file system's mtime resolution
    const err = await failure(store.resolve('inpaint', 'alpha'));
    expect(err.code).toBe('MODEL_INTEGRITY');
    expect(err.message).toMatch(/^Model alpha changed after it was installed/);
    expect(err.message).toContain(alpha.sha256);
    expect(await record('alpha')).toMatchObject({ status: 'corrupt' });
    expect((await stat(a.path)).size).toBe(alpha.data.length);
    expect((await store.list()).find((l) => l.id === 'alpha')?.state).toBe('corrupt');
    expect(await store.resolve('inpaint')).toBeNull();
    expect((await failure(store.path('alpha'))).code).toBe('MODEL_MISSING');
  });

  it('path() reports a changed file as MODEL_INTEGRITY', async () => {
    const a = await store.importFile('beta', await source('b.onnx', beta.data));
    await flipByte(a.path, 5);
    await utimes(a.path, later, later);
    expect((await failure(store.path('beta'))).code).toBe('MODEL_INTEGRITY');
  });

  it('uses a touched model whose hash still matches, and records its new mtime', async () => {
    const a = await store.importFile('alpha', await source('a.onnx', alpha.data));
    await utimes(a.path, later, later);
    expect(await store.resolve('inpaint')).toMatchObject({ id: 'alpha', path: a.path });
    const rec = await record('alpha');
    expect(rec).toMatchObject({ status: 'verified', mtimeMs: (await stat(a.path)).mtimeMs });
  });

  it('hashes a record written before mtimes were recorded once, then records it', async () => {
    const a = await store.importFile('alpha', await source('a.onnx', alpha.data));
    const { mtimeMs: _drop, ...old } = await record('alpha');
    await writeFile(path.join(dir, 'alpha', 'model.json'), JSON.stringify(old));
    expect(await store.get('alpha')).toMatchObject({ id: 'alpha' });
    expect((await record('alpha')).mtimeMs).toBe((await stat(a.path)).mtimeMs);
  });
});

describe('resolve', () => {
  it('prefers the requested model, then the default, then any installed model of the purpose', async () => {
    expect(await store.resolve('inpaint')).toBeNull();

    const b = await store.importFile('beta', await source('b.onnx', beta.data));
    expect(await store.resolve('inpaint')).toEqual({
      id: 'beta',
      path: b.path,
      convention: 'lama-fixed-rgb',
    });

    const a = await store.importFile('alpha', await source('a.onnx', alpha.data));
    expect((await store.resolve('inpaint'))?.id).toBe('alpha');
    expect((await store.resolve('inpaint', 'beta'))?.path).toBe(b.path);
    expect((await store.resolve('inpaint', 'not-a-model'))?.id).toBe('alpha');

    const f = await store.importFile('feat', await source('f.onnx', feat.data));
    expect((await store.resolve('inpaint', 'feat'))?.id).toBe('alpha'); // wrong purpose: skipped
    expect(await store.resolve('features')).toEqual({ id: 'feat', path: f.path });

    // A file whose size no longer matches its record is refused once, loudly, then passed over.
    await truncate(a.path, 100);
    const err = await failure(store.resolve('inpaint'));
    expect(err.code).toBe('MODEL_INTEGRITY');
    expect(err.message).toMatch(/^Model alpha changed after it was installed: .* has 100 bytes/);
    expect((await store.resolve('inpaint'))?.id).toBe('beta');
  });

  it('counts custom models as inpaint models, after the manifest ones', async () => {
    const c = await store.importFile('zz-custom', await source('c.onnx', Buffer.from('custom bytes')), {
      convention: 'migan',
    });
    expect(await store.resolve('inpaint')).toEqual({ id: 'zz-custom', path: c.path, convention: 'migan' });
    expect(await store.resolve('features')).toBeNull();
    await store.importFile('beta', await source('b.onnx', beta.data));
    expect((await store.resolve('inpaint'))?.id).toBe('beta');
    expect((await store.resolve('inpaint', 'zz-custom'))?.id).toBe('zz-custom');
  });
});

describe('path, list, remove and errors', () => {
  it('names the known ids for an unknown model and says how to install a known one', async () => {
    await store.importFile('mine', await source('m.onnx', Buffer.from('abc')));
    const unknown = await failure(store.path('nope'));
    expect(unknown.code).toBe('MODEL_MISSING');
    expect(unknown.message).toContain('alpha, beta, feat');
    expect(unknown.message).toContain('mine');

    const missing = await failure(store.path('beta'));
    expect(missing.code).toBe('MODEL_MISSING');
    expect(missing.message).toContain('models download beta');

    const custom = await failure(store.download('mine'));
    expect(custom.code).toBe('MODEL_MISSING');
    expect(await store.path('mine')).toBe(path.join(dir, 'mine', 'm.onnx'));
  });

  it('lists every manifest model with its expected size, and ignores stray folders', async () => {
    await writeFile(path.join(dir, 'stray-file'), 'x');
    await mkdir(path.join(dir, 'no-record'));
    await mkdir(path.join(dir, '.hidden'));
    const rows = await store.list();
    expect(rows.map((r) => [r.id, r.state, r.bytes, r.isDefault])).toEqual([
      ['alpha', 'not-installed', alpha.data.length, true],
      ['beta', 'not-installed', beta.data.length, false],
      ['feat', 'not-installed', feat.data.length, false],
    ]);
    expect(rows[0]!.path).toBe(path.join(dir, 'alpha', 'alpha.onnx'));
  });

  it('removes a model', async () => {
    await store.importFile('beta', await source('b.onnx', beta.data));
    expect(await store.remove('beta')).toBe(true);
    expect(await store.get('beta')).toBeNull();
    expect(await store.remove('beta')).toBe(false);
  });

  it('ignores a damaged record', async () => {
    const m = await store.importFile('beta', await source('b.onnx', beta.data));
    const recordFile = path.join(path.dirname(m.path), 'model.json');
    const record = JSON.parse(await readFile(recordFile, 'utf8'));
    await writeFile(recordFile, JSON.stringify({ ...record, file: '../../b.onnx' }));
    expect(await store.get('beta')).toBeNull();
    await writeFile(recordFile, '{"id": "beta"');
    expect(await store.get('beta')).toBeNull();
    expect(await store.resolve('inpaint')).toBeNull();
  });
});

describe('defaultStoreDir', () => {
  it('uses INPAINT_STUDIO_MODELS when set, else the user data folder', () => {
    expect(defaultStoreDir({ INPAINT_STUDIO_MODELS: '/tmp/somewhere' })).toBe(path.resolve('/tmp/somewhere'));
    const d = defaultStoreDir({});
    expect(path.basename(d)).toBe('models');
    expect(d).toContain('inpaint-studio');
    expect(d).not.toContain('nodejs');
  });
});

describe('file system failures', () => {
  it('reports a store that cannot be written as IO', async () => {
    const blocked = path.join(dir, 'blocked');
    await writeFile(blocked, 'a file where the store folder should be');
    const s = new ModelStore({ dir: blocked, manifest });
    const err = await failure(s.importFile('alpha', await source('a.onnx', alpha.data)));
    expect(err.code).toBe('IO');
    expect(err.message).toContain(blocked);
  });
});
