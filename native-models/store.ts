/**
 * The model store: `<dir>/<id>/<file>` plus `<dir>/<id>/model.json` (see record.ts). Models get in by
 * download (resumable, hash-checked) or by import of a local file; a model is used only after its
 * SHA-256 matched. Implements the pipeline's ModelResolver.
 */
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../app/common/errors';
import type { ModelResolver, ResolvedModel } from '../app/pipeline/types';
import { fetchToFile } from './download';
import {
  DEFAULT_INPAINT_MODEL_ID,
  MANIFEST,
  findModel,
  isValidModelId,
  modelFileName,
  type ModelEntry,
  type ModelPurpose,
} from './manifest';
import { readRecord, writeRecord, type ModelRecord } from './record';
import { sha256File } from './sha256';

import type {
  DownloadOptions,
  ImportOptions,
  InstalledModel,
  ModelListing,
  ModelStoreOptions,
  VerifyResult,
} from './storeTypes';

export { defaultStoreDir, MODELS_DIR_ENV } from './paths';
export type * from './storeTypes';

export class ModelStore implements ModelResolver {
  readonly dir: string;
  readonly manifest: readonly ModelEntry[];
  private readonly defaults: Partial<Record<ModelPurpose, string>>;
  private readonly idleTimeoutMs: number | undefined;
  private readonly busy = new Set<string>();

  constructor(options: ModelStoreOptions) {
    this.dir = path.resolve(options.dir);
    this.manifest = options.manifest ?? MANIFEST;
    this.defaults = options.defaults ?? { inpaint: DEFAULT_INPAINT_MODEL_ID };
    this.idleTimeoutMs = options.idleTimeoutMs;
  }

  /**
   * Downloads a manifest model (resuming an earlier partial download), checks its size and SHA-256 and
   * installs it. Returns at once when it is already installed and `force` is not set.
   * @throws StudioError MODEL_MISSING for an id that is not in the manifest; MODEL_DOWNLOAD on network
   *   failure (the partial file is kept for a resume); MODEL_INTEGRITY on a size or hash mismatch (the
   *   partial file is deleted, an installed file is never touched); CANCELLED when `signal` fires (the
   *   partial file is kept); IO when the store cannot be written.
   */
  async download(id: string, options: DownloadOptions = {}): Promise<InstalledModel> {
    const entry = findModel(id, this.manifest);
    if (!entry) {
      const custom = isValidModelId(id) && (await readRecord(this.folderOf(id)))?.custom;
      if (custom) {
        throw new StudioError(
          'MODEL_MISSING',
          `"${id}" is a model imported from a file; it has no download address.`,
        );
      }
      throw await this.unknownModel(id);
    }
    return this.exclusive(id, async () => {
      if (!options.force) {
        const existing = await this.get(id);
        if (existing) return existing;
      }
      const folder = this.folderOf(id);
      await mkdir(folder, { recursive: true });
      const file = modelFileName(entry);
      const partial = path.join(folder, `${file}.partial`);
      const url = options.urlOverride ?? entry.url;
      const onProgress = options.onProgress;
      await fetchToFile({
        url,
        dest: partial,
        label: id,
        expectedBytes: entry.bytes,
        signal: options.signal,
        idleTimeoutMs: this.idleTimeoutMs,
        onProgress: onProgress && ((p) => onProgress({ id, received: p.received, total: entry.bytes })),
      });
      const problem = await integrityProblem(partial, entry.bytes, entry.sha256, options.signal);
      if (problem) {
        await rm(partial, { force: true });
        throw new StudioError(
          'MODEL_INTEGRITY',
          `The download of ${id} from ${url} is not the expected file: ${problem}. ` +
            'The bad download was deleted and nothing was installed.',
        );
      }
      return this.install(folder, partial, {
        id,
        file,
        purpose: entry.purpose,
        sha256: entry.sha256,
        bytes: entry.bytes,
        sourceKind: 'download',
        source: url,
        custom: false,
        convention: entry.convention,
      });
    });
  }

