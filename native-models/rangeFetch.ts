/**
 * Fetches a few tensors out of a remote safetensors file with HTTP Range requests: the file's first bytes
 * (the header length and, usually, the whole header), the rest of the header when it is longer, then only
 * the required tensors' byte ranges, near-adjacent ones merged into one request. The fetched ranges are
 * appended to a `.partial` file, described by a `.partial.json` plan, so an interrupted fetch resumes
 * where it stopped (also within one call: a failed range is retried). It knows nothing about hashes: the
 * store checks the tensors it returns.
 *
 * A server that ignores Range (answers 200 with the whole file) is refused at once: the whole file is
 * 10-15 times what is needed (575 MB for 42 MB of VGG19), and downloading it silently on a metered or
 * slow link is worse than a clear error that names the two ways out (a mirror that honours Range, or
 * `models import` of a file the user downloads).
 */
import { createHash } from 'node:crypto';
import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { StudioError } from '../app/common/errors';
import {
  ProgressGate,
  abortError,
  cancelledDownload,
  discard,
  header,
  hostOf,
  openFollowingRedirects,
  type Opened,
  parseByteRange,
  readBody,
  writeBody,
  type RequestOptions,
  type TransferProgress,
} from './http';
import { parseSafetensorsHeader, readHeaderLength, type TensorData } from './safetensors';
import { matchTensors, type TensorRequirement } from './tensorContent';

export interface RangeFetchOptions extends RequestOptions {
  /** The safetensors file (http: or https:). */
  url: string;
  /** Where the fetched ranges go; `<partial>.json` holds the plan they follow. */
  partial: string;
  /** What the transfer is called in messages (the model id). */
  label: string;
  /** The tensors to fetch. */
  required: readonly TensorRequirement[];
  /** What they are, for messages. */
  what: string;
  /** The source file's exact size, when known: a server announcing another size is refused. */
  expectedSourceBytes?: number | null;
  /** At most one call per `progressIntervalMs` (default 100), plus one when the transfer completes. */
  onProgress?: (p: TransferProgress) => void;
  progressIntervalMs?: number;
  /** Ranges at most this far apart are fetched as one request (default 1 MiB). */
  mergeGapBytes?: number;
  /** Size of the first request, which holds the header length and usually the header (default 64 KiB). */
  prefixBytes?: number;
  /** Times a failed request is retried within this call, resuming where it stopped (default 2). */
  retries?: number;
  /** Wait before retry k: k x this (default 500 ms). */
  retryDelayMs?: number;
}

export interface RangeFetchResult {
  /** The required tensors, in the required order. */
  tensors: TensorData[];
  /** Size of the remote file. */
  sourceBytes: number;
  /** Bytes of tensor ranges (merged) this fetch holds, resumed bytes included. */
  rangeBytes: number;
  /** Bytes that were already in the partial file and kept. */
  resumedFrom: number;
}

/** A byte range of the remote file, end exclusive, and where it sits in the partial file. */
export interface PlannedRange {
  start: number;
  end: number;
  at: number;
}

interface Plan {
  version: 1;
  url: string;
  sourceBytes: number;
  headerSha256: string;
  ranges: PlannedRange[];
}

/**
 * Merges byte ranges (end exclusive) that overlap or lie at most `gap` bytes apart, sorted by start,
 * and gives each its offset in the concatenation.
 */
export function planRanges(ranges: readonly { start: number; end: number }[], gap: number): PlannedRange[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.start - last.end <= gap) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  let at = 0;
  return merged.map((r) => {
    const p = { ...r, at };
    at += r.end - r.start;
    return p;
  });
}

/** A failure that retrying will not fix (an HTTP 4xx, a wrong Content-Range); `discard`: the fetched ranges are stale. */
class FatalTransfer extends Error {
  constructor(
    message: string,
    readonly discard = false,
  ) {
    super(message);
  }
}

/**
 * Fetches `required` out of the safetensors file at `url` (see the module comment).
 * @throws StudioError MODEL_DOWNLOAD on network failure, HTTP errors, a server that ignores Range or sends
 *   other ranges than asked for (fetched ranges are kept for a resume unless they can no longer be
 *   trusted); MODEL_INTEGRITY when the header is malformed, lacks a required tensor or has another
 *   dtype or shape for one, or the file has another size than `expectedSourceBytes` (the partial file is
 *   removed); CANCELLED when `signal` fires (kept); IO when the partial file cannot be written.
 */
