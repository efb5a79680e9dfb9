/** Where the model store lives when the caller names no folder. */
import path from 'node:path';
import envPaths from 'env-paths';

/** Environment variable that overrides the store folder. */
export const MODELS_DIR_ENV = 'INPAINT_STUDIO_MODELS';

/**
 * The store folder: `$INPAINT_STUDIO_MODELS` when set and not empty, else `models/` in the user's data
 * folder (Linux `~/.local/share/inpaint-studio/models`, macOS `~/Library/Application Support/inpaint-studio/models`,
 * Windows `%LOCALAPPDATA%\inpaint-studio\Data\models`). Only computes the path; creates nothing.
 */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[MODELS_DIR_ENV]?.trim();
  if (override) return path.resolve(override);
  return path.join(envPaths('inpaint-studio', { suffix: '' }).data, 'models');
}