  /**
   * Installs a local file. For a manifest id the file must have the manifest's size and SHA-256; any other
   * id makes a custom model (purpose 'inpaint'). The file is copied into the store, hashed, passed to
   * `validate`, then renamed into place; the source file is never moved or modified.
   * @throws StudioError PARAM_INVALID for an id that cannot name a model; IO when the file cannot be read
   *   or the store written; MODEL_INTEGRITY when a manifest model's file does not match; whatever
   *   `validate` throws (nothing is installed then); CANCELLED when `signal` fires.
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
    let isFile: boolean;
    try {
      isFile = (await stat(source)).isFile();
    } catch (e) {
      throw new StudioError('IO', `Cannot read the model file ${source}: ${(e as Error).message}`, {
        cause: e,
      });
    }
    if (!isFile) throw new StudioError('IO', `${source} is not a file.`);
    return this.exclusive(id, async () => {
      const folder = this.folderOf(id);
      await mkdir(folder, { recursive: true });
      const tmp = path.join(folder, `.import-${process.pid}-${randomUUID()}.tmp`);
      try {
        await copyFile(source, tmp);
        const bytes = (await stat(tmp)).size;
        let sha256: string;
        if (entry) {
          const problem = await integrityProblem(tmp, entry.bytes, entry.sha256, options.signal);
          if (problem) {
            throw new StudioError(
              'MODEL_INTEGRITY',
              `${source} is not the ${id} model: ${problem}. Nothing was installed.`,
            );
          }
          sha256 = entry.sha256;
        } else {
          sha256 = await sha256File(tmp, options.signal);
        }
        const detected = await options.validate?.(tmp);
        return await this.install(folder, tmp, {
          id,
          file: entry ? modelFileName(entry) : customFileName(source),
          purpose: entry?.purpose ?? 'inpaint',
          label: entry ? undefined : (options.label ?? id),
          sha256,
          bytes,
          sourceKind: 'import',
          source,
          custom: !entry,
          convention:
            (typeof detected === 'string' ? detected : undefined) ?? options.convention ?? entry?.convention,
        });
      } finally {
        await rm(tmp, { force: true });
      }
    });
  }

  /**
   * Re-hashes every installed model (or those in `ids`) against the manifest (custom models: against their
   * record). Marks a mismatching model corrupt so that resolve() no longer offers it.
   * @throws StudioError CANCELLED when `signal` fires.
   */
  async verify(options: { ids?: string[]; signal?: AbortSignal } = {}): Promise<VerifyResult[]> {
    const results: VerifyResult[] = [];
    for (const id of await this.installedIds()) {
      if (options.ids && !options.ids.includes(id)) continue;
      const folder = this.folderOf(id);
      const rec = await readRecord(folder);
      if (!rec) continue;
      const entry = findModel(id, this.manifest);
      const expectedSha256 = entry?.sha256 ?? rec.sha256;
      const expectedBytes = entry?.bytes ?? rec.bytes;
      const file = path.join(folder, rec.file);
      const base = { id, path: file, expectedSha256, expectedBytes };
      let actualBytes: number;
      try {
        actualBytes = (await stat(file)).size;
      } catch {
        results.push({ ...base, status: 'missing', message: `${id}: the model file ${file} is missing.` });
        continue;
      }
      const actualSha256 = await sha256File(file, options.signal);
      const ok = actualSha256 === expectedSha256 && actualBytes === expectedBytes;
      results.push({
        ...base,
        status: ok ? 'ok' : 'mismatch',
        actualSha256,
        actualBytes,
        message: ok
          ? `${id}: ok`
          : `${id}: SHA-256 mismatch (expected ${expectedSha256}, ${expectedBytes} bytes; ` +
            `found ${actualSha256}, ${actualBytes} bytes). ` +
            (entry ? `Run \`models download ${id} --force\` to replace it.` : 'Import it again.'),
      });
      const now = new Date().toISOString();
      await writeRecord(
        folder,
        ok
          ? { ...rec, status: 'verified', verifiedAt: now, sha256: actualSha256, bytes: actualBytes }
          : { ...rec, status: 'corrupt' },
      );
    }
    return results;
  }

