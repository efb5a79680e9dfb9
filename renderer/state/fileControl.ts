/**
 * Opening and exporting wherever the editor runs. In Electron, window.studio has the shell's native
 * dialogs: Open asks main's open dialog for a path (which main's allow-list then lets the engine read),
 * Export asks its save dialog and the engine writes the file; dropped files and Open Recent arrive as
 * paths main granted (onFileDropped, onOpenFile). In a browser there are no paths: the page registers a
 * file picker and a download (PageFiles), a dropped file is opened from its bytes, and no method that
 * takes a path (PATH_METHODS, refused by the browser host) is called.
 */
import type { StudioApi } from '../../app/contract/schemas';
import type { EditorCore, EncodedFile } from './editorState';
import { wireError } from './editorState';
import { exportTarget } from './exportControl';
import { engineExportOptions } from './exportSettings';

/** What the page offers where there are no native dialogs (the browser host). */
export interface PageFiles {
  /** Lets the user pick an image (a file input); the page opens it with the editor's openImageData. */
  pickImage(): void;
  /** Saves an encoded file (a download). */
  save(file: EncodedFile): void;
}

/** A dropped file as the page sees it: its name and, on demand, its bytes. */
export interface DroppedFile {
  name: string;
  bytes(): Promise<ArrayBuffer>;
}

type Shell = Pick<StudioApi, 'showOpenDialog' | 'showSaveDialog'>;

/** The shell's dialogs when the engine connection has them (Electron's window.studio), else null. */
export function shellOf(api: unknown): Shell | null {
  const a = api as Partial<Shell> | null;
  return typeof a?.showOpenDialog === 'function' && typeof a.showSaveDialog === 'function'
    ? (a as Shell)
    : null;
}

/** Image files the engine opens, by name. */
const IMAGE_NAME = /\.(png|jpe?g|webp|tiff?|avif|gif)$/i;
/** Extensions the engine writes (it picks the format from them). */
const EXPORT_NAME = /\.(png|jpe?g|webp|tiff?)$/i;

/** The format an export name's extension stands for ("a.JPG" → jpeg). */
function formatOfName(name: string): string {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return ext === 'jpg' ? 'jpeg' : ext === 'tif' ? 'tiff' : ext;
}

export function isImageName(name: string): boolean {
  return IMAGE_NAME.test(name);
}

/** The file name in a path (either separator). */
function fileName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/** "photo.jpg" + png → "photo-inpainted.png". */
export function exportName(imageName: string, format: string): string {
  const i = imageName.lastIndexOf('.');
  const base = i > 0 ? imageName.slice(0, i) : imageName;
  const ext = format === 'jpeg' ? 'jpg' : format === 'tiff' ? 'tif' : format;
  return `${base}-inpainted.${ext}`;
}

export class FileControl {
  private page: PageFiles | null = null;

  constructor(
    private readonly core: EditorCore,
    private readonly openPath: (path: string) => Promise<void>,
    private readonly openData: (name: string, bytes: ArrayBuffer) => Promise<void>,
    private readonly encode: () => Promise<EncodedFile | null>,
  ) {}

  setPageFiles(page: PageFiles | null): void {
    this.page = page;
  }

  /** Whether files are chosen with native dialogs and opened by path (Electron). */
  get hasDialogs(): boolean {
    return shellOf(this.core.api) !== null;
  }

  /** Open: the native dialog, else the page's file picker. */
  async open(): Promise<void> {
    const shell = shellOf(this.core.api);
    if (!shell) {
      if (this.page) this.page.pickImage();
      else this.core.notify('error', 'This page cannot open files.');
      return;
    }
    try {
      const { path } = await shell.showOpenDialog({ kind: 'image' });
      if (path) await this.openPath(path);
    } catch (e) {
      this.core.notify('error', wireError(e).message);
    }
  }

  /**
   * A path main granted (a drop on the window, Open Recent, a file the system handed the app). Only
   * Electron opens by path: in a browser the host refuses paths, so the page never sends one.
   */
  async openGranted(path: string): Promise<void> {
    if (!this.hasDialogs) {
      this.core.notify(
        'error',
        `This page cannot open files by path (${fileName(path)}): use Open or drop the file here.`,
      );
      return;
    }
    if (!isImageName(path)) {
      this.core.notify(
        'error',
        `${fileName(path)} is not an image Inpaint Studio opens (PNG, JPEG, WebP, TIFF, AVIF, GIF).`,
      );
      return;
    }
    await this.openPath(path);
  }

  /**
   * A file dropped on the page. In Electron the preload hands its path to main, which grants it and sends
   * onFileDropped, so the page does nothing here; in a browser it opens from its bytes.
   * @param file the first image of the drop, or null when it held none.
   */
  async drop(file: DroppedFile | null): Promise<void> {
    if (this.hasDialogs) return;
    if (!file) {
      this.core.notify('error', 'Drop an image file (PNG, JPEG, WebP, TIFF, AVIF, GIF).');
      return;
    }
    let bytes: ArrayBuffer;
    try {
      bytes = await file.bytes();
    } catch {
      // Gone since the drag began, or a folder named like an image: say so rather than fail silently.
      this.core.notify('error', `${file.name} could not be read.`);
      return;
    }
    await this.openData(file.name, bytes);
  }

  /**
   * Export: the native save dialog and the engine writes the file (full resolution, metadata kept), else
   * the engine encodes it and the page downloads it.
   */
  async exportResult(): Promise<void> {
    const shell = shellOf(this.core.api);
    if (!shell) {
      const file = await this.encode();
      if (!file) return;
      if (this.page) {
        this.page.save(file);
        this.core.update({ unsaved: false });
      } else this.core.notify('error', 'This page cannot save files.');
      return;
    }
    const { doc, exportFormat } = this.core.state;
    const api = this.core.api;
    const target = exportTarget(this.core.state);
    if (!api || !target || !doc) {
      this.core.notify('info', 'Run the pipeline first, then export its result.');
      return;
    }
    try {
      const { path } = await shell.showSaveDialog({ suggestedName: exportName(doc.name, exportFormat) });
      if (!path) return;
      this.core.update({ busy: 'Exporting…' });
      const r = await api.exportImage({
        ...target,
        path,
        // The engine takes the format from the extension; without one, the chosen format.
        ...(EXPORT_NAME.test(path) ? {} : { format: exportFormat }),
        // As the browser's export (encodeResult): the export dialog's quality, profile and location.
        ...engineExportOptions(
          EXPORT_NAME.test(path) ? formatOfName(path) : exportFormat,
          this.core.state.exportOptions,
          doc.quality,
        ),
      });
      this.core.update({
        busy: null,
        unsaved: false,
        notice: { kind: 'info', text: `Exported ${fileName(r.path)}` },
      });
    } catch (e) {
      this.core.update({ busy: null, notice: { kind: 'error', text: wireError(e).message } });
    }
  }
}
