/**
 * Resumable HTTP(S) transfer of one file into a `.partial` file, with Node's own fetch: redirects
 * (Hugging Face sends a CDN address), `Range` resumption, an idle timeout, cancellation and throttled
 * progress. It knows nothing about hashes: the store checks the finished file.
 */
import { rm, stat } from 'node:fs/promises';
import { StudioError } from '../app/common/errors';
import {
  ProgressGate,
  abortError,
  cancelledDownload,
  contentLength,
  discard,
  header,
  hostOf,
  openFollowingRedirects as openRedirected,
  type Opened,
  parseByteRange,
  writeBody,
  type TransferProgress,
} from './http';

export type { TransferProgress } from './http';

export interface FetchToFileOptions {
  /** http: or https: URL. */
  url: string;
  /** The destination (`<file>.partial`). When it exists the transfer resumes after its last byte. */
  dest: string;
  /** What the transfer is called in messages (the model id). */
  label: string;
  /** The size the finished file must have; a server announcing another size fails at once. */
  expectedBytes?: number;
  signal?: AbortSignal;
  /** At most one call per `progressIntervalMs`, plus one when the transfer completes. */
  onProgress?: (p: TransferProgress) => void;
  /** Redirects followed before giving up (default 5). */
  maxRedirects?: number;
  /** Fails when the connection brings no data for this long (default 60 000 ms). */
  idleTimeoutMs?: number;
  /** Default 100 ms (10 events a second). */
  progressIntervalMs?: number;
}

export interface FetchResult {
  /** Size of the finished destination file. */
  bytes: number;
  /** Bytes that were already in the destination and kept (0 when the transfer started from zero). */
  resumedFrom: number;
  /** The address the bytes finally came from (after redirects). */
  finalUrl: string;
}

/**
 * Downloads `url` into `dest`, resuming a partial `dest` with `Range: bytes=N-`. Handles 206 (appends),
 * 200 (server ignored the range: restarts from zero), and 416 (the partial is already complete, or is
 * discarded and the transfer restarted once).
 * @throws StudioError MODEL_DOWNLOAD on network failure, HTTP errors, too many redirects or a connection
 *   that ends early (the partial file is kept for a later resume); MODEL_INTEGRITY when the server
 *   announces a size other than `expectedBytes` or sends more than that (the transfer stops at
 *   `expectedBytes` and the partial file is removed); CANCELLED when `signal`
 *   fires (the partial file is kept); IO when the destination cannot be written.
 */
