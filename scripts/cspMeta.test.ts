import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../app/contract/security';
import { injectCspMeta, metaPolicy } from './cspMeta';

describe('CSP <meta>', () => {
  it("puts the header's policy, less header-only directives, into index.html's head", () => {
    const html = injectCspMeta(readFileSync('renderer/index.html', 'utf8'));
    const m =
      /<head>\s*<meta charset="UTF-8" \/>\s*<meta http-equiv="Content-Security-Policy" content="([^"]*)" \/>/.exec(
        html,
      );
    expect(m).not.toBeNull();
    const content = m![1].replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    expect(content).toBe(metaPolicy());
    expect(content).toContain("script-src 'self'");
    expect(content).toContain("object-src 'none'");
    expect(content).not.toContain('frame-ancestors');
    // Every other directive of the header is there.
    const header = CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim());
    for (const d of header) if (!d.startsWith('frame-ancestors')) expect(content).toContain(d);
  });

  it('names a page without a head', () => {
    expect(() => injectCspMeta('<html><body></body></html>')).toThrow(/no <head>/);
  });
});