  /** Every manifest model and every installed custom model, with its state. Never hashes. */
  async list(): Promise<ModelListing[]> {
    const out: ModelListing[] = [];
    for (const entry of this.manifest) {
      const folder = this.folderOf(entry.id);
      const file = path.join(folder, modelFileName(entry));
      const rec = await readRecord(folder);
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
        sha256: entry.sha256,
        convention: entry.convention,
        licence: entry.licence,
        homepage: entry.homepage,
      };
      if (rec) Object.assign(listing, await this.stateOf(folder, rec, entry));
      if (!listing.installed) {
        const partial = await sizeOf(`${file}.partial`);
        if (partial !== null) {
          listing.partialBytes = partial;
          if (listing.state === 'not-installed') listing.state = 'partial';
        }
      }
      out.push(listing);
    }
    for (const id of await this.customIds()) {
      const folder = this.folderOf(id);
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
        convention: rec.convention,
        ...(await this.stateOf(folder, rec, undefined)),
      });
    }
    return out;
  }

  /**
   * The installed model `id` when its record says verified, the file exists with the recorded size and
   * (for manifest models) the record matches the manifest's hash; otherwise null. Does not re-hash.
   */
  async get(id: string): Promise<InstalledModel | null> {
    if (!isValidModelId(id)) return null;
    const folder = this.folderOf(id);
    const rec = await readRecord(folder);
    if (!rec || rec.id !== id) return null;
    const state = await this.stateOf(folder, rec, findModel(id, this.manifest));
    return state.installed ? toInstalled(folder, rec, findModel(id, this.manifest)) : null;
  }

  /**
   * Absolute path of the installed model `id`.
   * @throws StudioError MODEL_MISSING when the id is unknown (the message lists the known ids) or the
   *   model is not installed or failed its check (the message says how to install it).
   */
  async path(id: string): Promise<string> {
    const m = await this.get(id);
    if (m) return m.path;
    const entry = findModel(id, this.manifest);
    const rec = isValidModelId(id) ? await readRecord(this.folderOf(id)) : null;
    if (!entry && !rec) throw await this.unknownModel(id);
    const how = entry ? `inpaint-studio models download ${id}` : `inpaint-studio models import ${id} <file>`;
    const why =
      rec?.status === 'corrupt' ? 'failed its integrity check' : rec ? 'is incomplete' : 'is not installed';
    throw new StudioError('MODEL_MISSING', `Model ${id} ${why}. Install it with \`${how}\`.`);
  }

  /**
   * ModelResolver: the preferred model if installed (and of this purpose), else the purpose's default if
   * installed, else any installed model of the purpose (manifest order, then custom models by id; custom
   * models count as 'inpaint'); null when none is installed. Checks file presence and size, not the hash.
   */
  async resolve(purpose: string, preferredId?: string): Promise<ResolvedModel | null> {
    const candidates: string[] = [];
    if (preferredId) candidates.push(preferredId);
    const fallback = this.defaults[purpose as ModelPurpose];
    if (fallback) candidates.push(fallback);
    for (const e of this.manifest) if (e.purpose === purpose) candidates.push(e.id);
    candidates.push(...(await this.customIds()));
    for (const id of new Set(candidates)) {
      const m = await this.get(id);
      if (m && m.purpose === purpose) {
        return m.convention ? { id, path: m.path, convention: m.convention } : { id, path: m.path };
      }
    }
    return null;
  }

  /** Deletes the model's folder (file, record, partial download). Returns false when there was nothing. */
  async remove(id: string): Promise<boolean> {
    if (!isValidModelId(id)) return false;
    const folder = this.folderOf(id);
    if ((await sizeOf(folder)) === null) return false;
    await this.exclusive(id, () => rm(folder, { recursive: true, force: true }));
    return true;
  }

  private folderOf(id: string): string {
    return path.join(this.dir, id);
  }

  private async install(
    folder: string,
    from: string,
    r: Omit<ModelRecord, 'version' | 'installedAt' | 'verifiedAt' | 'status'>,
  ): Promise<InstalledModel> {
    const previous = await readRecord(folder);
    await rename(from, path.join(folder, r.file));
    const now = new Date().toISOString();
    const record: ModelRecord = { version: 1, ...r, installedAt: now, verifiedAt: now, status: 'verified' };
    if (record.label === undefined) delete record.label;
    if (record.convention === undefined) delete record.convention;
    await writeRecord(folder, record);
    if (previous && previous.file !== r.file) await rm(path.join(folder, previous.file), { force: true });
    return toInstalled(folder, record, findModel(r.id, this.manifest));
  }

  private async stateOf(
    folder: string,
    rec: ModelRecord,
    entry: ModelEntry | undefined,
  ): Promise<Pick<ModelListing, 'state' | 'installed' | 'problem' | 'source' | 'installedAt'>> {
    const common = { source: rec.source, installedAt: rec.installedAt };
    const size = await sizeOf(path.join(folder, rec.file));
    if (size === null)
      return { ...common, state: 'missing-file', installed: false, problem: 'the model file is missing' };
    if (rec.status === 'corrupt') {
      return { ...common, state: 'corrupt', installed: false, problem: 'verify found a SHA-256 mismatch' };
    }
    if (size !== rec.bytes) {
      return {
        ...common,
        state: 'corrupt',
        installed: false,
        problem: `the file has ${size} bytes, not ${rec.bytes}`,
      };
    }
    if (entry && (entry.sha256 !== rec.sha256 || entry.bytes !== rec.bytes)) {
      return {
        ...common,
        state: 'corrupt',
        installed: false,
        problem: 'the manifest now names another file',
      };
    }
    return { ...common, state: 'installed', installed: true };
  }

  /** Ids with a folder in the store: manifest order first, then the rest sorted. */
  private async installedIds(): Promise<string[]> {
    const manifestIds = this.manifest.map((m) => m.id);
    return [...manifestIds, ...(await this.customIds())];
  }

  /** Folders in the store that are not manifest models, hold a record and are valid ids; sorted. */
  private async customIds(): Promise<string[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir, { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch {
      return [];
    }
    const ids: string[] = [];
    for (const name of names.sort()) {
      if (!isValidModelId(name) || findModel(name, this.manifest)) continue;
      const rec = await readRecord(this.folderOf(name));
      if (rec && rec.id === name) ids.push(name);
    }
    return ids;
  }

  private async unknownModel(id: string): Promise<StudioError> {
    const known = this.manifest.map((m) => m.id);
    const custom = await this.customIds();
    const customText = custom.length ? `; installed custom models: ${custom.join(', ')}` : '';
    return new StudioError(
      'MODEL_MISSING',
      `Unknown model ${JSON.stringify(id)}. Known models: ${known.join(', ')}${customText}.`,
    );
  }

  private async exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    if (this.busy.has(id)) {
      throw new StudioError(
        'IO',
        `Model ${id} is already being downloaded, imported or removed; wait for that to finish.`,
      );
    }
    this.busy.add(id);
    try {
      return await work();
    } catch (e) {
      // File system failures (permissions, a full disk) become IO; everything else passes through as is.
      if (!(e instanceof StudioError) && e instanceof Error && 'syscall' in e) {
        throw new StudioError('IO', `Model store ${this.dir}: ${e.message}`, { cause: e });
      }
      throw e;
    } finally {
      this.busy.delete(id);
    }
  }
}

