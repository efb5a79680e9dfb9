/**
 * The editor's session on disk, for the desktop app (issue 15 §5, "Lose nothing"): a SessionKeeper
 * (app/host/editorSession.ts) that keeps the record in memory, as the browser host does, and also writes
 * it to one file in its folder (in the app: <userData>/session/session.bin), so that a restarted engine
 * process or app can read it back.
 *
 * The file: 8 magic bytes, a 4-byte little-endian header length, a JSON header (the image's id and path,
 * the editor's state JSON, the sizes of the mask and sampling area, the applied steps' labels and boxes,
 * the body's length and SHA-256), then the body (mask bytes, sampling bytes, each patch's float pixels).
 * Every write goes through writeFileAtomic: a failed or interrupted write leaves the previous session
 * readable. A file that cannot be read back (truncated, damaged, foreign) is renamed *.corrupt, never
 * deleted, and reported as StudioError IO naming the path and what is wrong. The user's image is only
 * ever named by its path here, never written.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { StudioError, asStudioError } from '../common/errors';
import type { Patch, PatchBox } from './appliedSteps';
import type { SessionKeeper, SessionRecord } from './editorSession';
import { describeFsError, writeFileAtomic } from '../image/atomicWrite';

/** One applied step as AppliedSteps keeps it: its label, its box (null: no change) and its R, G, B planes. */
export type SessionPatch = Patch;

/**
 * What the desktop keeps: the engine's session record, with what a restarted engine needs to rebuild the
 * open image: the file it was opened from and its applied steps (current step and patches).
 */
export type DiskSessionRecord = SessionRecord;

export const SESSION_FILE = 'session.bin';
const MAGIC = Buffer.from('ISSESS1\n', 'latin1');
const VERSION = 1;

interface Section {
  offset: number;
  length: number;
}
interface Header {
  version: number;
  imageId: string;
  imagePath?: string;
  state: string;
  mask: { width: number; height: number; at: Section } | null;
  sampling: { width: number; height: number; at: Section } | null;
  history?: { step: number; patches: { label: string; box: PatchBox | null; at: Section }[] };
  bodyLength: number;
  sha256: string;
}

/** The file's bytes for `record` (see the file comment). */
export function encodeSession(record: DiskSessionRecord): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  const add = (bytes: Uint8Array): Section => {
    const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    parts.push(b);
    const at = { offset, length: b.byteLength };
    offset += b.byteLength;
    return at;
  };
  const plane = (m: SessionRecord['mask'] | undefined) =>
    m ? { width: m.width, height: m.height, at: add(new Uint8Array(m.data)) } : null;
  const mask = plane(record.mask);
  const sampling = plane(record.sampling);
  const history = record.history && {
    step: record.history.step,
    patches: record.history.patches.map((p) => ({
      label: p.label,
      box: p.box,
      at: add(new Uint8Array(p.pixels.buffer, p.pixels.byteOffset, p.pixels.byteLength)),
    })),
  };
  const body = Buffer.concat(parts, offset);
  const header: Header = {
    version: VERSION,
    imageId: record.imageId,
    ...(record.imagePath !== undefined ? { imagePath: record.imagePath } : {}),
    state: record.state,
    mask,
    sampling,
    ...(history ? { history } : {}),
    bodyLength: body.byteLength,
    sha256: createHash('sha256').update(body).digest('hex'),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.byteLength);
  return Buffer.concat([MAGIC, len, json, body]);
}

const isInt = (v: unknown, min = 0): v is number => Number.isSafeInteger(v) && (v as number) >= min;

/**
 * The record in `bytes`.
 * @throws Error saying what is wrong (the caller names the file).
 */
export function decodeSession(bytes: Uint8Array): DiskSessionRecord {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.byteLength < MAGIC.byteLength + 4 || !buf.subarray(0, MAGIC.byteLength).equals(MAGIC))
    throw new Error('it is not an Inpaint Studio session file (wrong start)');
  const hlen = buf.readUInt32LE(MAGIC.byteLength);
  const hstart = MAGIC.byteLength + 4;
  if (hstart + hlen > buf.byteLength)
    throw new Error(`it is truncated (${buf.byteLength} bytes, its header alone needs ${hstart + hlen})`);
  let h: Header;
  try {
    h = JSON.parse(buf.subarray(hstart, hstart + hlen).toString('utf8')) as Header;
  } catch (e) {
    throw new Error(`its header is not valid JSON (${(e as Error).message})`, { cause: e });
  }
  if (typeof h !== 'object' || h === null || h.version !== VERSION)
    throw new Error(`its version is ${String((h as Header | null)?.version)}, expected ${VERSION}`);
  if (typeof h.imageId !== 'string' || typeof h.state !== 'string' || !isInt(h.bodyLength))
    throw new Error('its header lacks the image id, the state or the body length');
  if (h.imagePath !== undefined && typeof h.imagePath !== 'string')
    throw new Error('its image path is not text');
  const body = buf.subarray(hstart + hlen);
  if (body.byteLength !== h.bodyLength)
    throw new Error(`it is truncated or padded (body of ${body.byteLength} bytes, expected ${h.bodyLength})`);
  if (createHash('sha256').update(body).digest('hex') !== h.sha256)
    throw new Error('its contents do not match their checksum (damaged)');
  const section = (at: Section | undefined, expected: number, what: string): Buffer => {
    if (!at || !isInt(at.offset) || !isInt(at.length) || at.offset + at.length > body.byteLength)
      throw new Error(`the ${what} lies outside the file`);
    if (at.length !== expected) throw new Error(`the ${what} has ${at.length} bytes, expected ${expected}`);
    return body.subarray(at.offset, at.offset + at.length);
  };
  const plane = (m: Header['mask'], what: string): SessionRecord['mask'] => {
    if (m === null || m === undefined) return null;
    if (!isInt(m.width, 1) || !isInt(m.height, 1)) throw new Error(`the ${what} has no valid size`);
    const b = section(m.at, m.width * m.height, what);
    return { width: m.width, height: m.height, data: new Uint8Array(b).buffer };
  };
  const rec: DiskSessionRecord = {
    imageId: h.imageId,
    mask: plane(h.mask, 'mask'),
    sampling: plane(h.sampling, 'sampling area'),
    state: h.state,
  };
  if (h.imagePath !== undefined) rec.imagePath = h.imagePath;
  if (h.history !== undefined) {
    const hs = h.history;
    if (!Array.isArray(hs?.patches) || !isInt(hs.step) || hs.step > hs.patches.length)
      throw new Error('its applied steps are not valid');
    rec.history = {
      step: hs.step,
      patches: hs.patches.map((p, i) => {
        const b = p.box;
        if (typeof p.label !== 'string') throw new Error(`applied step ${i + 1} has no label`);
        if (
          b !== null &&
          !(isInt(b?.x0) && isInt(b.y0) && isInt(b.x1) && isInt(b.y1) && b.x1 > b.x0 && b.y1 > b.y0)
        )
          throw new Error(`applied step ${i + 1} has no valid box`);
        const floats = b ? (b.x1 - b.x0) * (b.y1 - b.y0) * 3 : 0;
        const px = section(p.at, floats * 4, `pixels of applied step ${i + 1}`);
        const copy = new Uint8Array(px);
        return { label: p.label, box: b, pixels: new Float32Array(copy.buffer, 0, floats) };
      }),
    };
  }
  return rec;
}

