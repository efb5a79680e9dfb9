/**
 * The generated inpainting models: small real ONNX networks built by code (never committed as
 * binaries), one per model convention, cached on disk under a name that hashes the builder's output.
 * The cache is the user's own cache folder (never a shared temporary folder, where another user could
 * plant a file), and a cached file is used only when its bytes hash to what the builder made.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import envPaths from 'env-paths';
import { StudioError } from '../../app/common/errors';
import { TEMP_NAME, writeFileAtomic } from '../../app/image/atomicWrite';
import { sha256File } from '../sha256';
import type { ConventionId } from '../conventionId';
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

/** `<repo>/.cache/models` (git-ignored): where `npm run models:build` writes the models it packages. */
export const DEFAULT_MODEL_CACHE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '.cache',
  'models',
);

/** Environment variable that overrides the generated-model cache folder (tests, portable installs). */
export const MODEL_CACHE_ENV = 'INPAINT_STUDIO_CACHE';

/**
 * The generated-model cache: `$INPAINT_STUDIO_CACHE` when set and not empty, else `models/` in the
 * user's cache folder (Linux `~/.cache/inpaint-studio/models`, macOS `~/Library/Caches/inpaint-studio/models`,
 * Windows `%LOCALAPPDATA%\inpaint-studio\Cache\models`). Only computes the path.
 */
export function defaultModelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[MODEL_CACHE_ENV]?.trim();
  if (override) return resolve(override);
  return join(envPaths('inpaint-studio', { suffix: '' }).cache, 'models');
}

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
 * Builds the model and writes it (atomically) to `cacheDir` (default defaultModelCacheDir()) as
 * `<id>-<hash16>.onnx` unless a file of that name holding exactly these bytes is there; returns its
 * absolute path.
 * @throws StudioError MODEL_MISSING for an unknown id; IO when the folder cannot be written.
 */
export async function ensureGeneratedModel(id: string, cacheDir?: string): Promise<string> {
  const model = generatedModel(id);
  return writeCachedModel(model.build(), model.id, cacheDir);
}

/** Temporary names of earlier versions of writeCachedModel: `<file>.<pid>.<ms>.<random>.tmp`. */
const LEGACY_TEMP = /^[^.].*\.onnx\.(?<pid>\d+)\.\d+\.[0-9a-z]+\.tmp$/;

/**
 * Writes built model bytes as `<stem>-<hash16>.onnx` into `cacheDir` (default defaultModelCacheDir(),
 * created private to the user) and returns its absolute path. A file already there is used only when
 * it is a regular file whose SHA-256 is that of `bytes` (the builders are deterministic); anything else
 * (a damaged, truncated or planted file) is replaced atomically. Shared by every generated model and
 * every cached generated graph (texture losses, block matching).
 * @throws StudioError IO when the folder cannot be written.
 */
export async function writeCachedModel(bytes: Uint8Array, stem: string, cacheDir?: string): Promise<string> {
  const dir = resolve(cacheDir ?? defaultModelCacheDir());
  const hash = sha256(bytes);
  const path = join(dir, `${stem}-${hash.slice(0, 16)}.onnx`);
  if (await holds(path, hash)) return path;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(path, bytes, 'IO', { mode: 0o600, stalePatterns: [TEMP_NAME, LEGACY_TEMP] });
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

/** True when `path` is a regular file (not a link) whose SHA-256 is `hash`. */
async function holds(path: string, hash: string): Promise<boolean> {
  try {
    if (!(await lstat(path)).isFile()) return false;
    return (await sha256File(path)) === hash;
  } catch {
    return false;
  }
}
