/**
 * Images main asks the renderer to open (Open Recent, a file the operating system hands the app: macOS's
 * open-file, a path on the command line). They can arrive before the page has loaded, so they wait until
 * it has; the editor holds one image, so only the latest waiting one is delivered. Plain Node.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/** Extensions of the images the engine opens (the open dialog's filter too). */
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'tif', 'tiff', 'avif', 'gif'] as const;

export function isImagePath(file: string): boolean {
  const ext = path.extname(file).slice(1).toLowerCase();
  return (IMAGE_EXTENSIONS as readonly string[]).includes(ext);
}

/**
 * The image files named on a command line (`inpaint-studio photo.jpg`, or a file opened with the app on
 * Windows and Linux): arguments after the executable that are existing image files; options and the
 * app's own folder (`electron .`) are skipped.
 */
export function imagePathsInArgv(argv: readonly string[], cwd = process.cwd()): string[] {
  const out: string[] = [];
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-') || !isImagePath(arg)) continue;
    const p = path.resolve(cwd, arg);
    try {
      if (existsSync(p) && statSync(p).isFile()) out.push(p);
    } catch {
      // unreadable: not ours to open
    }
  }
  return out;
}

export class PendingOpens {
  private loaded = false;
  private waiting: string | null = null;

  /** @param deliver grants the path and sends it to the page (main.ts). */
  constructor(private readonly deliver: (file: string) => void) {}

  /** Opens `file` now if the page is loaded, else once it is. */
  open(file: string): void {
    if (this.loaded) this.deliver(file);
    else this.waiting = file;
  }

  /** The page finished loading: it listens now. */
  pageLoaded(): void {
    this.loaded = true;
    const w = this.waiting;
    this.waiting = null;
    if (w) this.deliver(w);
  }

  /** The page is (re)loading: hold what arrives until it has. */
  pageLoading(): void {
    this.loaded = false;
  }
}