/** What is wrong with `file` against the expected size and hash, or null when it matches. */
async function integrityProblem(
  file: string,
  bytes: number,
  sha256: string,
  signal: AbortSignal | undefined,
): Promise<string | null> {
  const size = (await stat(file)).size;
  if (size !== bytes) return `expected ${bytes} bytes but got ${size} bytes`;
  const actual = await sha256File(file, signal);
  if (actual !== sha256) return `expected SHA-256 ${sha256} but got ${actual}`;
  return null;
}

function toInstalled(folder: string, rec: ModelRecord, entry: ModelEntry | undefined): InstalledModel {
  const m: InstalledModel = {
    id: rec.id,
    purpose: rec.purpose,
    label: entry?.label ?? rec.label ?? rec.id,
    path: path.join(folder, rec.file),
    bytes: rec.bytes,
    sha256: rec.sha256,
    sourceKind: rec.sourceKind,
    source: rec.source,
    installedAt: rec.installedAt,
    verifiedAt: rec.verifiedAt,
    custom: rec.custom,
  };
  if (rec.convention !== undefined) m.convention = rec.convention;
  return m;
}

/** A safe file name for a custom model: the source's name when plain, else `model.onnx`. */
function customFileName(source: string): string {
  const base = path.basename(source);
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(base) &&
    base !== 'model.json' &&
    !base.endsWith('.partial')
    ? base
    : 'model.onnx';
}

async function sizeOf(p: string): Promise<number | null> {
  try {
    return (await stat(p)).size;
  } catch {
    return null;
  }
}
