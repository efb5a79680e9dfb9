import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS_FILE, readModelChecks, recordModelChecks, type ModelChecks } from './modelChecks';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'model-checks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const selfCheck: NonNullable<ModelChecks['selfCheck']> = {
  convention: 'lama-fixed-rgb',
  reading: { order: 'RGB', outputScale: 255, maskInverted: false },
  error: 0.01,
  orderDecided: false,
  checkedAt: '2026-01-01T00:00:00.000Z',
};
const batch = { capable: true, maxDiff: 0, reason: 'ok', checkedAt: '2026-01-01T00:00:00.000Z' };

describe('model checks (checks.json next to the model)', () => {
  it('records, merges and reads back per model file', async () => {
    const a = join(dir, 'a.onnx');
    const b = join(dir, 'b.onnx');
    await writeFile(a, 'model a');
    await writeFile(b, 'model b');
    expect(await readModelChecks(a)).toEqual({});
    await recordModelChecks(a, { selfCheck });
    await recordModelChecks(a, { batch });
    await recordModelChecks(b, { batch: { ...batch, capable: false } });
    expect(await readModelChecks(a)).toEqual({ selfCheck, batch });
    expect(await readModelChecks(b)).toEqual({ batch: { ...batch, capable: false } });
    const file = JSON.parse(await readFile(join(dir, CHECKS_FILE), 'utf8'));
    expect(Object.keys(file.files).sort()).toEqual(['a.onnx', 'b.onnx']);
  });

  it('forgets the checks of a file that changed (size or modification time)', async () => {
    const m = join(dir, 'changing.onnx');
    await writeFile(m, 'version 1');
    await recordModelChecks(m, { selfCheck, batch });
    await writeFile(m, 'version 2, longer');
    expect(await readModelChecks(m)).toEqual({});
    // A new record for the new file does not keep the old file's facts.
    await recordModelChecks(m, { batch });
    expect(await readModelChecks(m)).toEqual({ batch });
    const later = new Date(Date.now() + 60_000);
    await utimes(m, later, later);
    expect(await readModelChecks(m)).toEqual({});
  });

  it('reads a malformed checks.json as no checks, and replaces it on the next record', async () => {
    const sub = await mkdtemp(join(dir, 'bad-'));
    const m = join(sub, 'm.onnx');
    await writeFile(m, 'm');
    await writeFile(join(sub, CHECKS_FILE), '{"version": 1, "files": {"m.onnx": {"size": "x"}}}');
    expect(await readModelChecks(m)).toEqual({});
    await writeFile(join(sub, CHECKS_FILE), 'not json');
    expect(await readModelChecks(m)).toEqual({});
    await recordModelChecks(m, { selfCheck });
    expect(await readModelChecks(m)).toEqual({ selfCheck });
  });

  it('records nothing for a model file that is itself named checks.json', async () => {
    const sub = await mkdtemp(join(dir, 'named-'));
    const m = join(sub, CHECKS_FILE);
    await writeFile(m, 'model bytes');
    await recordModelChecks(m, { batch });
    expect(await readFile(m, 'utf8')).toBe('model bytes');
  });

  it('refuses to record for a missing model file with IO', async () => {
    await expect(recordModelChecks(join(dir, 'nope.onnx'), { batch })).rejects.toMatchObject({ code: 'IO' });
  });
});
