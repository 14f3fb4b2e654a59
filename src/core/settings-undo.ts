// Taking back a change of the workspace's settings (/tenure settings, /health settings,
// /survey settings, /ticket hours, /ticket holidays) and of its alert channel. The
// change's audit entry (named by its id on the Undo button) holds the changed keys'
// values before and after; they go back for the person who made the change, for a
// day, while every place the change wrote (a key; a field, for a key that holds
// fields; a day, for holidays) still has the value the change gave it — a later change
// is never overwritten, and one elsewhere does not stand in the way. Saved through the
// same core function as any change, so the undo is audited too ('undo-settings',
// 'undo-alert-channel').
import { isDeepStrictEqual } from 'node:util';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditLog, users, workspaces } from '../../db/schema.js';
import { channelStanding } from './channel-kinds.js';
import { alertChannel, setAlertChannel } from './channels.js';
import { UserError } from './errors.js';
import { isUuid } from './ids.js';
import { updateWorkspaceSettings, workspaceSettings, type WorkspaceSettings } from './settings.js';
import { undoRefusal, type UndoActor } from './undo.js';
import type { Workspace } from './workspaces.js';

/** How the answers name a change: "That change of the business hours", "The business hours have changed since", what to type instead. */
export interface ChangeWords {
  change: string;
  changedSince: string;
  instead: string;
}

interface ChangeEntry {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  actorUserId: string | null;
  actorName: string | null;
  at: Date;
}

/** The workspace-level audit entry `entryId` of `action`, after the refusals every undo shares (missing, someone else's, too late). */
async function undoableEntry(db: Db, workspaceId: string, entryId: string, action: string, words: ChangeWords, actor: UndoActor): Promise<ChangeEntry> {
  const [entry] = isUuid(entryId)
    ? await db
        .select({ before: auditLog.before, after: auditLog.after, actorUserId: auditLog.actorUserId, actorName: users.displayName, at: auditLog.at })
        .from(auditLog)
        .leftJoin(users, eq(users.id, auditLog.actorUserId))
        .where(and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.id, entryId), eq(auditLog.entityType, 'workspace'), eq(auditLog.action, action)))
    : [];
  if (!entry?.before || !entry.after) throw new UserError(`${words.change} is not in the audit log, so it cannot be undone.`, { hint: words.instead });
  const refusal = undoRefusal({ what: words.change, madeBy: entry.actorUserId, madeByName: entry.actorName, at: entry.at }, actor, words.instead);
  if (refusal) throw refusal;
  return entry as ChangeEntry;
}

// Values compared as stored: key order and absent-versus-undefined do not count (JSONB reorders keys).
const sameValue = (a: unknown, b: unknown): boolean => isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));

/** A place a change wrote to: a key, one field of a key that holds fields, or one day of a set of days. */
interface Place {
  key: string;
  field?: string;
  /** A day added to or removed from the set (its value is whether the set holds it). */
  day?: string;
}

// Holidays are a set of days: each day added or removed is a place of its own, so
// taking back one holiday leaves those added or removed since.
const DAY_SETS = new Set(['businessHours.holidays']);

type Fields = Record<string, unknown> | null | undefined;
const holdsFields = (v: unknown): v is Fields => v === null || v === undefined || (typeof v === 'object' && !Array.isArray(v));
const daysOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((d): d is string => typeof d === 'string') : []);
function valueAt(values: Record<string, unknown>, p: Place): unknown {
  const value = p.field === undefined ? values[p.key] : (values[p.key] as Fields)?.[p.field];
  return p.day === undefined ? value : daysOf(value).includes(p.day);
}

/**
 * Where a change wrote: each key, and for a key that holds fields (business hours,
 * weights, survey settings) each field it changed — so a later change of another field
 * of the same key (a holiday added after new hours) does not stand in the way.
 */
function changedPlaces(entry: ChangeEntry): Place[] {
  return Object.keys(entry.after).flatMap((key): Place[] => {
    const b = entry.before[key];
    const a = entry.after[key];
    if (!holdsFields(b) || !holdsFields(a)) return [{ key }];
    const fields = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])].filter((f) => !sameValue(b?.[f], a?.[f]));
    // Only the key itself changed (none became empty fields): the key is the place.
    if (fields.length === 0) return [{ key }];
    return fields.flatMap((field): Place[] => {
      if (!DAY_SETS.has(`${key}.${field}`)) return [{ key, field }];
      const had = daysOf(b?.[field]);
      const has = daysOf(a?.[field]);
      return [...had.filter((d) => !has.includes(d)), ...has.filter((d) => !had.includes(d))].map((day) => ({ key, field, day }));
    });
  });
}