export async function fetchToFile(o: FetchToFileOptions): Promise<FetchResult> {
  const gate = new ProgressGate(o.onProgress, o.progressIntervalMs ?? 100);
  let total = o.expectedBytes ?? 0;
  try {
    if (o.signal?.aborted) throw abortError();
    let offset = await sizeOf(o.dest);
    if (o.expectedBytes !== undefined && offset > o.expectedBytes) {
      await rm(o.dest, { force: true });
      offset = 0;
    }
    if (o.expectedBytes !== undefined && offset === o.expectedBytes && offset > 0) {
      gate.final({ received: offset, total });
      return { bytes: offset, resumedFrom: offset, finalUrl: o.url };
    }
    for (let restarts = 0; ; restarts++) {
      const opened = await openFollowingRedirects(o, offset);
      const { res, url } = opened;
      const status = res.status;
      if (status === 416) {
        await discard(opened);
        const announced = parseContentRange(header(res, 'content-range'))?.total;
        if (
          offset > 0 &&
          announced === offset &&
          (o.expectedBytes === undefined || offset === o.expectedBytes)
        ) {
          gate.final({ received: offset, total: offset });
          return { bytes: offset, resumedFrom: offset, finalUrl: url };
        }
        if (restarts > 0) throw new Error(`the server refused the byte range (HTTP 416)`);
        await rm(o.dest, { force: true });
        offset = 0;
        continue;
      }
      let start: number;
      let announcedTotal: number | undefined;
      if (status === 206) {
        const range = parseContentRange(header(res, 'content-range'));
        if (!range || range.start !== offset) {
          await discard(opened);
          if (restarts > 0) throw new Error('the server sent a byte range other than the one asked for');
          await rm(o.dest, { force: true });
          offset = 0;
          continue;
        }
        start = offset;
        announcedTotal = range.total;
      } else if (status === 200) {
        start = 0; // no range, or the server ignored it: start again from zero
        announcedTotal = contentLength(res);
      } else {
        await discard(opened);
        throw new Error(`the server answered HTTP ${status}${res.statusText ? ` ${res.statusText}` : ''}`);
      }
      if (
        o.expectedBytes !== undefined &&
        announcedTotal !== undefined &&
        announcedTotal !== o.expectedBytes
      ) {
        await discard(opened);
        await rm(o.dest, { force: true });
        throw new StudioError(
          'MODEL_INTEGRITY',
          `The server offers ${announcedTotal} bytes for ${o.label} but ${o.expectedBytes} are expected ` +
            `(${url}). Nothing was installed.`,
        );
      }
      total = o.expectedBytes ?? announcedTotal ?? 0;
      const bodyLength = contentLength(res);
      // Never write past the expected size: a chunked body (no Content-Length) that goes on is refused.
      const limit = o.expectedBytes === undefined ? Infinity : o.expectedBytes - start;
      let got: number;
      try {
        got = await writeBody(opened, o.dest, start === 0 ? 'w' : 'a', start, total, gate, limit);
      } catch (e) {
        if (!(e instanceof Error && (e as { overLimit?: boolean }).overLimit)) throw e;
        await rm(o.dest, { force: true });
        throw new StudioError(
          'MODEL_INTEGRITY',
          `The server sent more than the ${o.expectedBytes} bytes expected for ${o.label} (${url}); the ` +
            'download was stopped and deleted. Nothing was installed.',
          { cause: e },
        );
      }
      if (bodyLength !== undefined && got < bodyLength) throw new Error('the connection ended early');
      const bytes = start + got;
      gate.final({ received: bytes, total: total || bytes });
      return { bytes, resumedFrom: start, finalUrl: url };
    }
  } catch (e) {
    throw await explain(e, o, total);
  }
}

/** Sends a GET (with `Range` when `offset` > 0) and follows redirects; resolves with the final response. */
function openFollowingRedirects(o: FetchToFileOptions, offset: number): Promise<Opened> {
  return openRedirected(o.url, offset > 0 ? `bytes=${offset}-` : undefined, o);
}

/** Turns whatever went wrong into the StudioError the caller documents. */
async function explain(e: unknown, o: FetchToFileOptions, total: number): Promise<StudioError> {
  const kept = await sizeOf(o.dest);
  const of = total > 0 ? ` of ${total}` : '';
  if (o.signal?.aborted || (e instanceof StudioError && e.code === 'CANCELLED')) {
    return cancelledDownload(o.label, `${kept}${of}`, e);
  }
  if (e instanceof StudioError) return e;
  const reason = e instanceof Error ? e.message : String(e);
  if (e instanceof Error && (e as { writing?: boolean }).writing) {
    return new StudioError('IO', `Could not write the download of ${o.label} to ${o.dest}: ${reason}`, {
      cause: e,
    });
  }
  const host = hostOf(o.url);
  const resume =
    kept > 0
      ? `The ${kept}${of} bytes received are kept; run the download again to resume it.`
      : 'Run the download again to retry.';
  return new StudioError(
    'MODEL_DOWNLOAD',
    `Download of ${o.label} from ${host} failed: ${reason}. ${resume}`,
    {
      cause: e,
    },
  );
}

async function sizeOf(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch {
    return 0;
  }
}

/** Parses a Content-Range value: `bytes 100-199/1000` gives start and total; `bytes *\/1000` (416) gives the total only. */
export function parseContentRange(v: string | undefined): { start?: number; total?: number } | undefined {
  const r = parseByteRange(v);
  return r && { start: r.start, total: r.total };
}
