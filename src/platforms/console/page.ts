// The console page and the headers it is served with. The page keeps its script
// and style inline (one file to read and change); the Content-Security-Policy
// allows exactly those blocks by their hashes, computed here at start-up so an
// edit to page.html cannot leave a stale hash behind. Nothing else runs: not a
// script that slipped into rendered HTML, not an inline handler. Framing is refused
// (clickjacking: a page could lay the console's buttons under its own).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PAGE = readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'page.html'), 'utf8');

/** `'sha256-…'` sources for a page's inline <script> (without src) and <style> blocks. */
export function inlineHashes(html: string): { scripts: string[]; styles: string[] } {
  const scripts: string[] = [];
  const styles: string[] = [];
  for (const [, tag, attributes, body] of html.matchAll(/<(script|style)\b([^>]*)>([\s\S]*?)<\/\1\s*>/gi)) {
    if (tag!.toLowerCase() === 'script' && /\bsrc\s*=/i.test(attributes!)) continue;
    // Browsers hash the text as parsed, and HTML parsing turns CRLF into LF.
    const hash = `'sha256-${createHash('sha256').update(body!.replace(/\r\n?/g, '\n'), 'utf8').digest('base64')}'`;
    (tag!.toLowerCase() === 'script' ? scripts : styles).push(hash);
  }
  return { scripts, styles };
}

export function contentSecurityPolicy(html: string): string {
  const { scripts, styles } = inlineHashes(html);
  return [
    "default-src 'none'",
    `script-src ${scripts.join(' ') || "'none'"}`,
    `style-src ${styles.join(' ') || "'none'"}`,
    // The page talks to its own JSON API and offers its own downloads.
    "connect-src 'self'",
    "img-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': contentSecurityPolicy(PAGE),
  // For browsers that predate frame-ancestors.
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};
