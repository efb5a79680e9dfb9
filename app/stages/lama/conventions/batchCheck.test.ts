import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addFill } from '../../../../native-models/generated/fillNetwork';
import { ensureGeneratedModel } from '../../../../native-models/generated/index';
import { GraphBuilder } from '../../../graph/onnxBuilder';
import { loadModelSession } from '../../../ort/sessions';
import { BATCH_TOLERANCE, verifyBatching } from './batchCheck';
import { createAdapter } from './detect';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'batch-check-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A Carve-signature model with a symbolic batch whose output is `body`'s (times 255). */
function batchModel(body: (g: GraphBuilder, image: string, known: string) => string): Uint8Array {
  const g = new GraphBuilder('batch_test');
  const image = g.input('image', 'float32', ['N', 3, 512, 512]);
  const mask = g.input('mask', 'float32', ['N', 1, 512, 512]);
  const known = g.op('Sub', [g.scalar(1, 'one'), mask]);
  g.output(g.op('Mul', [body(g, image, known), g.scalar(255, 's')]), 'output', 'float32', ['N', 3, 512, 512]);
  return g.build();
}

describe('verifyBatching', () => {
  it('passes a model that fills each sample of a batch as alone (3 calls)', async () => {
    const s = await loadModelSession(await ensureGeneratedModel('generated-lama-fixed-rgb', dir), {
      providers: ['cpu'],
    });
    try {
      let calls = 0;
      const counted = Object.create(s, {
        run: { value: (...a: Parameters<typeof s.run>) => (calls++, s.run(...a)) },
      }) as typeof s;
      const r = await verifyBatching(createAdapter(counted));
      expect(r).toMatchObject({ capable: true, maxDiff: 0 });
      expect(calls).toBe(3);
    } finally {
      await s.release();
    }
  });

  it('fails a model whose samples leak into each other (batch statistics)', async () => {
    // fill + (batch mean - image): nothing with one image, a mix of the two with two.
    const leak = batchModel((g, image, known) =>
      g.op('Add', [
        addFill(g, image, known),
        g.op('Sub', [g.op('ReduceMean', [image], { axes: [0], keepdims: 1 }), image]),
      ]),
    );
    const s = await loadModelSession(leak, { providers: ['cpu'] });
    try {
      const a = createAdapter(s);
      expect(a.dynamicBatch).toBe(true); // it declares a symbolic batch
      const r = await verifyBatching(a);
      expect(r.capable).toBe(false);
      expect(r.maxDiff).toBeGreaterThan(BATCH_TOLERANCE);
      expect(r.reason).toMatch(/^a batch of two gave other fills than single calls/);
    } finally {
      await s.release();
    }
  });

  it('fails a model whose graph has batch 1 baked in, saying why', async () => {
    // Reshape to [1, C, H, W] computed at run time (as an export that traced batch 1 does).
    const baked = batchModel((g, image, known) => {
      const one = g.int64s('one_dim', [1], [1]);
      const shape = g.op('Concat', [one, g.op('Shape', [image], { start: 1 })], { axis: 0 });
      return g.op('Reshape', [addFill(g, image, known), shape]);
    });
    const s = await loadModelSession(baked, { providers: ['cpu'] });
    try {
      const r = await verifyBatching(createAdapter(s));
      expect(r).toMatchObject({ capable: false, maxDiff: null });
      expect(r.reason).toMatch(/^a batch of two failed where single calls ran \(/);
    } finally {
      await s.release();
    }
  });
});
