/**
 * The model store: `<dir>/<id>/<file>` plus `<dir>/<id>/model.json` (see record.ts). Models get in by
 * download or by import of a local file (installFile.ts for whole files, installTensors.ts for tensor
 * models) and are re-checked by verify (verify.ts); a model is used only after its SHA-256 matched. This
 * class is the entry point: it checks ids, serialises work on one model, and answers the queries (list,
 * get, path, resolve). Implements the pipeline's ModelResolver.
 */
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../app/common/errors';
import type { ModelResolver, ResolvedModel } from './resolver';
import { downloadFileModel, importFileModel } from './installFile';
import { downloadTensorModel, importTensorModel } from './installTensors';
import {
  DEFAULT_INPAINT_MODEL_ID,
  MANIFEST,
  findModel,
  isTensorModel,
  isValidModelId,
  modelFileName,
  type ModelEntry,
  type ModelPurpose,
} from './manifest';
import { readRecord } from './record';
import { acquireModelLock } from './storeLock';
import {
  changedSinceInstall,
  customIds,
  folderOf,
  sizeOf,
  stateOf,
  toInstalled,
  trustOnFirstUseFromEnv,
  type StoreContext,
} from './storeState';
import type {
  DownloadOptions,
  ImportOptions,
  InstalledModel,
  ModelListing,
  ModelStoreOptions,
  VerifyResult,
} from './storeTypes';
import { verifyModels } from './verify';

export { defaultStoreDir, MODELS_DIR_ENV } from './paths';
export { TRUST_UNPINNED_ENV } from './storeState';
export type * from './storeTypes';

export class ModelStore implements ModelResolver {
  readonly dir: string;
  readonly manifest: readonly ModelEntry[];
  private readonly defaults: Partial<Record<ModelPurpose, string>>;
  private readonly ctx: StoreContext;
  private readonly lockWaitMs?: number;
  private readonly lockStaleMs?: number;

  constructor(options: ModelStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.manifest = options.manifest ?? MANIFEST;
    this.defaults = options.defaults ?? { inpaint: DEFAULT_INPAINT_MODEL_ID };
    this.lockWaitMs = options.lockWaitMs;
    this.lockStaleMs = options.lockStaleMs;
    this.ctx = {
      dir: this.dir,
      manifest: this.manifest,
      idleTimeoutMs: options.idleTimeoutMs,
      trustOnFirstUse: options.trustOnFirstUse ?? trustOnFirstUseFromEnv(),
      retries: options.retries,
      retryDelayMs: options.retryDelayMs,
    };
  }

  /**
   * Downloads a manifest model and installs it once checked: a whole-file model resumably, checked
   * against the manifest's size and SHA-256; a tensor model by HTTP Range requests for its tensors only,
   * checked against its content SHA-256 (see installTensors.ts for models the manifest does not pin).
   * Returns at once when it is already installed and `force` is not set. While another process (or
   * call) downloads, imports or removes the same model, waits for it (`onWaiting` says so once; at most
   * `lockWaitMs`), then returns the model it installed.
   * @throws StudioError MODEL_MISSING for an id that is not in the manifest; MODEL_DOWNLOAD on network
   *   failure (what arrived is kept for a resume); MODEL_INTEGRITY on a size or hash mismatch, a bad
   *   tensor or an unpinned tensor model without trust on first use (the partial download is deleted, an
   *   installed file is never touched); CANCELLED when `signal` fires (what arrived is kept); IO when the
   *   store cannot be written or another process held the model's lock past `lockWaitMs`.
   */
  async download(id: string, options: DownloadOptions = {}): Promise<InstalledModel> {
    const entry = findModel(id, this.manifest);
    if (!entry) {
      const custom = isValidModelId(id) && (await readRecord(folderOf(this, id)))?.custom;
      if (custom) {
        throw new StudioError(
          'MODEL_MISSING',
          `"${id}" is a model imported from a file; it has no download address.`,
        );
      }
      throw await this.unknownModel(id);
    }
    return this.exclusive(
      id,
      `download of ${id}`,
      async () => {
        // Checked under the lock: a download that another process finished meanwhile is not repeated.
        if (!options.force) {
          const existing = await this.get(id);
          if (existing) return existing;
        }
        return isTensorModel(entry)
          ? downloadTensorModel(this.ctx, entry, options)
          : downloadFileModel(this.ctx, entry, options);
      },
      options,
    );
  }

