// CSV files imported from chat: a dry run for the preview, then one decision —
// import or cancel — per file version, claimed in the job ledger in the same
// transaction as the import itself. A second click, a second person, or a click on
// another replica finds the claim and gets the first decision back; an import that
// fails rolls its claim back with it, so it can be tried again. An import gets an id
// and one 'import' audit entry holding what it wrote (its journal), which is what
// its Undo takes back (src/data/import-undo.ts).
import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../../db/client.js';
import type { Actor } from '../core/accounts.js';
import { recordAudit } from '../core/audit.js';
import { claimRun, finishRun, heldRun, releaseRun, runDetail } from '../core/ledger.js';
import type { ImportKind } from './columns.js';
import { emptyJournal } from './import-accounts.js';
import { importCsv, type ImportReport } from './import.js';

const JOB = 'csv-import';

/** What the buttons carry and the ledger is keyed on: a file id and the digest of its bytes. */
export function fileDigest(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

/** Who decided, and what became of the file; kept in the ledger row's detail. */
export interface ChatImportDecision {
  decision: 'imported' | 'cancelled';
  file: string;
  byPlatformUserId: string;
  byName: string;
  at: string;
  /** The import's id: its audit entry and its Undo name it. */
  importId?: string;
  kind?: ImportKind;
  rows?: number;
  created?: number;
  updated?: number;
  unchanged?: number;
  errorCount?: number;
}

export interface ChatImportFile {
  id: string;
  name: string;
  digest: string;
}

export interface Decider extends Actor {
  userId: string;
  platformUserId: string;
  name: string;
}

const keyOf = (workspaceId: string, file: Pick<ChatImportFile, 'id' | 'digest'>) => `${workspaceId}:${file.id}:${file.digest}`;

/** The dry run the preview shows: everything a real import would do, rolled back. */
export function previewImport(db: Db, workspaceId: string, content: string, actor: Actor): Promise<ImportReport> {
  return importCsv(db, workspaceId, content, { dryRun: true, actor, source: 'csv' });
}

/**
 * Forgets the decision taken for a file version, once its import is undone: the same
 * file shared again is previewed and imported anew instead of answered "already imported".
 */
export async function forgetDecision(db: Db, workspaceId: string, file: Pick<ChatImportFile, 'id' | 'digest'>): Promise<void> {
  const periodKey = keyOf(workspaceId, file);
  const held = await heldRun(db, JOB, periodKey);
  if (held) await releaseRun(db, { id: held.id, jobName: JOB, periodKey });
}

/** The decision already taken for this file version, if any. */
export async function priorDecision(db: Db, workspaceId: string, file: ChatImportFile): Promise<ChatImportDecision | undefined> {
  return (await runDetail(db, JOB, keyOf(workspaceId, file))) as ChatImportDecision | undefined;
}

export type DecisionOutcome =
  | { taken: true; decision: ChatImportDecision; report?: ImportReport }
  | { taken: false; decision: ChatImportDecision };

/**
 * Takes the decision for a file version once: `import` runs the real import (with
 * `content`, whose digest the caller has checked) in the claim's transaction.
 * `taken: false` hands back the decision someone took first.
 */
export async function decideImport(
  db: Db,
  workspaceId: string,
  file: ChatImportFile,
  choice: { kind: 'import'; content: string } | { kind: 'cancel' },
  by: Decider,
): Promise<DecisionOutcome> {
  const base = { file: file.name, byPlatformUserId: by.platformUserId, byName: by.name, at: by.now.toISOString() };
  const outcome = await db.transaction(async (tx): Promise<DecisionOutcome | undefined> => {
    // On PostgreSQL a second claimer waits here for the first transaction, then finds its row.
    const claim = await claimRun(tx, { jobName: JOB, periodKey: keyOf(workspaceId, file), workspaceId, now: by.now });
    if (!claim) return undefined;
    if (choice.kind === 'cancel') {
      const decision: ChatImportDecision = { decision: 'cancelled', ...base };
      await finishRun(tx, claim, { status: 'done', now: by.now, detail: { ...decision } });
      return { taken: true, decision };
    }
    const importId = randomUUID();
    const journal = emptyJournal();
    const report = await importCsv(tx, workspaceId, choice.content, {
      actor: { userId: by.userId, now: by.now, label: by.label ?? `CSV import (${file.name})` },
      source: 'csv',
      undoable: { importId, journal },
    });
    await recordAudit(tx, workspaceId, {
      actorUserId: by.userId,
      at: by.now,
      entityType: 'import',
      entityId: importId,
      action: 'import',
      after: { file: file.name, fileId: file.id, digest: file.digest, kind: report.kind, created: report.created, updated: report.updated, errorCount: report.errorCount, journal },
    });
    const decision: ChatImportDecision = {
      decision: 'imported',
      ...base,
      importId,
      kind: report.kind,
      rows: report.rows,
      created: report.created,
      updated: report.updated,
      unchanged: report.unchanged,
      errorCount: report.errorCount,
    };
    await finishRun(tx, claim, { status: 'done', now: by.now, detail: { ...decision } });
    return { taken: true, decision, report };
  });
  if (outcome) return outcome;
  const prior = await priorDecision(db, workspaceId, file);
  // The claim row is committed before anyone can miss it, so it is there to read.
  return { taken: false, decision: prior! };
}
