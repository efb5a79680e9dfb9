/** The shapes the model store hands out and takes (see store.ts). */
import type { ModelEntry, ModelPurpose } from './manifest';

export interface ModelStoreOptions {
  /** The store folder (created when first written). See defaultStoreDir() in paths.ts. */
  dir: string;
  /** Default MANIFEST; tests pass their own. */
  manifest?: readonly ModelEntry[];
  /** The model each purpose falls back to. Default `{ inpaint: DEFAULT_INPAINT_MODEL_ID }`. */
  defaults?: Partial<Record<ModelPurpose, string>>;
  /** Download idle timeout (default 60 000 ms). */
  idleTimeoutMs?: number;
}

/** A model whose file is present and whose hash was verified. */
export interface InstalledModel {
  id: string;
  purpose: ModelPurpose;
  label: string;
  /** Absolute path of the model file. */
  path: string;
  bytes: number;
  sha256: string;
  sourceKind: 'download' | 'import';
  /** URL or absolute path of the imported file. */
  source: string;
  installedAt: string;
  verifiedAt: string;
  convention?: string;
  custom: boolean;
}

export type ModelState = 'installed' | 'not-installed' | 'partial' | 'corrupt' | 'missing-file';

export interface ModelListing {
  id: string;
  label: string;
  purpose: ModelPurpose;
  custom: boolean;
  /** The purpose's default model. */
  isDefault: boolean;
  state: ModelState;
  installed: boolean;
  /** Where the file is (or will be once installed). */
  path: string;
  /** Installed size, or the expected size when not installed. */
  bytes: number;
  sha256: string;
  /** Bytes of an unfinished download waiting to be resumed. */
  partialBytes?: number;
  /** Why the model is not usable, for state corrupt / missing-file. */
  problem?: string;
  convention?: string;
  licence?: string;
  homepage?: string;
  source?: string;
  installedAt?: string;
}

export interface VerifyResult {
  id: string;
  path: string;
  status: 'ok' | 'mismatch' | 'missing';
  expectedSha256: string;
  actualSha256?: string;
  expectedBytes: number;
  actualBytes?: number;
  /** One line for the user. */
  message: string;
}

export interface DownloadProgress {
  id: string;
  received: number;
  total: number;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  /** At most ~10 calls a second, plus a final one with received === total. */
  onProgress?: (p: DownloadProgress) => void;
  /** Fetch from here instead of the manifest URL (a mirror); the manifest's size and hash still apply. */
  urlOverride?: string;
  /** Download again even when the model is installed (the installed file stays until the new one verified). */
  force?: boolean;
}

export interface ImportOptions {
  /**
   * Called with the path of the store's temporary copy; throw to refuse the model (the copy is removed).
   * A returned string is recorded as the model's convention (e.g. the one detected from the model).
   */
  validate?: (path: string) => Promise<void | string>;
  /** Convention id to record for a custom model (the manifest's is used for manifest ids). */
  convention?: string;
  /** Display name for a custom model (default: the id). */
  label?: string;
  signal?: AbortSignal;
}
