/** The browser host's per-launch token travels in the page URL's fragment (#token=…), never to a server. */

/** The token in a location hash such as "#token=ab12&x=1", or null. */
export function tokenFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token');
  return token && /^[0-9a-zA-Z_-]{8,200}$/.test(token) ? token : null;
}

/** The engine socket's URL for a page served by the browser host at `host` (e.g. "127.0.0.1:5173"). */
export function engineSocketUrl(host: string, token: string): string {
  return `ws://${host}/engine?token=${encodeURIComponent(token)}`;
}
