// The console page's CSP hashes: one per inline <script> and <style> block, hashed
// as a browser parses them (CRLF read as LF); a <script src> is not inline.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, inlineHashes } from '../../src/platforms/console/page.js';

const sha = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('console page CSP', () => {
  it('hashes each inline script and style block, skipping scripts loaded by src', () => {
    const html = '<style>a{}</style><script src="/x.js"></script><script type="module">\r\nrun()\r\n</script><STYLE media="print">b{}</STYLE >';
    expect(inlineHashes(html)).toEqual({ scripts: [sha('\nrun()\n')], styles: [sha('a{}'), sha('b{}')] });
  });

  it("allows no script or style at all for a page without inline blocks, and is never framed", () => {
    const csp = contentSecurityPolicy('<p>static</p>');
    expect(csp).toContain("script-src 'none'");
    expect(csp).toContain("style-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
