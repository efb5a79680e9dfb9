/**
 * Turns raster pixels into an ImageBitmap off the page's main thread: allocating and filling a 17.9 MP
 * canvas on the main thread took about a second, during which input stalled. The page posts
 * {id, width, height, rgba} with rgba transferred, and gets {id, bitmap, rgba} or {id, error, rgba}, both
 * transferred back.
 */
export interface RasterJob {
  id: number;
  width: number;
  height: number;
  rgba: ArrayBuffer;
}
/** The pixels' buffer comes back (transferred both ways: copying 72 MB into a message took seconds). */
export type RasterReply =
  { id: number; bitmap: ImageBitmap; rgba: ArrayBuffer } | { id: number; error: string; rgba: ArrayBuffer };

interface WorkerScope {
  onmessage: ((e: MessageEvent<RasterJob>) => void) | null;
  postMessage(message: RasterReply, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (e) => {
  const { id, width, height, rgba } = e.data;
  try {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D context in the worker');
    ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
    const bitmap = canvas.transferToImageBitmap();
    scope.postMessage({ id, bitmap, rgba } satisfies RasterReply, [bitmap, rgba]);
  } catch (err) {
    scope.postMessage({ id, error: String((err as Error)?.message ?? err), rgba } satisfies RasterReply, [
      rgba,
    ]);
  }
};
