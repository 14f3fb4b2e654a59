// The ingest API: POST /api/v1/usage and /api/v1/accounts for billing, RMM and PSA
// tools. Bearer TENURE_API_TOKEN (the operator's: any workspace) or a workspace
// token from /tenure token create (its own workspace only; another → 403); JSON
// `{ "rows": [...] }` of at most 1,000 rows, validated with zod and written
// all-or-nothing through the CSV importer; an Idempotency-Key replays the caller's
// first answer instead of writing twice; a per-token request budget answers 429
// with Retry-After, and so does an address after too many wrong tokens. A
// deactivated workspace (Slack app uninstalled) takes no writes, from anyone.
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { idempotencyKeys } from '../../db/schema.js';
import { UserError } from '../core/errors.js';
import type { Workspace } from '../core/workspaces.js';
import { findApiToken } from '../data/api-tokens.js';
import type { ImportKind } from '../data/columns.js';
import { importRows } from '../data/import.js';
import { pickWorkspace } from '../data/workspace.js';
import type { Logger } from '../log.js';
import { batchSchema, MAX_ROWS, parseRows } from './api-rows.js';
import { FailedAuthentications, type FailureLimit } from './auth-failures.js';

export interface RateLimit {
  requests: number;
  windowMs: number;
}

export interface ApiDeps {
  db: Db;
  apiToken: string | undefined;
  timezone: string;
  clock: () => Date;
  logger: Logger;
  rateLimit?: RateLimit;
  /** Wrong or missing tokens allowed per client address and window before 429s. */
  authFailureLimit?: FailureLimit;
}

const DEFAULT_RATE_LIMIT: RateLimit = { requests: 120, windowMs: 60_000 };
const DEFAULT_AUTH_FAILURE_LIMIT: FailureLimit = { requests: 20, windowMs: 60_000 };
const sha256 = (s: string) => createHash('sha256').update(s).digest();

function tokenMatches(given: string, expected: string): boolean {
  // Compare digests: equal length, so timingSafeEqual never leaks the token's length.
  return timingSafeEqual(sha256(given), sha256(expected));
}

/** Who is calling: the operator (any workspace) or a token scoped to one workspace. */
type Caller = { kind: 'operator' } | { kind: 'workspace'; workspace: Workspace; tokenId: string; tokenNumber: number };

/** Whose Idempotency-Keys a caller's are (idempotency_keys.caller). */
const keyOwner = (caller: Caller) => (caller.kind === 'operator' ? 'operator' : `token:${caller.tokenId}`);

export function apiRouter(deps: ApiDeps): Router {
  const router = express.Router();
  const limit = deps.rateLimit ?? DEFAULT_RATE_LIMIT;
  // Fixed windows per token (by digest), in memory: one process serves one token budget.
  const windows = new Map<string, { start: number; count: number; workspaceToken: boolean }>();
  const failures = new FailedAuthentications(deps.authFailureLimit ?? DEFAULT_AUTH_FAILURE_LIMIT);

  const authenticate = async (req: Request, res: Response, next: NextFunction) => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    const bearer = match?.[1];
    const key = bearer === undefined ? undefined : sha256(bearer).toString('hex');
    const address = req.ip ?? 'unknown';
    const now = deps.clock().getTime();
    const wait = failures.retryAfter(address, now);
    // A workspace token this process has seen succeed is 256 random bits: letting it through
    // a refused address tells a guesser nothing, and keeps that address's own tools working
    // when they share it (one proxy in front of many) with whoever is failing. Not so the
    // operator's token, which the operator chose: its guesses stay refused.
    const knownGood = key !== undefined && windows.get(key)?.workspaceToken === true;
    if (wait !== undefined && !knownGood) {
      res
        .set('Retry-After', String(wait))
        .status(429)
        .json({ error: `too many failed authentications from this address: try again in ${wait} s`, retryAfterSeconds: wait });
      return;
    }
    let caller: Caller | undefined;
    if (bearer && deps.apiToken && tokenMatches(bearer, deps.apiToken)) caller = { kind: 'operator' };
    else if (bearer) {
      const found = await findApiToken(deps.db, bearer, deps.clock());
      if (found && !found.workspace.active) {
        res.status(403).json({ error: `this token's workspace (${found.workspace.name}) is deactivated: reinstall Tenure there, or use another token` });
        return;
      }
      if (found) caller = { kind: 'workspace', workspace: found.workspace, tokenId: found.token.id, tokenNumber: found.token.number };
    }
    if (!caller) {
      if (key !== undefined) windows.delete(key); // revoked since it last worked
      if (failures.record(address, now)) {
        deps.logger.warn({ ip: address, failures: failures.limit.requests, windowSeconds: failures.limit.windowMs / 1000 }, 'too many failed ingest API authentications from one address; refusing it until its window ends');
      }
      res
        .set('WWW-Authenticate', 'Bearer')
        .status(401)
        .json({ error: 'missing or wrong bearer token', hint: 'use a workspace token from /tenure token create, or the server\'s TENURE_API_TOKEN' });
      return;
    }
    let window = windows.get(key!);
    if (!window || now - window.start >= limit.windowMs) windows.set(key!, (window = { start: now, count: 0, workspaceToken: caller.kind === 'workspace' }));
    if (++window.count > limit.requests) {
      const retry = Math.max(1, Math.ceil((window.start + limit.windowMs - now) / 1000));
      res.set('Retry-After', String(retry)).status(429).json({ error: `too many requests: at most ${limit.requests} per ${limit.windowMs / 1000} s`, retryAfterSeconds: retry });
      return;
    }
    res.locals.caller = caller;
    next();
  };

  // 1,000 rows of usage are ~200 KB; the byte limit backs up the row limit.
  const json = express.json({ limit: '1mb' });
  for (const kind of ['usage', 'accounts'] as const) {
    router.post(
      `/api/v1/${kind}`,
      (req, res, next) => {
        authenticate(req, res, next).catch(next);
      },
      json,
      (req, res, next) => {
        ingest(deps, kind, req, res).catch(next);
      },
    );
  }
  return router;
}

