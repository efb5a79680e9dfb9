/**
 * `npm run models:build [folder]`: writes every generated model into `folder` (default .cache/models)
 * and prints its path, size and SHA-256.
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DEFAULT_MODEL_CACHE, GENERATED_MODELS, ensureGeneratedModel, sha256 } from './index';

async function main(): Promise<void> {
  const dir = process.argv[2] ? resolve(process.argv[2]) : DEFAULT_MODEL_CACHE;
  for (const model of GENERATED_MODELS) {
    const path = await ensureGeneratedModel(model.id, dir);
    const size = (await stat(path)).size;
    const hash = sha256(await readFile(path));
    console.log(`${model.id}\t${path}\t${size} bytes\tsha256 ${hash}`);
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