  /**
   * Installs a local file; the source file is never moved or modified. For a whole-file manifest id the
   * file must have the manifest's size and SHA-256; for a tensor model it is a safetensors file holding
   * the model's tensors (names, dtypes and shapes checked, then their content hash); any other id makes a
   * custom model (purpose 'inpaint'). `validate` sees the store's temporary copy of a model file before
   * it is installed (not called for tensor models); error messages name the user's file
   * (`options.sourceName`, else `file`), never that copy. A failed import leaves no empty model folder.
   * @throws StudioError PARAM_INVALID for an id that cannot name a model; IO when the file cannot be read
   *   or the store written; MODEL_INTEGRITY when a manifest model's file does not match (the message
   *   names the tensor for a tensor model); whatever `validate` throws (nothing is installed then);
   *   CANCELLED when `signal` fires.
   */
  async importFile(id: string, file: string, options: ImportOptions = {}): Promise<InstalledModel> {
    if (!isValidModelId(id)) {
      throw new StudioError(
        'PARAM_INVALID',
        `Expected a model id of 1 to 64 lower-case letters, digits, ".", "_" or "-" (starting with a letter ` +
          `or digit) for id but received ${JSON.stringify(id)}`,
      );
    }
    const entry = findModel(id, this.manifest);
    const source = path.resolve(file);
    const shown = options.sourceName ?? source;
    let isFile: boolean;
    try {
      isFile = (await stat(source)).isFile();
    } catch (e) {
      const reason = (e as Error).message.split(source).join(shown);
      throw new StudioError('IO', `Cannot read the model file ${shown}: ${reason}`, { cause: e });
    }
    if (!isFile) throw new StudioError('IO', `${shown} is not a file.`);
    return this.exclusive(
      id,
      `import of ${id}`,
      () =>
        entry && isTensorModel(entry)
          ? importTensorModel(this.ctx, entry, source, options)
          : importFileModel(this.ctx, id, entry, source, options),
      options,
    );
  }

  /**
   * Re-hashes every installed model (or those in `ids`); see verify.ts. Marks a mismatching model
   * corrupt so that resolve() no longer offers it.
   * @throws StudioError CANCELLED when `signal` fires.
   */
  verify(options: { ids?: string[]; signal?: AbortSignal } = {}): Promise<VerifyResult[]> {
    return verifyModels(this.ctx, options);
  }

  /** Every manifest model and every installed custom model, with its state. Never hashes. */
  async list(): Promise<ModelListing[]> {
    const out: ModelListing[] = [];
    for (const entry of this.manifest) {
      const folder = folderOf(this, entry.id);
      const file = path.join(folder, modelFileName(entry));
      const rec = await readRecord(folder);
      const tensor = isTensorModel(entry);
      const listing: ModelListing = {
        id: entry.id,
        label: entry.label,
        purpose: entry.purpose,
        custom: false,
        isDefault: this.defaults[entry.purpose] === entry.id,
        state: 'not-installed',
        installed: false,
        path: rec ? path.join(folder, rec.file) : file,
        bytes: entry.bytes,
        sha256: tensor ? null : entry.sha256,
        kind: tensor ? 'tensors' : 'file',
        convention: entry.convention,
        licence: entry.licence,
        homepage: entry.homepage,
      };
      if (tensor) {
        listing.contentSha256 = entry.contentSha256;
        if (entry.contentSha256 === null) listing.unpinned = entry.unpinnedReason ?? 'not known';
      }
      if (rec) {
        Object.assign(listing, await stateOf(folder, rec, entry));
        if (tensor) {
          listing.sha256 = rec.sha256;
          listing.contentSha256 = entry.contentSha256 ?? rec.contentSha256 ?? null;
          if (rec.trust) listing.trust = rec.trust;
        }
      }
      if (!listing.installed) {
        const partial = await sizeOf(`${file}.partial`);
        if (partial !== null) {
          listing.partialBytes = partial;
          if (listing.state === 'not-installed') listing.state = 'partial';
        }
      }
      out.push(listing);
    }
    for (const id of await customIds(this)) {
      const folder = folderOf(this, id);
      const rec = await readRecord(folder);
      if (!rec) continue;
      out.push({
        id,
        label: rec.label ?? id,
        purpose: rec.purpose,
        custom: true,
        isDefault: false,
        path: path.join(folder, rec.file),
        bytes: rec.bytes,
        sha256: rec.sha256,
        kind: 'file',
        convention: rec.convention,
        ...(await stateOf(folder, rec, undefined)),
      });
    }
    return out;
  }

  /**
   * The installed model `id` when its record says verified, the file exists with the recorded size and
   * (for manifest models) the record matches the manifest's hash; otherwise null. Hashes the file only
   * when its size or modification time differ from the record's: a file whose bytes changed after
   * install is then marked corrupt (and null returned; the file is kept), a merely touched one gets its
   * new mtime recorded.
   * @throws StudioError IO when the file cannot be read.
   */
  async get(id: string): Promise<InstalledModel | null> {
    return (await this.usable(id)).model;
  }

