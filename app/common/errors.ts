/**
 * Every error the engine raises on purpose is a StudioError with a machine-readable code.
 * Errors cross process boundaries as {code, message} and are rebuilt with `fromWire`;
 * nothing in the project matches on message text.
 */
export const ERROR_CODES = [
  'IMAGE_DECODE',
  'IMAGE_TOO_LARGE',
  'IMAGE_WRITE',
  /** An image (or a result) the engine freed: closed by the client, or evicted to stay in its memory budget. */
  'IMAGE_CLOSED',
  'MASK_SIZE',
  'MASK_DECODE',
  'PARAM_INVALID',
  'STAGE_UNKNOWN',
  'MODEL_MISSING',
  'MODEL_INTEGRITY',
  'MODEL_UNSUPPORTED',
  'MODEL_DOWNLOAD',
  'PROVIDER_UNAVAILABLE',
  'INFERENCE',
  'CANCELLED',
  'ENGINE_CRASHED',
  'IO',
  /** A host that takes no file paths (the browser host) refused a path-based method. */
  'PATH_REFUSED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface WireError {
  code: ErrorCode;
  message: string;
}

export class StudioError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StudioError';
    this.code = code;
  }
  toWire(): WireError {
    return { code: this.code, message: this.message };
  }
}

/** Rebuilds an error that crossed a boundary; an unknown code becomes INTERNAL. */
export function fromWire(w: WireError): StudioError {
  const code = (ERROR_CODES as readonly string[]).includes(w.code) ? w.code : 'INTERNAL';
  return new StudioError(code, w.message);
}

/** Wraps anything thrown into a StudioError, keeping StudioErrors as they are. */
export function asStudioError(e: unknown, fallback: ErrorCode = 'INTERNAL'): StudioError {
  if (e instanceof StudioError) return e;
  if (isAbortError(e)) return new StudioError('CANCELLED', 'The operation was cancelled.', { cause: e });
  const message = e instanceof Error ? e.message : String(e);
  return new StudioError(fallback, message, { cause: e });
}

export function isAbortError(e: unknown): boolean {
  return (
    (e instanceof StudioError && e.code === 'CANCELLED') ||
    (e instanceof Error && (e.name === 'AbortError' || e.name === 'TimeoutError'))
  );
}

/** Throws CANCELLED when the signal has fired. Call between steps of any long loop. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new StudioError('CANCELLED', 'The operation was cancelled.');
}

/** CLI exit codes: 0 ok, 2 bad input, 3 missing model, 1 anything else. */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'IMAGE_DECODE':
    case 'IMAGE_TOO_LARGE':
    case 'IMAGE_CLOSED':
    case 'PATH_REFUSED':
    case 'MASK_SIZE':
    case 'MASK_DECODE':
    case 'PARAM_INVALID':
    case 'STAGE_UNKNOWN':
    case 'MODEL_UNSUPPORTED':
      return 2;
    case 'MODEL_MISSING':
    case 'MODEL_INTEGRITY':
      return 3;
    default:
      return 1;
  }
}

/** Describes a received value the way messages quote it: `"abc"`, `-1`, `undefined`. */
export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