export async function fetchTensorRanges(o: RangeFetchOptions): Promise<RangeFetchResult> {
  const gate = new ProgressGate(o.onProgress, o.progressIntervalMs ?? 100);
  const planFile = `${o.partial}.json`;
  let total = 0;
  try {
    if (o.signal?.aborted) throw abortError();
    const { prefix, sourceBytes } = await withRetries(o, () => fetchPrefix(o));
    const where = `the file at ${o.url}`;
    const headerBytes = readHeaderLength(prefix, where, sourceBytes);
    let head = prefix;
    if (prefix.length < 8 + headerBytes) {
      const rest = await withRetries(o, () =>
        fetchSmallRange(o, prefix.length, 8 + headerBytes, sourceBytes),
      );
      head = Buffer.concat([prefix, rest]);
    }
    head = head.subarray(0, 8 + headerBytes);
    const header = parseSafetensorsHeader(head, where, sourceBytes);
    const infos = matchTensors(header, o.required, where, o.what);
    const ranges = planRanges(
      infos.map((t) => ({ start: header.dataStart + t.begin, end: header.dataStart + t.end })),
      o.mergeGapBytes ?? 1 << 20,
    );
    const plan: Plan = {
      version: 1,
      url: o.url,
      sourceBytes,
      headerSha256: createHash('sha256').update(head).digest('hex'),
      ranges,
    };
    total = ranges.reduce((s, r) => s + (r.end - r.start), 0);
    const resumedFrom = await preparePartial(o.partial, planFile, plan, total);
    for (const r of ranges) {
      await withRetries(o, async () => {
        const done = await sizeOf(o.partial);
        if (done >= r.at + (r.end - r.start)) return;
        if (done < r.at) {
          throw new FatalTransfer(`the partial file ${o.partial} is shorter than its plan`, true);
        }
        await fetchRangeInto(o, r.start + (done - r.at), r.end, sourceBytes, done, total, gate);
      });
    }
    const tensors = await readPlanned(o.partial, infos, ranges, header.dataStart);
    gate.final({ received: total, total });
    return { tensors, sourceBytes, rangeBytes: total, resumedFrom };
  } catch (e) {
    throw await explain(e, o, total, planFile);
  }
}

/** Keeps the partial file when its plan is this one, else starts it again; returns the bytes kept. */
async function preparePartial(partial: string, planFile: string, plan: Plan, total: number): Promise<number> {
  const kept = await sizeOf(partial);
  if (kept > 0) {
    if (kept <= total && (await samePlan(planFile, plan))) return kept;
    await rm(partial, { force: true });
  }
  await writeFile(planFile, JSON.stringify(plan) + '\n', 'utf8');
  return 0;
}

/** True when `planFile` holds `plan`, whatever its URL (a mirror with the same bytes may resume another's download). */
async function samePlan(planFile: string, plan: Plan): Promise<boolean> {
  const { url: _url, ...key } = plan;
  try {
    const { url: _previousUrl, ...previous } = JSON.parse(await readFile(planFile, 'utf8')) as Plan;
    return JSON.stringify(previous) === JSON.stringify(key);
  } catch {
    return false;
  }
}

/** GET bytes 0..prefixBytes-1: the header length, usually the header, and the file's size. */
async function fetchPrefix(o: RangeFetchOptions): Promise<{ prefix: Buffer; sourceBytes: number }> {
  const want = o.prefixBytes ?? 64 * 1024;
  const opened = await openRange(o, 0, want);
  const range = parseByteRange(header(opened.res, 'content-range'));
  if (range?.total === undefined || range.start !== 0 || range.end === undefined) {
    await discard(opened);
    throw new FatalTransfer(
      `the server's answer to a byte-range request has no usable Content-Range ` +
        `(${JSON.stringify(header(opened.res, 'content-range') ?? null)})`,
    );
  }
  const sourceBytes = range.total;
  if (o.expectedSourceBytes != null && sourceBytes !== o.expectedSourceBytes) {
    await discard(opened);
    throw new StudioError(
      'MODEL_INTEGRITY',
      `The server offers ${sourceBytes} bytes for ${o.label}'s source file but ${o.expectedSourceBytes} are ` +
        `expected (${o.url}). Nothing was installed.`,
    );
  }
  const prefix = await readBody(opened, range.end + 1);
  if (prefix.length !== range.end + 1) throw new Error('the connection ended early');
  return { prefix, sourceBytes };
}

/** GET [start, end) into memory (the rest of a long header). */
async function fetchSmallRange(
  o: RangeFetchOptions,
  start: number,
  end: number,
  sourceBytes: number,
): Promise<Buffer> {
  const opened = await openRange(o, start, end);
  await checkContentRange(opened, start, end, sourceBytes);
  const body = await readBody(opened, end - start);
  if (body.length !== end - start) throw new Error('the connection ended early');
  return body;
}

/** GET [start, end) appended to the partial file. */
async function fetchRangeInto(
  o: RangeFetchOptions,
  start: number,
  end: number,
  sourceBytes: number,
  done: number,
  total: number,
  gate: ProgressGate,
): Promise<void> {
  const opened = await openRange(o, start, end);
  await checkContentRange(opened, start, end, sourceBytes);
  const got = await writeBody(opened, o.partial, 'a', done, total, gate, end - start);
  if (got !== end - start) throw new Error('the connection ended early');
}

