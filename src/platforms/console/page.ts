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

// The blocks' opening and closing tags, found in one pass and paired below. A lazy
// [\s\S]*? from each opening tag to its closing one would rescan the rest of the
// page from every opening tag that is never closed (quadratic); attributes stop at
// "<" for the same reason.
const BLOCK_TAG = /<(script|style)\b([^<>]*)>|<\/(script|style)\s*>/gi;

/** Each block from its opening tag to the first closing tag of its kind; one never closed is not a block. */
function inlineBlocks(html: string): { tag: string; attributes: string; body: string }[] {
  const tags = [...html.matchAll(BLOCK_TAG)];
  const lastClose = new Map<string, number>();
  for (const t of tags) if (t[3]) lastClose.set(t[3].toLowerCase(), t.index);
  const blocks: { tag: string; attributes: string; body: string }[] = [];
  let open: RegExpExecArray | undefined;
  for (const t of tags) {
    if (open) {
      if (t[3]?.toLowerCase() === open[1]!.toLowerCase()) {
        blocks.push({ tag: open[1]!.toLowerCase(), attributes: open[2]!, body: html.slice(open.index + open[0].length, t.index) });
        open = undefined;
      }
    } else if (t[1] && t.index < (lastClose.get(t[1].toLowerCase()) ?? -1)) {
      open = t;
    }
  }
  return blocks;
}

/** `'sha256-…'` sources for a page's inline <script> (without src) and <style> blocks. */
export function inlineHashes(html: string): { scripts: string[]; styles: string[] } {
  const scripts: string[] = [];
  const styles: string[] = [];
  for (const { tag, attributes, body } of inlineBlocks(html)) {
    if (tag === 'script' && /\bsrc\s*=/i.test(attributes)) continue;
    // Browsers hash the text as parsed, and HTML parsing turns CRLF into LF.
    const hash = `'sha256-${createHash('sha256').update(body.replace(/\r\n?/g, '\n'), 'utf8').digest('base64')}'`;
    (tag === 'script' ? scripts : styles).push(hash);
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