async function ingest(deps: ApiDeps, kind: ImportKind, req: Request, res: Response): Promise<void> {
  const body = batchSchema.safeParse(req.body);
  if (!body.success) {
    res.status(400).json({ error: 'the body must be JSON like {"rows": [ … ]}', details: body.error.issues.map((i) => i.message) });
    return;
  }
  if (body.data.rows.length > MAX_ROWS) {
    res.status(413).json({ error: `too many rows: at most ${MAX_ROWS} per request, got ${body.data.rows.length}` });
    return;
  }
  // The workspace may be named by header, query or body; where several name it, they must agree.
  const named = [req.get('x-tenure-workspace'), typeof req.query.workspace === 'string' ? req.query.workspace : undefined, body.data.workspace]
    .map((v) => v?.trim())
    .filter((v): v is string => v !== undefined && v !== '');
  const caller = res.locals.caller as Caller;
  let workspaceId: string;
  if (caller.kind === 'workspace') {
    // A scoped token names only its own workspace (by Tenure's id or the platform's), or none.
    const own = caller.workspace;
    const other = named.find((n) => n !== own.id && n !== own.externalId);
    if (other !== undefined) {
      res.status(403).json({ error: `this token (#${caller.tokenNumber}) writes to workspace ${own.name} only, not to "${other}"` });
      return;
    }
    workspaceId = own.id;
  } else if (new Set(named).size > 1) {
    res.status(400).json({ error: `the workspace is named more than once, differently: ${[...new Set(named)].join(', ')}` });
    return;
  } else {
    let picked: Workspace;
    try {
      picked = await pickWorkspace(deps.db, named[0], deps.timezone, deps.clock());
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      res.status(400).json({ error: err.message.split('\n')[0] });
      return;
    }
    // 409, not 403: the operator may write anywhere; it is the workspace's state that refuses.
    if (!picked.active) {
      res.status(409).json({ error: `workspace ${picked.name} (${picked.externalId}) is deactivated: Tenure was uninstalled there. Reinstall it before writing to it.` });
      return;
    }
    workspaceId = picked.id;
  }
  const key = req.get('idempotency-key')?.trim();
  if (key !== undefined && (key.length === 0 || key.length > 200)) {
    res.status(400).json({ error: 'Idempotency-Key must be 1 to 200 characters' });
    return;
  }
  const requestHash = sha256(`${req.path}\n${JSON.stringify(req.body)}`).toString('hex');
  const owner = keyOwner(caller);

  const answer = await deps.db.transaction(async (tx) => {
    if (key !== undefined) {
      // Claim the key first: a concurrent request with the same key waits on this row
      // (PostgreSQL) and then replays what this one answered.
      const claimed = await tx
        .insert(idempotencyKeys)
        .values({ workspaceId, caller: owner, key, requestHash, statusCode: 0, response: {}, createdAt: deps.clock() })
        .onConflictDoNothing()
        .returning({ key: idempotencyKeys.key });
      if (claimed.length === 0) {
        const [prior] = await tx
          .select()
          .from(idempotencyKeys)
          .where(and(eq(idempotencyKeys.workspaceId, workspaceId), eq(idempotencyKeys.caller, owner), eq(idempotencyKeys.key, key)));
        if (prior!.requestHash !== requestHash) {
          return { status: 422, body: { error: 'this Idempotency-Key was already used for a different request' }, replayed: false };
        }
        return { status: prior!.statusCode, body: prior!.response, replayed: true };
      }
    }
    const result = await write(tx, workspaceId, kind, body.data.rows, deps.clock());
    if (key !== undefined) {
      await tx
        .update(idempotencyKeys)
        .set({ statusCode: result.status, response: result.body })
        .where(and(eq(idempotencyKeys.workspaceId, workspaceId), eq(idempotencyKeys.caller, owner), eq(idempotencyKeys.key, key)));
    }
    return { ...result, replayed: false };
  });
  if (answer.replayed) res.set('Idempotent-Replayed', 'true');
  res.status(answer.status).json(answer.body);
}

async function write(db: Db, workspaceId: string, kind: ImportKind, rows: unknown[], now: Date) {
  const { cells, issues } = parseRows(kind, rows);
  if (issues.length > 0) {
    return { status: 400, body: { error: `${issues.length} of ${rows.length} rows are invalid; nothing was written`, rows: issues } };
  }
  const report = await importRows(
    db,
    workspaceId,
    kind,
    cells.map((c, i) => ({ line: i, cells: c })),
    { atomic: true, actor: { userId: null, now, label: 'ingest API' }, source: 'api' },
  );
  if (report.errorCount > 0) {
    return {
      status: 400,
      body: { error: `${report.errorCount} of ${rows.length} rows are invalid; nothing was written`, rows: report.errors.map((e) => ({ row: e.line, error: e.message })) },
    };
  }
  return { status: 200, body: { rows: report.rows, created: report.created, updated: report.updated, unchanged: report.unchanged } };
}