/** Sends `Range: bytes=start-(end-1)` and insists on a 206 answer. */
async function openRange(o: RangeFetchOptions, start: number, end: number): Promise<Opened> {
  const opened = await openFollowingRedirects(o.url, `bytes=${start}-${end - 1}`, o);
  const { res, url } = opened;
  const status = res.status;
  if (status === 206) return opened;
  await discard(opened);
  if (status === 200) {
    throw new StudioError(
      'MODEL_DOWNLOAD',
      `The server at ${hostOf(url)} ignored the byte-range request for ${o.label} and answered with the ` +
        `whole file (HTTP 200). ${o.label} needs only ${o.what} out of it, so the download stopped rather ` +
        `than fetch the whole file. Use a server that supports HTTP Range requests (--url), or download ` +
        `${o.url} yourself and run \`inpaint-studio models import ${o.label} <file>\`.`,
    );
  }
  const message = `the server answered HTTP ${status}${res.statusText ? ` ${res.statusText}` : ''}`;
  throw status >= 400 && status < 500 && status !== 408 && status !== 429
    ? new FatalTransfer(message)
    : new Error(message);
}

async function checkContentRange(
  opened: Opened,
  start: number,
  end: number,
  sourceBytes: number,
): Promise<void> {
  const r = parseByteRange(header(opened.res, 'content-range'));
  if (r?.start !== start || r.end !== end - 1) {
    await discard(opened);
    throw new FatalTransfer(
      `the server sent the byte range ${JSON.stringify(header(opened.res, 'content-range') ?? null)} for ` +
        `bytes=${start}-${end - 1}`,
    );
  }
  if (r.total !== undefined && r.total !== sourceBytes) {
    await discard(opened);
    throw new FatalTransfer(
      `the file changed size during the download (${sourceBytes} bytes, now ${r.total}); the bytes ` +
        'fetched so far were discarded',
      true,
    );
  }
}

/** Runs `step`, retrying network failures `o.retries` times (default 2) with a growing delay. */
async function withRetries<T>(o: RangeFetchOptions, step: () => Promise<T>): Promise<T> {
  const retries = o.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    try {
      return await step();
    } catch (e) {
      const retryable =
        !(e instanceof StudioError) &&
        !(e instanceof FatalTransfer) &&
        !(e instanceof Error && (e.name === 'AbortError' || (e as { writing?: boolean }).writing)) &&
        !o.signal?.aborted;
      if (!retryable || attempt >= retries) throw e;
      await delay((attempt + 1) * (o.retryDelayMs ?? 500), o.signal);
    }
  }
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Reads each tensor back out of the partial file, where the plan put its range. */
async function readPlanned(
  partial: string,
  infos: readonly { name: string; dtype: TensorData['dtype']; shape: number[]; begin: number; end: number }[],
  ranges: readonly PlannedRange[],
  dataStart: number,
): Promise<TensorData[]> {
  const fh = await open(partial, 'r');
  try {
    const out: TensorData[] = [];
    for (const t of infos) {
      const abs = dataStart + t.begin;
      const r = ranges.find((p) => p.start <= abs && dataStart + t.end <= p.end);
      if (!r) throw new StudioError('INTERNAL', `No planned range holds tensor ${t.name}.`);
      const data = Buffer.alloc(t.end - t.begin);
      const { bytesRead } = await fh.read(data, 0, data.length, r.at + (abs - r.start));
      if (bytesRead !== data.length) throw new Error(`the partial file ${partial} is shorter than its plan`);
      out.push({ name: t.name, dtype: t.dtype, shape: t.shape, data });
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** Turns whatever went wrong into the StudioError the caller documents, dropping what cannot be resumed. */
async function explain(
  e: unknown,
  o: RangeFetchOptions,
  total: number,
  planFile: string,
): Promise<StudioError> {
  const drop = async (): Promise<void> => {
    await rm(o.partial, { force: true });
    await rm(planFile, { force: true });
  };
  const kept = await sizeOf(o.partial);
  const of = total > 0 ? ` of ${total}` : '';
  if (o.signal?.aborted || (e instanceof StudioError && e.code === 'CANCELLED')) {
    return cancelledDownload(o.label, `${kept}${of}`, e);
  }
  if (e instanceof StudioError) {
    if (e.code === 'MODEL_INTEGRITY') await drop();
    return e;
  }
  const reason = e instanceof Error ? e.message : String(e);
  if (e instanceof Error && (e as { writing?: boolean }).writing) {
    return new StudioError('IO', `Could not write the download of ${o.label} to ${o.partial}: ${reason}`, {
      cause: e,
    });
  }
  if (e instanceof FatalTransfer && e.discard) await drop();
  const left = await sizeOf(o.partial);
  const resume =
    left > 0
      ? `The ${left}${of} bytes received are kept; run the download again to resume it.`
      : 'Run the download again to retry.';
  return new StudioError(
    'MODEL_DOWNLOAD',
    `Download of ${o.label} from ${hostOf(o.url)} failed: ${reason}. ${resume}`,
    { cause: e },
  );
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}