  /**
   * Absolute path of the installed model `id`, checked as get() does.
   * @throws StudioError MODEL_MISSING when the id is unknown (the message lists the known ids) or the
   *   model is not installed or failed its check (the message says how to install it); MODEL_INTEGRITY
   *   when the file changed after install (the model is marked corrupt, the file kept).
   */
  async path(id: string): Promise<string> {
    const u = await this.usable(id);
    if (u.model) return u.model.path;
    if (u.changed) throw u.changed;
    const entry = findModel(id, this.manifest);
    const rec = isValidModelId(id) ? await readRecord(folderOf(this, id)) : null;
    if (!entry && !rec) throw await this.unknownModel(id);
    const how = entry ? `inpaint-studio models download ${id}` : `inpaint-studio models import ${id} <file>`;
    const why =
      rec?.status === 'corrupt' ? 'failed its integrity check' : rec ? 'is incomplete' : 'is not installed';
    throw new StudioError('MODEL_MISSING', `Model ${id} ${why}. Install it with \`${how}\`.`);
  }

  /**
   * ModelResolver: the preferred model if installed (and of this purpose), else the purpose's default if
   * installed, else any installed model of the purpose (manifest order, then custom models by id; custom
   * models count as 'inpaint'); null when none is installed. Checks each candidate as get() does.
   * @throws StudioError MODEL_INTEGRITY when the model it would return changed after install (it is
   *   marked corrupt, so the next call passes over it); IO when a model file cannot be read.
   */
  async resolve(purpose: string, preferredId?: string): Promise<ResolvedModel | null> {
    const candidates: string[] = [];
    if (preferredId) candidates.push(preferredId);
    const fallback = this.defaults[purpose as ModelPurpose];
    if (fallback) candidates.push(fallback);
    for (const e of this.manifest) if (e.purpose === purpose) candidates.push(e.id);
    candidates.push(...(await customIds(this)));
    for (const id of new Set(candidates)) {
      const { model: m, changed, purpose: of } = await this.usable(id);
      if (changed && of === purpose) throw changed;
      if (m && m.purpose === purpose) {
        return m.convention ? { id, path: m.path, convention: m.convention } : { id, path: m.path };
      }
    }
    return null;
  }

  /** get()'s answer, with the error to report when the file changed after install. */
  private async usable(
    id: string,
  ): Promise<{ model: InstalledModel | null; changed?: StudioError; purpose?: ModelPurpose }> {
    if (!isValidModelId(id)) return { model: null };
    const folder = folderOf(this, id);
    let rec = await readRecord(folder);
    if (!rec || rec.id !== id) return { model: null };
    if (rec.status === 'verified' && (await sizeOf(path.join(folder, rec.file))) !== null) {
      const changed = await changedSinceInstall(folder, rec);
      if (changed) return { model: null, changed, purpose: rec.purpose };
      rec = await readRecord(folder);
      if (!rec || rec.id !== id) return { model: null };
    }
    const entry = findModel(id, this.manifest);
    const state = await stateOf(folder, rec, entry);
    return { model: state.installed ? toInstalled(folder, rec, entry) : null, purpose: rec.purpose };
  }

  /** Deletes the model's folder (file, record, partial download). Returns false when there was nothing. */
  async remove(id: string): Promise<boolean> {
    if (!isValidModelId(id)) return false;
    const folder = folderOf(this, id);
    if ((await sizeOf(folder)) === null) return false;
    await this.exclusive(id, `removal of ${id}`, () => rm(folder, { recursive: true, force: true }));
    return true;
  }

  private async unknownModel(id: string): Promise<StudioError> {
    const known = this.manifest.map((m) => m.id);
    const custom = await customIds(this);
    const customText = custom.length ? `; installed custom models: ${custom.join(', ')}` : '';
    return new StudioError(
      'MODEL_MISSING',
      `Unknown model ${JSON.stringify(id)}. Known models: ${known.join(', ')}${customText}.`,
    );
  }

  /**
   * Runs `work` holding model `id`'s lock (storeLock.ts), which serialises downloads, imports and
   * removals of one model across store instances and processes; a second caller waits for the first.
   */
  private async exclusive<T>(
    id: string,
    what: string,
    work: () => Promise<T>,
    wait: { signal?: AbortSignal; onWaiting?: (message: string) => void } = {},
  ): Promise<T> {
    let release: (() => Promise<void>) | undefined;
    try {
      release = await acquireModelLock(this.dir, id, what, {
        waitMs: this.lockWaitMs,
        staleMs: this.lockStaleMs,
        signal: wait.signal,
        onWaiting: wait.onWaiting,
      });
      return await work();
    } catch (e) {
      // File system failures (permissions, a full disk) become IO; everything else passes through as is.
      if (!(e instanceof StudioError) && e instanceof Error && 'syscall' in e) {
        throw new StudioError('IO', `Model store ${this.dir}: ${e.message}`, { cause: e });
      }
      throw e;
    } finally {
      await release?.();
    }
  }
}
