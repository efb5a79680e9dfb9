/**
 * The Content-Security-Policy of every page of the editor (Electron window and browser host): nothing
 * remote, no inline scripts; the browser host's engine socket is on loopback.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws://127.0.0.1:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
