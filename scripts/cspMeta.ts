/**
 * A Vite plugin that writes the editor's Content-Security-Policy into index.html as a <meta> tag, so the
 * page carries it even where no server sends the header (a file:// load with the header hook missing, a
 * copy of dist/renderer opened by hand). One source: app/contract/security.ts. Directives a <meta> policy
 * cannot carry (frame-ancestors, report-uri, sandbox: browsers ignore them there and log an error) stay in
 * the header only.
 */
import { CONTENT_SECURITY_POLICY } from '../app/contract/security';

const HEADER_ONLY = new Set(['frame-ancestors', 'report-uri', 'sandbox']);

/** CONTENT_SECURITY_POLICY without the directives a <meta> element may not carry. */
export function metaPolicy(policy: string = CONTENT_SECURITY_POLICY): string {
  return policy
    .split(';')
    .map((d) => d.trim())
    .filter((d) => d && !HEADER_ONLY.has(d.split(/\s+/)[0].toLowerCase()))
    .join('; ');
}

/** Inserts the <meta http-equiv="Content-Security-Policy"> first in <head> (after the charset, if any). */
export function injectCspMeta(html: string, policy: string = metaPolicy()): string {
  const anchor = /<meta charset=[^>]*>/i.exec(html) ?? /<head>/i.exec(html);
  if (!anchor) throw new Error('index.html has no <head> to put the CSP <meta> in');
  const content = policy.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const at = anchor.index + anchor[0].length;
  const meta = `\n    <meta http-equiv="Content-Security-Policy" content="${content}" />`;
  return html.slice(0, at) + meta + html.slice(at);
}

/** The plugin for renderer/vite.config.ts. */
export function cspMetaPlugin(): { name: string; transformIndexHtml: (html: string) => string } {
  return { name: 'inpaint-studio-csp-meta', transformIndexHtml: (html) => injectCspMeta(html) };
}
