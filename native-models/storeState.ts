/**
 * The store's folders on disk and what state they are in: `<dir>/<id>/<file>` plus `<dir>/<id>/model.json`
 * (record.ts). Reading a folder's state, turning a record into an InstalledModel, and the one step every
 * install ends with (rename the checked file into place, then write the record). Shared by the query,
 * install and verify modules; holds no policy of its own.
 */
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../app/common/errors';
import { TEMP_NAME, removeStaleTemps } from '../app/image/atomicWrite';
import { findModel, isTensorModel, isValidModelId, type ModelEntry } from './manifest';
import { CHECKS_FILE } from './modelChecks';
import { RECORD_FILE, readRecord, writeRecord, type ModelRecord } from './record';
import { sha256File } from './sha256';
import type { InstalledModel, ModelListing } from './storeTypes';

/** What the install and verify modules need of a ModelStore. */
export interface StoreContext {
  /** Absolute store folder. */
  dir: string;
  manifest: readonly ModelEntry[];
  idleTimeoutMs?: number;
  trustOnFirstUse: boolean;
  retries?: number;
  retryDelayMs?: number;
}

/** Environment variable that, set to `1`, lets the store install unpinned tensor models (trust on first use). */
export const TRUST_UNPINNED_ENV = 'INPAINT_STUDIO_TRUST_UNPINNED';

/** True when the environment opts in to trust on first use. */
export function trustOnFirstUseFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[TRUST_UNPINNED_ENV]?.trim() === '1';
}

export function folderOf(ctx: Pick<StoreContext, 'dir'>, id: string): string {
  return path.join(ctx.dir, id);
}

