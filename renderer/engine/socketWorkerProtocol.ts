/** Messages between the page and the socket worker (socketWorker.ts). */
export type ToSocketWorker =
  { kind: 'open'; url: string } | { kind: 'send'; message: unknown } | { kind: 'close' };

export type FromSocketWorker =
  { kind: 'open' } | { kind: 'message'; message: unknown } | { kind: 'close'; reason: string };
