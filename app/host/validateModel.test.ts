// Import-time validation runs the self-check (issue 14 item 19): an ONNX file of a known signature
// that does not fill holes is refused before it is installed.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_MODELS, ensureGeneratedModel } from '../../native-models/generated/index';
import { GraphBuilder } from '../graph/onnxBuilder';
import { validateInpaintModel } from './validateModel';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'validate-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('validateInpaintModel', () => {
  it.each(GENERATED_MODELS.map((m) => [m.id, m.convention] as const))(
    'accepts %s as %s',
    async (id, convention) => {
      expect(await validateInpaintModel(await ensureGeneratedModel(id, dir))).toBe(convention);
    },
  );

  it('keeps the declared colour order when the self-check cannot tell (a diffusion fill)', async () => {
    const bgr = await ensureGeneratedModel('generated-lama-fixed-bgr', dir);
    expect(await validateInpaintModel(bgr, 'lama-fixed-rgb')).toBe('lama-fixed-rgb');
  });

  it('refuses a model of the Carve signature that outputs a constant, with MODEL_UNSUPPORTED', async () => {
    const g = new GraphBuilder('constant');
    const image = g.input('image', 'float32', [1, 3, 512, 512]);
    g.input('mask', 'float32', [1, 1, 512, 512]);
    const out = g.op('Add', [g.op('Mul', [image, g.scalar(0, 'zero')]), g.scalar(128, 'grey')]);
    g.output(out, 'output', 'float32', [1, 3, 512, 512]);
    const file = join(dir, 'constant.onnx');
    await writeFile(file, g.build());
    await expect(validateInpaintModel(file)).rejects.toMatchObject({
      code: 'MODEL_UNSUPPORTED',
      message: expect.stringMatching(/constant\.onnx failed the self-check/),
    });
  });
});
