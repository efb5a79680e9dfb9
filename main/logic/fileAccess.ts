/**
 * The renderer may read and write only files the user chose: a path enters the allow-list when it comes
 * back from an open or save dialog, or from a drop; anything else is refused. Paths are compared
 * resolved, so `a/../b` tricks do not widen a grant.
 */
import path from 'node:path';
import { StudioError } from '../../app/common/errors';

export type AccessMode = 'read' | 'write';

export class FileAccess {
  private readonly read = new Set<string>();
  private readonly write = new Set<string>();

  /** Grants access to a path the user chose (open dialog or drop: read; save dialog: write). */
  grant(file: string, mode: AccessMode): void {
    (mode === 'read' ? this.read : this.write).add(path.resolve(file));
  }

  allowed(file: string, mode: AccessMode): boolean {
    return (mode === 'read' ? this.read : this.write).has(path.resolve(file));
  }

  /** @throws StudioError IO naming the path when the user did not choose it. */
  check(file: string, mode: AccessMode): void {
    if (!this.allowed(file, mode)) {
      throw new StudioError(
        'IO',
        `Access to ${file} for ${mode === 'read' ? 'reading' : 'writing'} was not granted: choose the file in a dialog or drop it on the window`,
      );
    }
  }
}
