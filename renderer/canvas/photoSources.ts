/**
 * The rasters the photo layer shows: the base image ("before") and the result or live preview ("after"),
 * each uploaded into a drawable in strips or a worker without blocking input (a 17.9 MP photo is 72 MB
 * of pixels). While a new raster uploads the previous one stays on screen; an upload that is no longer
 * the latest stops between strips.
 */
import { RasterUploader, type Drawable, type RasterLike } from './rasters';

export class PhotoSources {
  before: Drawable | null = null;
  after: Drawable | null = null;
  /** Whether `before` is shown (false from a new image until its first upload completes). */
  beforeShown = false;
  /** Bumped whenever what the photo layer shows changes. */
  version = 0;
  private beforeToken = 0;
  private afterToken = 0;
  private readonly uploader = new RasterUploader();

  /** `ready` is called when an upload completes (the adapter draws a frame). */
  constructor(private readonly ready: () => void) {}

  /** Hides the before raster until the next one is in (a new image, not a new base of the same one). */
  hideBefore(): void {
    this.beforeShown = false;
    this.version++;
  }

  /** Uploads a new base; `done` runs once it is shown (not when a later upload superseded it). */
  loadBefore(raster: RasterLike, done: () => void): void {
    const token = ++this.beforeToken;
    void this.uploader
      .upload(raster, () => token !== this.beforeToken)
      .then((drawable) => {
        if (!drawable || token !== this.beforeToken) return;
        close(this.before);
        this.before = drawable;
        this.beforeShown = true;
        this.version++;
        done();
        this.ready();
      });
  }

  /** Uploads a result or preview, or (null) shows none at once; `done` runs once it is shown. */
  loadAfter(raster: RasterLike | null, done: () => void): void {
    const token = ++this.afterToken;
    if (!raster) {
      close(this.after);
      this.after = null;
      this.version++;
      done();
      return;
    }
    void this.uploader
      .upload(raster, () => token !== this.afterToken)
      .then((drawable) => {
        if (!drawable || token !== this.afterToken) return;
        close(this.after);
        this.after = drawable;
        this.version++;
        done();
        this.ready();
      });
  }

  dispose(): void {
    this.beforeToken++;
    this.afterToken++;
    this.uploader.dispose();
    close(this.before);
    close(this.after);
    this.before = this.after = null;
  }
}

function close(d: Drawable | null): void {
  if (typeof ImageBitmap !== 'undefined' && d instanceof ImageBitmap) d.close();
}