/** Temporary names the store used before it shared atomicWrite's: `.import-<pid>-<uuid>.tmp`, `.extract-…`. */
const LEGACY_TEMP =
  /^\.(?:import|extract)-(?<pid>\d+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.tmp$/;

/**
 * Creates the model's folder when needed and removes temporary files that a killed install left there
 * (removeStaleTemps: only our own temporary names, of dead writers or older than an hour).
 * @throws the file system's error when the folder cannot be created.
 */
export async function openModelFolder(folder: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  await removeStaleTemps(folder, { patterns: [TEMP_NAME, LEGACY_TEMP] });
}

/** Removes the model's folder when it is empty (after a failed install); anything in it is kept. */
export async function dropEmptyFolder(folder: string): Promise<void> {
  await rmdir(folder).catch(() => undefined);
}

/**
 * `e` with every mention of the path `internal` (the store's temporary copy, or a private copy the
 * caller made) replaced by `shown`, the file as the user knows it; other errors pass through unchanged.
 */
export function namingUserFile(e: unknown, internal: string, shown: string): unknown {
  if (!(e instanceof Error) || internal === shown || !e.message.includes(internal)) return e;
  const message = e.message.split(internal).join(shown);
  if (e instanceof StudioError) return new StudioError(e.code, message, { cause: e });
  // A file system error (it names both paths): the store's caller would report it as IO anyway.
  return 'syscall' in e ? new StudioError('IO', `Cannot import ${shown}: ${message}`, { cause: e }) : e;
}

export type NewRecord = Omit<ModelRecord, 'version' | 'installedAt' | 'verifiedAt' | 'status'>;

/**
 * Moves the checked file `from` (in `folder`) into place as `r.file`, writes the record and removes the
 * previous record's file when it had another name.
 */
export async function installModel(
  ctx: Pick<StoreContext, 'manifest'>,
  folder: string,
  from: string,
  r: NewRecord,
): Promise<InstalledModel> {
  const previous = await readRecord(folder);
  const file = path.join(folder, r.file);
  await rename(from, file);
  const { mtimeMs } = await stat(file);
  const now = new Date().toISOString();
  const record: ModelRecord = {
    version: 1,
    ...r,
    mtimeMs,
    installedAt: now,
    verifiedAt: now,
    status: 'verified',
  };
  for (const key of ['label', 'convention', 'contentSha256', 'tensors', 'trust'] as const) {
    if (record[key] === undefined) delete record[key];
  }
  await writeRecord(folder, record);
  if (previous && previous.file !== r.file) await rm(path.join(folder, previous.file), { force: true });
  return toInstalled(folder, record, findModel(r.id, ctx.manifest));
}

export type FolderState = Pick<ModelListing, 'state' | 'installed' | 'problem' | 'source' | 'installedAt'>;

/** The state of an installed model's folder from its record and file size (never hashes). */
export async function stateOf(
  folder: string,
  rec: ModelRecord,
  entry: ModelEntry | undefined,
): Promise<FolderState> {
  const common = { source: rec.source, installedAt: rec.installedAt };
  const corrupt = (problem: string): FolderState => ({
    ...common,
    state: 'corrupt',
    installed: false,
    problem,
  });
  const size = await sizeOf(path.join(folder, rec.file));
  if (size === null)
    return { ...common, state: 'missing-file', installed: false, problem: 'the model file is missing' };
  if (rec.status === 'corrupt') return corrupt('its SHA-256 no longer matches the one recorded at install');
  if (size !== rec.bytes) return corrupt(`the file has ${size} bytes, not ${rec.bytes}`);
  if (entry && isTensorModel(entry)) {
    if (!rec.contentSha256) return corrupt('the record has no content SHA-256');
    if (entry.contentSha256 !== null && entry.contentSha256 !== rec.contentSha256) {
      return corrupt('the manifest now pins other weights');
    }
  } else if (entry && (entry.sha256 !== rec.sha256 || entry.bytes !== rec.bytes)) {
    return corrupt('the manifest now names another file');
  }
  return { ...common, state: 'installed', installed: true };
}

/**
 * The check a model gets before it is used: when the file's size or modification time differs from
 * the record's (or the record predates `mtimeMs`), the file is hashed again. Same hash (the file was
 * only touched): the new mtime is recorded and null returned. Another hash or size: the record is
 * marked corrupt (the file is kept) and the MODEL_INTEGRITY error to report is returned.
 * @throws StudioError IO when the file cannot be read.
 */
export async function changedSinceInstall(folder: string, rec: ModelRecord): Promise<StudioError | null> {
  const file = path.join(folder, rec.file);
  const st = await stat(file);
  if (st.size === rec.bytes && rec.mtimeMs === st.mtimeMs) return null;
  const actual = st.size === rec.bytes ? await sha256File(file) : null;
  // Another process may have installed the model anew while this one hashed: judge against the newest record.
  const now = await readRecord(folder);
  if (!now || now.sha256 !== rec.sha256 || now.installedAt !== rec.installedAt || now.file !== rec.file) {
    return null;
  }
  if (actual === rec.sha256) {
    await writeRecord(folder, { ...now, mtimeMs: st.mtimeMs, verifiedAt: new Date().toISOString() });
    return null;
  }
  await writeRecord(folder, { ...now, status: 'corrupt' });
  const what =
    actual === null
      ? `it has ${st.size} bytes, not the ${rec.bytes} recorded at install`
      : `its SHA-256 is ${actual}, not the ${rec.sha256} recorded at install`;
  const how = rec.custom
    ? `Import it again with \`inpaint-studio models import ${rec.id} <file>\``
    : `Replace it with \`inpaint-studio models download ${rec.id} --force\``;
  return new StudioError(
    'MODEL_INTEGRITY',
    `Model ${rec.id} changed after it was installed: ${file} ${what}. It is marked corrupt and will not ` +
      `be used; the file was kept. ${how}.`,
  );
}

export function toInstalled(folder: string, rec: ModelRecord, entry: ModelEntry | undefined): InstalledModel {
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
  if (rec.contentSha256 !== undefined) m.contentSha256 = rec.contentSha256;
  if (rec.trust !== undefined) m.trust = rec.trust;
  return m;
}

/** Folders in the store that are not manifest models, hold a record and are valid ids; sorted. */
export async function customIds(ctx: Pick<StoreContext, 'dir' | 'manifest'>): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(ctx.dir, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
  const ids: string[] = [];
  for (const name of names.sort()) {
    if (!isValidModelId(name) || findModel(name, ctx.manifest)) continue;
    const rec = await readRecord(folderOf(ctx, name));
    if (rec && rec.id === name) ids.push(name);
  }
  return ids;
}

/** Ids that may have a folder in the store: manifest order first, then the custom ones sorted. */
export async function storeIds(ctx: Pick<StoreContext, 'dir' | 'manifest'>): Promise<string[]> {
  return [...ctx.manifest.map((m) => m.id), ...(await customIds(ctx))];
}

/**
 * A safe file name for a custom model: the source's name when plain and not one of the store's own files
 * (model.json, checks.json, *.partial), else `model.onnx`.
 */
export function customFileName(source: string): string {
  const base = path.basename(source);
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(base) &&
    base !== RECORD_FILE &&
    base !== CHECKS_FILE &&
    !base.endsWith('.partial')
    ? base
    : 'model.onnx';
}

export async function sizeOf(p: string): Promise<number | null> {
  try {
    return (await stat(p)).size;
  } catch {
    return null;
  }
}
