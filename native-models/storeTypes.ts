/** The shapes the model store hands out and takes (see store.ts). */
import type { ModelEntry, ModelPurpose } from './manifest';
import type { ContentTrust } from './record';

export type { ContentTrust } from './record';

export interface ModelStoreOptions {
  /** The store folder (created when first written). See defaultStoreDir() in paths.ts. */
  dir: string;
  /** Default MANIFEST; tests pass their own. */
  manifest?: readonly ModelEntry[];
  /** The model each purpose falls back to. Default `{ inpaint: DEFAULT_INPAINT_MODEL_ID }`. */
  defaults?: Partial<Record<ModelPurpose, string>>;
  /** Download idle timeout (default 60 000 ms). */
  idleTimeoutMs?: number;
  /**
   * Install tensor models whose content hash the manifest does not pin, recording their hash on first use.
   * Default: true when the environment variable INPAINT_STUDIO_TRUST_UNPINNED is `1`.
   */
  trustOnFirstUse?: boolean;
  /** Tensor-model downloads: retries of a failed range request within one call (default 2). */
  retries?: number;
  /** Tensor-model downloads: wait before retry k, k x this (default 500 ms). */
  retryDelayMs?: number;
  /** Longest wait for another process working on the same model (default 30 minutes; storeLock.ts). */
  lockWaitMs?: number;
  /** A model lock its holder has not refreshed for this long is broken (default 2 minutes). */
  lockStaleMs?: number;
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
  /** Tensor models: the content SHA-256 of the tensors (tensorContent.ts). */
  contentSha256?: string;
  /** Tensor models: what vouched for it. */
  trust?: ContentTrust;
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
  /** Whole-file SHA-256: the manifest's for a file model; for a tensor model the installed file's, else null. */
  sha256: string | null;
  /** `tensors`: a few tensors fetched out of a larger file (see manifest.ts). */
  kind: 'file' | 'tensors';
  /** Tensor models: the pinned content SHA-256, else the one recorded at install, else null. */
  contentSha256?: string | null;
  /** Tensor models whose content hash the manifest does not pin: why (installing needs trust on first use). */
  unpinned?: string;
  /** Tensor models, once installed: what vouched for the content hash. */
  trust?: ContentTrust;
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
  /** Whole-file SHA-256, or for a tensor model the content SHA-256. */
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
  /** The file's size; for a tensor model, the bytes of the byte ranges it fetches. */
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
  /** Tensor models without a pinned content hash: install them and record the hash (overrides the store's default). */
  trustOnFirstUse?: boolean;
  /** Called once when another process is working on this model and the download waits for it. */
  onWaiting?: (message: string) => void;
}

export interface ImportOptions {
  /**
   * Called with the path of the store's temporary copy; throw to refuse the model (the copy is removed).
   * A returned string is recorded as the model's convention (e.g. the one detected from the model).
   * Not called for tensor models (their tensors' names, dtypes, shapes and hashes are checked instead).
   */
  validate?: (path: string) => Promise<void | string>;
  /** Convention id to record for a custom model (the manifest's is used for manifest ids). */
  convention?: string;
  /** Display name for a custom model (default: the id). */
  label?: string;
  /**
   * The file as the user knows it, when the path given to importFile is a private copy (e.g. bytes sent
   * by the editor, written to a temporary folder): errors and the record's `source` name this instead.
   * Default: the absolute path of the file.
   */
  sourceName?: string;
  /** Called once when another process is working on this model and the import waits for it. */
  onWaiting?: (message: string) => void;
  signal?: AbortSignal;
  /** Tensor models without a pinned content hash: install them and record the hash (overrides the store's default). */
  trustOnFirstUse?: boolean;
}