/** Refuses when the places no longer hold what the change left: already back as before, or changed again since. */
function refuseIfMoved(current: Record<string, unknown>, places: Place[], entry: { before: Record<string, unknown>; after: Record<string, unknown> }, words: ChangeWords): void {
  if (places.every((p) => sameValue(valueAt(current, p), valueAt(entry.before, p)))) throw new UserError(`${words.change} was already undone or changed back, so there is nothing to undo.`, { hint: words.instead });
  if (places.some((p) => !sameValue(valueAt(current, p), valueAt(entry.after, p)))) throw new UserError(`${words.changedSince}, so undoing that change would overwrite the newer one.`, { hint: words.instead });
}

/** The settings with each place's value from before the change; what was not set before is removed again. */
function putBack(current: WorkspaceSettings, places: Place[], before: Record<string, unknown>): WorkspaceSettings {
  const back: Record<string, unknown> = { ...current };
  for (const p of places) {
    if (p.key === 'currency') continue;
    // Recorded as null (or absent): not set before the change.
    const was = valueAt(before, p);
    if (p.field === undefined) {
      if (was === null || was === undefined) delete back[p.key];
      else back[p.key] = was;
      continue;
    }
    const fields = { ...((back[p.key] as Fields) ?? {}) };
    if (p.day !== undefined) {
      const days = new Set(daysOf(fields[p.field]));
      if (was) days.add(p.day);
      else days.delete(p.day);
      fields[p.field] = [...days].sort();
      // An empty set the change brought in goes again.
      if (days.size === 0 && !Array.isArray((before[p.key] as Fields)?.[p.field])) delete fields[p.field];
    } else if (was === null || was === undefined) delete fields[p.field];
    else fields[p.field] = was;
    // A key the change brought in goes again once it is empty.
    if (Object.keys(fields).length === 0 && (before[p.key] === null || before[p.key] === undefined)) delete back[p.key];
    else back[p.key] = fields;
  }
  return back as WorkspaceSettings;
}

export interface SettingsUndone {
  /** The settings as the change left them, and as they are again now. */
  undone: WorkspaceSettings;
  restored: WorkspaceSettings;
  /** The keys put back (currency among them when it was part of the change). */
  keys: string[];
  workspace: Workspace;
}

/**
 * Puts back what a settings change (`entryId`, an audit entry of action 'settings')
 * changed. Keys the change added are removed again; the currency column goes back
 * with the rest when it was part of the change.
 */
export async function undoSettingsChange(db: Db, workspaceId: string, entryId: string, words: ChangeWords, actor: UndoActor): Promise<SettingsUndone> {
  return db.transaction(async (tx) => {
    // Locked first, so no other change slips in between the check and the write.
    const [row] = await tx.select().from(workspaces).where(eq(workspaces.id, workspaceId)).for('update');
    if (!row) throw new Error(`workspace ${workspaceId} not found`);
    const entry = await undoableEntry(tx, workspaceId, entryId, 'settings', words, actor);
    const places = changedPlaces(entry);
    refuseIfMoved({ ...workspaceSettings(row), currency: row.currency }, places, entry, words);
    const keys = Object.keys(entry.after);
    const currency = keys.includes('currency') && typeof entry.before.currency === 'string' ? { currency: entry.before.currency } : {};
    const result = await updateWorkspaceSettings(tx, workspaceId, (current) => putBack(current, places, entry.before), { userId: actor.userId, now: actor.now }, currency, 'undo-settings');
    return { undone: result.before, restored: result.after, keys, workspace: result.workspace };
  });
}

/**
 * Puts back the alert channel a change of it (`entryId`, an audit entry of action
 * 'alert-channel') replaced, or none. A channel that has become a customer channel
 * since cannot be the alert channel again.
 */
export async function undoAlertChannelChange(db: Db, workspaceId: string, entryId: string, words: ChangeWords, actor: UndoActor): Promise<{ channelId: string | null }> {
  return db.transaction(async (tx) => {
    // The lock setAlertChannel takes, taken first so the check and the write see the same channel.
    await tx.select({ id: workspaces.id }).from(workspaces).where(eq(workspaces.id, workspaceId)).for('update');
    const entry = await undoableEntry(tx, workspaceId, entryId, 'alert-channel', words, actor);
    refuseIfMoved({ channelId: (await alertChannel(tx, workspaceId)) ?? null }, [{ key: 'channelId' }], entry, words);
    const channelId = typeof entry.before.channelId === 'string' ? entry.before.channelId : null;
    if (channelId !== null && (await channelStanding(tx, workspaceId, channelId)).kind === 'customer') {
      throw new UserError(`#${channelId} is a customer channel now: the customer reads it, so it cannot be the alert channel again.`, { hint: words.instead });
    }
    await setAlertChannel(tx, workspaceId, channelId, { userId: actor.userId, now: actor.now }, 'undo-alert-channel');
    return { channelId };
  });
}