/**
 * Reads the session kept in `file`: null when there is none.
 * @throws StudioError IO naming the file and what is wrong; a damaged file is first renamed to
 *   `<file>.corrupt` (when that fails it stays in place) so that the next save does not overwrite it.
 */
export async function readSessionFile(file: string): Promise<DiskSessionRecord | null> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StudioError('IO', `Cannot read the saved session ${file}: ${describeFsError(e, file)}`, {
      cause: e,
    });
  }
  try {
    return decodeSession(bytes);
  } catch (e) {
    const aside = `${file}.corrupt`;
    const kept = await fs.rename(file, aside).then(
      () => `it was kept as ${aside}`,
      () => 'it was left in place',
    );
    throw new StudioError(
      'IO',
      `Cannot read the saved session ${file}: ${(e as Error).message}; ${kept}, and the editor starts with no session`,
      { cause: e },
    );
  }
}

export interface FileSessionKeeperOptions {
  /** Writes the file (default writeFileAtomic with code IO). */
  write?: (file: string, data: Uint8Array) => Promise<void>;
  /** Told of a write that failed (the session stays in memory; the previous file stays readable). */
  onError?: (e: StudioError) => void;
}

type Pending = { kind: 'save'; record: DiskSessionRecord } | { kind: 'clear' };

/**
 * A SessionKeeper over a folder. save/load/clear answer at once from memory (the engine's contract is
 * synchronous); the file follows in the background, one write at a time, only the newest pending one
 * written. flush() waits for it. Build one with FileSessionKeeper.open, which reads the kept session.
 */
export class FileSessionKeeper implements SessionKeeper {
  readonly file: string;
  private record: DiskSessionRecord | null = null;
  private pending: Pending | undefined;
  private running: Promise<void> | null = null;
  private lastError: StudioError | null = null;
  private readonly write: (file: string, data: Uint8Array) => Promise<void>;

  constructor(
    readonly dir: string,
    private readonly opts: FileSessionKeeperOptions = {},
  ) {
    this.file = path.join(dir, SESSION_FILE);
    this.write = opts.write ?? ((f, d) => writeFileAtomic(f, d, 'IO'));
  }

  /**
   * A keeper over `dir` holding the session found there. `notice` is the StudioError IO of a file that
   * could not be read (the keeper then starts with no session), for the caller to show.
   */
  static async open(
    dir: string,
    opts: FileSessionKeeperOptions = {},
  ): Promise<{ keeper: FileSessionKeeper; notice: StudioError | null }> {
    const keeper = new FileSessionKeeper(dir, opts);
    try {
      keeper.record = await readSessionFile(keeper.file);
      return { keeper, notice: null };
    } catch (e) {
      return { keeper, notice: asStudioError(e, 'IO') };
    }
  }

  save(record: DiskSessionRecord): void {
    this.record = record;
    this.schedule({ kind: 'save', record });
  }

  load(): DiskSessionRecord | null {
    return this.record;
  }

  clear(): void {
    this.record = null;
    this.schedule({ kind: 'clear' });
  }

  /**
   * Waits until the file holds the newest session.
   * @throws StudioError IO when the newest write failed (the file then holds the one before).
   */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    if (this.lastError) throw this.lastError;
  }

  private schedule(p: Pending): void {
    this.pending = p;
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.pending) this.schedule(this.pending);
    });
  }

  private async drain(): Promise<void> {
    while (this.pending) {
      const p = this.pending;
      this.pending = undefined;
      try {
        if (p.kind === 'save') {
          await fs.mkdir(this.dir, { recursive: true }).catch(() => undefined);
          await this.write(this.file, encodeSession(p.record));
        } else {
          await fs.rm(this.file, { force: true }).catch((e: unknown) => {
            throw new StudioError(
              'IO',
              `Cannot remove the saved session ${this.file}: ${describeFsError(e, this.file)}`,
              { cause: e },
            );
          });
        }
        this.lastError = null;
      } catch (e) {
        this.lastError = asStudioError(e, 'IO');
        this.opts.onError?.(this.lastError);
      }
    }
  }
}
