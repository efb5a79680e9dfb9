/**
 * Binary framing for transports that cannot carry ArrayBuffers natively (the browser host's WebSocket):
 * one frame = [u32 JSON length][JSON][u32 length, bytes]... where each ArrayBuffer in the message is
 * replaced in the JSON by {"$buf": index}. (A MessagePort carries ArrayBuffers as transferables instead.)
 */
import { StudioError } from '../common/errors';

const BUF = '$buf';

function extract(v: unknown, bufs: ArrayBuffer[]): unknown {
  if (v instanceof ArrayBuffer) {
    bufs.push(v);
    return { [BUF]: bufs.length - 1 };
  }
  if (ArrayBuffer.isView(v))
    throw new StudioError('INTERNAL', 'Send pixels as ArrayBuffer, not as a typed-array view');
  if (Array.isArray(v)) return v.map((x) => extract(x, bufs));
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) o[k] = extract(x, bufs);
    return o;
  }
  return v;
}

function restore(v: unknown, bufs: ArrayBuffer[]): unknown {
  if (Array.isArray(v)) return v.map((x) => restore(x, bufs));
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === BUF) {
      const i = o[BUF];
      if (typeof i !== 'number' || !bufs[i])
        throw new StudioError('PARAM_INVALID', 'Malformed frame: bad buffer reference');
      return bufs[i];
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = restore(o[k], bufs);
    return out;
  }
  return v;
}

/**
 * The largest message the browser host's socket accepts: the largest image the engine opens (MAX_PIXELS,
 * 100 megapixels, in app/image/load.ts) as RGBA bytes, and 1 MiB for the frame's JSON and lengths. A
 * larger frame closes the socket (WebSocket code 1009), so the page checks before sending
 * (checkMessageSize).
 */
export const MAX_MESSAGE_BYTES = 100_000_000 * 4 + 1024 * 1024;

/** The bytes of the ArrayBuffers a message carries. */
export function attachedBytes(v: unknown): number {
  if (v instanceof ArrayBuffer) return v.byteLength;
  if (Array.isArray(v)) return v.reduce((s: number, x) => s + attachedBytes(x), 0);
  if (v && typeof v === 'object') return Object.values(v).reduce((s: number, x) => s + attachedBytes(x), 0);
  return 0;
}

/**
 * Refuses, before it is sent, a request whose files or pixels would not fit in one socket message.
 * @throws StudioError IMAGE_TOO_LARGE (openImageData) or PARAM_INVALID (any other method), naming the
 *   size and the limit.
 */
export function checkMessageSize(message: { method?: unknown; params?: unknown }): void {
  const bytes = attachedBytes(message);
  const limit = MAX_MESSAGE_BYTES - 1024 * 1024;
  if (bytes <= limit) return;
  const mib = (n: number) => `${Math.ceil(n / 2 ** 20)} MiB`;
  const method = typeof message.method === 'string' ? message.method : 'this request';
  throw new StudioError(
    method === 'openImageData' ? 'IMAGE_TOO_LARGE' : 'PARAM_INVALID',
    `Expected at most ${mib(limit)} of data for ${method} (the browser host's limit: an image of up to ` +
      `100 megapixels) but received ${mib(bytes)}`,
  );
}

/** Encodes a message (any JSON-like value holding ArrayBuffers) into one binary frame. */
export function encodeFrame(message: unknown): ArrayBuffer {
  const bufs: ArrayBuffer[] = [];
  const json = new TextEncoder().encode(JSON.stringify(extract(message, bufs)));
  const total = 4 + json.byteLength + bufs.reduce((s, b) => s + 4 + b.byteLength, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.byteLength, true);
  out.set(json, 4);
  let at = 4 + json.byteLength;
  for (const b of bufs) {
    view.setUint32(at, b.byteLength, true);
    out.set(new Uint8Array(b), at + 4);
    at += 4 + b.byteLength;
  }
  return out.buffer;
}

/** Decodes a frame. @throws StudioError PARAM_INVALID when the frame is malformed. */
export function decodeFrame(frame: ArrayBuffer | Uint8Array): unknown {
  const bytes = frame instanceof Uint8Array ? frame : new Uint8Array(frame);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = () => new StudioError('PARAM_INVALID', 'Malformed frame: lengths do not add up');
  if (bytes.byteLength < 4) throw bad();
  const jsonLen = view.getUint32(0, true);
  if (4 + jsonLen > bytes.byteLength) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + jsonLen)));
  } catch {
    throw new StudioError('PARAM_INVALID', 'Malformed frame: the header is not JSON');
  }
  const bufs: ArrayBuffer[] = [];
  let at = 4 + jsonLen;
  while (at < bytes.byteLength) {
    if (at + 4 > bytes.byteLength) throw bad();
    const len = view.getUint32(at, true);
    if (at + 4 + len > bytes.byteLength) throw bad();
    // Copy (a Node Buffer's slice is a view into a shared pool).
    bufs.push(new Uint8Array(bytes.subarray(at + 4, at + 4 + len)).buffer);
    at += 4 + len;
  }
  return restore(parsed, bufs);
}
