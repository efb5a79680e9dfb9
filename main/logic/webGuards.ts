/**
 * What the Electron window may load, open and ask for, as plain functions main wires in (and tests run
 * in Node): file:// requests only inside the app's own folder, external links only from an allow-list,
 * every permission request denied, and the save dialog's folder chosen by main, never by the page.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MANIFEST } from '../../native-models/manifest';

/**
 * Whether the window may load `url`: a file:// URL inside `appDir` (the folder of the renderer's
 * index.html; `..`, encoded separators and symlink-free prefixes like `/app-evil` are refused), or
 * devtools:, data: or blob:. Everything remote is refused.
 */
export function isAllowedRequestUrl(url: string, appDir: string): boolean {
  if (url.startsWith('devtools://') || url.startsWith('data:') || url.startsWith('blob:')) return true;
  if (!url.startsWith('file://')) return false;
  let file: string;
  try {
    file = fileURLToPath(url);
  } catch {
    return false; // an encoded separator or a host in a file URL
  }
  const rel = path.relative(path.resolve(appDir), path.resolve(file));
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The only pages the app opens in the system browser: the models' own pages (the model manager's links). */
export const EXTERNAL_LINKS: readonly string[] = [...new Set(MANIFEST.map((m) => m.homepage))];

/**
 * Whether `url` may be handed to shell.openExternal: an https URL that is one of EXTERNAL_LINKS or a
 * page below one of them (same host, path under it). Other schemes (file:, smb:, custom protocols that
 * start programs) are always refused.
 */
export function isAllowedExternalUrl(url: string, allowed: readonly string[] = EXTERNAL_LINKS): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' || u.username || u.password) return false;
  return allowed.some((a) => {
    const base = new URL(a);
    if (u.host !== base.host) return false;
    const root = base.pathname.replace(/\/+$/, '');
    return u.pathname === root || u.pathname.startsWith(`${root}/`);
  });
}

/**
 * The save dialog's default path: the page proposes a file name only; the folder is main's (the last
 * folder the user saved to, else the pictures folder). Any folder part in the name is dropped, and a
 * name that is empty or only dots becomes `result.png`.
 */
export function saveDialogDefaultPath(suggestedName: string, folder: string): string {
  const base = suggestedName.split(/[\\/]/).pop() ?? '';
  const clean = [...base]
    .map((c) => (c.charCodeAt(0) < 32 || '<>:"|?*'.includes(c) ? '_' : c))
    .join('')
    .trim();
  return path.join(folder, /^\.*$/.test(clean) ? 'result.png' : clean);
}

/** The part of Electron's Session main hardens (structural, so tests pass a fake). */
export interface PermissionSession {
  setPermissionRequestHandler(
    handler: (wc: unknown, permission: string, callback: (granted: boolean) => void) => void,
  ): void;
  setPermissionCheckHandler(handler: (wc: unknown, permission: string) => boolean): void;
}

/** Denies every permission (camera, notifications, clipboard read, …): the editor needs none. */
export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
