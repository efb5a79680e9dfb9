/**
 * The File menu's Open Recent list: the images the user opened (through the dialog, a drop, or this list),
 * most recent first, kept across launches in a small JSON file. Main owns it, so a path in it never comes
 * from the renderer; choosing one grants read access to it (see main.ts). Plain Node, tested in Node.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const MAX_RECENT = 10;

export interface RecentStore {
  load(): unknown;
  save(paths: readonly string[]): void;
}

/** Keeps the list in `file` (JSON array of paths); a missing or damaged file is an empty list. */
export function jsonRecentStore(file: string): RecentStore {
  return {
    load() {
      try {
        return JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        return [];
      }
    },
    save(paths) {
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, JSON.stringify(paths, null, 2));
      } catch {
        // A list that cannot be saved only costs the next launch its recent files.
      }
    },
  };
}

export class RecentFiles {
  private paths: string[];

  constructor(
    private readonly store: RecentStore,
    private readonly max = MAX_RECENT,
  ) {
    const raw = store.load();
    const list = Array.isArray(raw) ? raw.filter((p): p is string => typeof p === 'string' && p !== '') : [];
    this.paths = dedupe(list.map((p) => path.resolve(p))).slice(0, max);
  }

  /** Most recent first. */
  list(): readonly string[] {
    return this.paths;
  }

  /** Puts `file` first (once); returns whether the list changed. */
  add(file: string): boolean {
    const p = path.resolve(file);
    if (this.paths[0] === p) return false;
    this.paths = [p, ...this.paths.filter((x) => x !== p)].slice(0, this.max);
    this.store.save(this.paths);
    return true;
  }

  /** Drops `file` (it could not be opened); returns whether the list changed. */
  remove(file: string): boolean {
    const p = path.resolve(file);
    if (!this.paths.includes(p)) return false;
    this.paths = this.paths.filter((x) => x !== p);
    this.store.save(this.paths);
    return true;
  }

  clear(): void {
    this.paths = [];
    this.store.save(this.paths);
  }
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

/** The label of a recent file in the menu: "photo.jpg — /home/me/Pictures". */
export function recentLabel(file: string): string {
  return `${path.basename(file)} — ${path.dirname(file)}`;
}
