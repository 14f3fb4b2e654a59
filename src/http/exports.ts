// Download links for /export where the chat cannot take the file (a Teams bot cannot
// upload into a channel): GET /exports/<workspace id>/<kind>.csv?expires=…&sig=…
// (and &archived=include|only when the export asked for archived accounts' rows),
// signed with an HMAC over the workspace, the kind, the expiry and that choice, good
// for 15 minutes. Nothing is stored: the CSV is made from the database when the link is
// opened, so any replica sharing the secret serves it, and it is never older than
// the click. The signature is the only credential, which is why links are short-lived.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { workspaces } from '../../db/schema.js';
import { localDate } from '../core/time.js';
import { EXPORT_KINDS, exportCsv, exportFilename, type ArchivedChoice, type ExportKind } from '../data/export.js';
import type { Logger } from '../log.js';

export const EXPORT_LINK_TTL_MS = 15 * 60_000;
const LABEL = 'tenure export links v1';

export class ExportLinks {
  private constructor(private readonly key: Buffer) {}

  /**
   * A signing key derived from a secret every replica shares (the Teams app password
   * or the Slack signing secret), labelled so it signs nothing else; with no secret
   * (local mode), a random key: links then die with the process, well within 15 minutes.
   */
  static fromSecret(secret: string | undefined): ExportLinks {
    return new ExportLinks(secret ? createHmac('sha256', secret).update(LABEL).digest() : randomBytes(32));
  }

  /** Signed with the archived accounts' choice too, so a link for live accounts cannot be turned into one for all. */
  private signature(workspaceId: string, kind: string, expires: number, archived: ArchivedChoice): Buffer {
    const whose = archived === 'exclude' ? '' : `\n${archived}`;
    return createHmac('sha256', this.key).update(`${workspaceId}\n${kind}\n${expires}${whose}`).digest();
  }

  /** The link's path and query (prefix the public origin), and when it stops working. */
  sign(workspaceId: string, kind: ExportKind, now: Date, archived: ArchivedChoice = 'exclude'): { path: string; expiresAt: Date } {
    const expires = Math.floor((now.getTime() + EXPORT_LINK_TTL_MS) / 1000);
    const sig = this.signature(workspaceId, kind, expires, archived).toString('base64url');
    const whose = archived === 'exclude' ? '' : `&archived=${archived}`;
    return { path: `/exports/${workspaceId}/${kind}.csv?expires=${expires}${whose}&sig=${sig}`, expiresAt: new Date(expires * 1000) };
  }

  check(workspaceId: string, kind: string, expires: number, sig: string, now: Date, archived: ArchivedChoice = 'exclude'): 'ok' | 'expired' | 'forged' {
    const given = Buffer.from(sig, 'base64url');
    const expected = this.signature(workspaceId, kind, expires, archived);
    // Forged before expired: an altered expiry must not be told apart from a real one.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
    return now.getTime() >= expires * 1000 ? 'expired' : 'ok';
  }
}

/** The public origin of a request that reached us, as its sender addressed it (behind a TLS proxy too). */
export function requestOrigin(req: Request): string {
  const first = (v: string | undefined) => v?.split(',')[0]?.trim() || undefined;
  const proto = first(req.get('x-forwarded-proto')) ?? req.protocol;
  const host = first(req.get('x-forwarded-host')) ?? req.get('host') ?? 'localhost';
  return `${proto}://${host}`;
}

const params = z.object({
  workspace: z.string().uuid(),
  file: z.string().regex(new RegExp(`^(${EXPORT_KINDS.join('|')})\\.csv$`)),
});
const query = z.object({
  expires: z.string().regex(/^\d{1,12}$/).transform(Number),
  sig: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  archived: z.enum(['include', 'only']).optional(),
});

export interface ExportsDeps {
  db: Db;
  links: ExportLinks;
  clock: () => Date;
  logger: Logger;
}

export function exportsRouter(deps: ExportsDeps): Router {
  const router = express.Router();
  router.get('/exports/:workspace/:file', (req, res, next) => {
    serve(deps, req, res).catch(next);
  });
  return router;
}

async function serve(deps: ExportsDeps, req: Request, res: Response): Promise<void> {
  const p = params.safeParse(req.params);
  const q = query.safeParse(req.query);
  if (!p.success || !q.success) {
    res.status(404).json({ error: 'no such export link' });
    return;
  }
  const kind = p.data.file.replace(/\.csv$/, '') as ExportKind;
  const now = deps.clock();
  const archived = q.data.archived ?? 'exclude';
  const verdict = deps.links.check(p.data.workspace, kind, q.data.expires, q.data.sig, now, archived);
  if (verdict === 'forged') {
    res.status(403).json({ error: 'this download link is not valid: run /export again for a new one' });
    return;
  }
  if (verdict === 'expired') {
    res.status(410).json({ error: 'this download link has expired (links work for 15 minutes): run /export again' });
    return;
  }
  // The link outlives nothing it should not: a removed or uninstalled workspace serves no data.
  const [workspace] = await deps.db.select().from(workspaces).where(eq(workspaces.id, p.data.workspace));
  if (!workspace || !workspace.active) {
    res.status(404).json({ error: 'this workspace is no longer served by Tenure' });
    return;
  }
  const filename = exportFilename(kind, archived, localDate(now, workspace.timezone));
  res.set({
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  });
  try {
    for await (const chunk of exportCsv(deps.db, workspace, kind, { now, archived })) {
      // A reader who went away stops the export (leaving the loop closes the stream).
      if (!res.write(chunk)) await drainedOrClosed(res);
      if (res.destroyed) return;
    }
    res.end();
  } catch (err) {
    // Before the first byte the server's error handler still answers (503 / 500 JSON);
    // mid-stream the status is sent, and the cut connection marks the file incomplete.
    if (!res.headersSent) throw err;
    deps.logger.error({ err, workspaceId: workspace.id, kind }, 'export download failed');
    res.destroy();
  }
}

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
