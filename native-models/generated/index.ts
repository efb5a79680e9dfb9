/**
 * The generated inpainting models: small real ONNX networks built by code (never committed as
 * binaries), one per model convention, cached on disk under a name that hashes the builder's output.
 */
import { createHash } from 'node:crypto';
import { access, constants, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StudioError } from '../../app/common/errors';
import type { ConventionId } from '../../app/stages/lama/conventions/types';
import { buildLamaDynamic4ch, buildLamaFixedBgr, buildLamaFixedRgb, buildMigan } from './models';

export const GENERATED_MODEL_IDS = [
  'generated-lama-fixed-rgb',
  'generated-lama-fixed-bgr',
  'generated-lama-dynamic-4ch',
  'generated-migan',
] as const;
export type GeneratedModelId = (typeof GENERATED_MODEL_IDS)[number];

export interface GeneratedModel {
  id: GeneratedModelId;
  convention: ConventionId;
  description: string;
  /** Serialised ONNX model (deterministic: the same code gives the same bytes). */
  build(): Uint8Array;
}

export const GENERATED_MODELS: readonly GeneratedModel[] = [
  {
    id: 'generated-lama-fixed-rgb',
    convention: 'lama-fixed-rgb',
    description: 'LaMa-ONNX signature: image/mask float32 [N,*,512,512], RGB 0..1, output 0..255',
    build: buildLamaFixedRgb,
  },
  {
    id: 'generated-lama-fixed-bgr',
    convention: 'lama-fixed-bgr',
    description:
      'OpenCV Zoo LaMa signature: image/mask float32 [1,*,512,512], BGR 0..1, mask > 0 = hole, output 0..255',
    build: buildLamaFixedBgr,
  },
  {
    id: 'generated-lama-dynamic-4ch',
    convention: 'lama-dynamic-4ch',
    description: 'One float32 input [1,4,H,W] (masked RGB + mask), H and W multiples of 32, output 0..1',
    build: buildLamaDynamic4ch,
  },
  {
    id: 'generated-migan',
    convention: 'migan',
    description: 'MI-GAN pipeline signature: uint8 image + uint8 mask (255 = known), any size, uint8 result',
    build: buildMigan,
  },
];

/** `<repo>/.cache/models` (git-ignored). */
export const DEFAULT_MODEL_CACHE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '.cache',
  'models',
);

export function generatedModel(id: string): GeneratedModel {
  const m = GENERATED_MODELS.find((g) => g.id === id);
  if (!m) {
    throw new StudioError(
      'MODEL_MISSING',
      `There is no generated model ${JSON.stringify(id)}; the generated models are ${GENERATED_MODEL_IDS.join(', ')}`,
    );
  }
  return m;
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Builds the model and writes it (atomically) to `cacheDir` as `<id>-<hash16>.onnx`, unless a file
 * of that name is already there; returns its absolute path. When `cacheDir` is not given and
 * `<repo>/.cache/models` is not writable, a folder under the OS temp dir is used.
 * @throws StudioError MODEL_MISSING for an unknown id; IO when the folder cannot be written.
 */
export async function ensureGeneratedModel(id: string, cacheDir?: string): Promise<string> {
  const model = generatedModel(id);
  return writeCachedModel(model.build(), model.id, cacheDir);
}

/**
 * Writes built model bytes (atomically) as `<stem>-<hash16>.onnx` into `cacheDir` (default
 * `<repo>/.cache/models`, or a folder under the OS temp dir when that is not writable), unless that
 * file exists; returns its absolute path. Shared by every generated model.
 * @throws StudioError IO when the folder cannot be written.
 */
export async function writeCachedModel(bytes: Uint8Array, stem: string, cacheDir?: string): Promise<string> {
  const dir = cacheDir ? resolve(cacheDir) : await writableDefaultDir();
  const path = join(dir, `${stem}-${sha256(bytes).slice(0, 16)}.onnx`);
  if (await exists(path)) return path;
  try {
    await mkdir(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } finally {
      await rm(tmp, { force: true });
    }
  } catch (e) {
    throw new StudioError(
      'IO',
      `Could not write the generated model ${stem} to ${dir}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
  return path;
}

async function writableDefaultDir(): Promise<string> {
  try {
    await mkdir(DEFAULT_MODEL_CACHE, { recursive: true });
    await access(DEFAULT_MODEL_CACHE, constants.W_OK);
    return DEFAULT_MODEL_CACHE;
  } catch {
    return join(tmpdir(), 'inpaint-studio', 'models');
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
