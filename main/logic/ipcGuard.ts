/**
 * Main's gate for every message from the renderer: the sender must be our window's page, the method and
 * its parameters must match app/contract, and any file path must have been granted by the user.
 */
import { StudioError } from '../../app/common/errors';
import { isMethod, parseParams } from '../../app/contract/messages';
import type { MethodName, MethodParams } from '../../app/contract/schemas';
import type { FileAccess } from './fileAccess';

/** The renderer's page: a file:// URL of the packaged index.html (or the dev server's origin). */
export function isTrustedSender(senderUrl: string, appUrl: string): boolean {
  try {
    const s = new URL(senderUrl);
    const a = new URL(appUrl);
    if (a.protocol === 'file:') return s.protocol === 'file:' && s.pathname === a.pathname;
    return s.origin === a.origin;
  } catch {
    return false;
  }
}

/**
 * Validates one invoke from the renderer and returns its typed params.
 * @throws StudioError PARAM_INVALID (unknown sender, method or bad params) or IO (path not granted).
 */
export function guardInvoke(
  senderUrl: string,
  appUrl: string,
  method: string,
  params: unknown,
  files: FileAccess,
): { method: MethodName; params: MethodParams<MethodName> } {
  if (!isTrustedSender(senderUrl, appUrl)) {
    throw new StudioError('PARAM_INVALID', `Refused a message from an unexpected sender: ${senderUrl}`);
  }
  if (!isMethod(method)) throw new StudioError('PARAM_INVALID', `Unknown method "${method}"`);
  const p = parseParams(method, params) as Record<string, unknown>;
  if (method === 'openImage' || method === 'importModel') files.check(p.path as string, 'read');
  if (method === 'exportImage') files.check(p.path as string, 'write');
  return { method, params: p as MethodParams<MethodName> };
}
