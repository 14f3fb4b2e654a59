// Customer channels and internal channels (PRODUCT.md): what a channel counts as,
// and where an account's alerts go. A customer channel is where the customer
// reads: linked as one, or shared with another organisation whatever it was
// linked as (the platform says so: Slack Connect, a Teams shared channel). An
// internal channel is the team's own. Alerts never go to a customer channel:
// the account's internal channel, else the workspace's alert channel, else the
// owner privately, else the workspace's first admin privately.
import { and, asc, eq, inArray, isNull, ne } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { accountChannels, accounts, CHANNEL_KINDS, channelSettings, users, workspaces } from '../../db/schema.js';
import { recordAudit } from './audit.js';
import { UserError } from './errors.js';

export type ChannelKind = (typeof CHANNEL_KINDS)[number];

export interface ChannelStanding {
  channelId: string;
  /** Its name when it was linked, if the platform gave one. */
  channelName: string | null;
  /** What Tenure treats the channel as; `unlinked`: no account's, and not shared. */
  kind: ChannelKind | 'unlinked';
  /** How a person linked it, if they did. */
  linkedAs: ChannelKind | null;
  account: { id: string; name: string } | null;
  /** The platform said people of another organisation read it. */
  sharedExternally: boolean;
  isAlertChannel: boolean;
  /** A weekly digest is scheduled here (enabled). */
  digestEnabled: boolean;
}

/** A shared channel is a customer channel whatever it was linked as. */
export function kindOf(linkedAs: ChannelKind | null, sharedExternally: boolean): ChannelStanding['kind'] {
  return sharedExternally ? 'customer' : (linkedAs ?? 'unlinked');
}

/** What a channel counts as, from its link and what its platform last said about it. */
export async function channelStanding(db: Db, workspaceId: string, channelId: string): Promise<ChannelStanding> {
  const [link] = await db
    .select({ kind: accountChannels.kind, accountId: accounts.id, accountName: accounts.name, channelName: accountChannels.channelName })
    .from(accountChannels)
    .innerJoin(accounts, eq(accounts.id, accountChannels.accountId))
    .where(and(eq(accountChannels.workspaceId, workspaceId), eq(accountChannels.channelId, channelId)));
  const [settings] = await db
    .select({ shared: channelSettings.sharedExternally, isAlert: channelSettings.isAlertChannel, digest: channelSettings.digestEnabled })
    .from(channelSettings)
    .where(and(eq(channelSettings.workspaceId, workspaceId), eq(channelSettings.channelId, channelId)));
  const sharedExternally = settings?.shared ?? false;
  const linkedAs = link?.kind ?? null;
  return {
    channelId,
    channelName: link?.channelName ?? null,
    kind: kindOf(linkedAs, sharedExternally),
    linkedAs,
    account: link ? { id: link.accountId, name: link.accountName } : null,
    sharedExternally,
    isAlertChannel: settings?.isAlert ?? false,
    digestEnabled: settings?.digest ?? false,
  };
}

/**
 * Keeps what the platform said about a channel's sharing (on each request from it),
 * so scheduled jobs, which have no request, know it too. Writes only a change.
 */
export async function noteChannelSharing(db: Db, workspaceId: string, standing: ChannelStanding, sharedExternally: boolean, now: Date): Promise<ChannelStanding> {
  if (standing.sharedExternally === sharedExternally) return standing;
  await db
    .insert(channelSettings)
    .values({ workspaceId, channelId: standing.channelId, sharedExternally, sharedCheckedAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [channelSettings.workspaceId, channelSettings.channelId], set: { sharedExternally, sharedCheckedAt: now, updatedAt: now } });
  return { ...standing, sharedExternally, kind: kindOf(standing.linkedAs, sharedExternally) };
}

/**
 * The platform told, without anyone asking (Slack's channel_shared / channel_unshared
 * events), that a channel of one of its workspaces is now shared or not: kept at once,
 * so the next alert already knows. A workspace Tenure has never seen is left alone.
 */
export async function platformSaysShared(db: Db, platform: (typeof workspaces.$inferSelect)['platform'], externalId: string, channelId: string, shared: boolean, now: Date): Promise<boolean> {
  const [workspace] = await db
    .select({ id: workspaces.id })
    .from(workspaces)
    .where(and(eq(workspaces.platform, platform), eq(workspaces.externalId, externalId)));
  if (!workspace) return false;
  await noteChannelSharing(db, workspace.id, await channelStanding(db, workspace.id, channelId), shared, now);
  return true;
}

/** Why a shared channel cannot be an internal one, in the words every door shows. */
export const SHARED_NOT_INTERNAL =
  'This channel is shared with another organisation, so the customer can read it: it can only be a customer channel (surveys), never an internal one (alerts).';

/**
 * Links a channel to an account as a customer or internal channel (a channel serves
 * one account; relinking moves it or changes its kind). A channel shared with another
 * organisation is refused as internal.
 */
export async function linkChannel(
  db: Db,
  workspaceId: string,
  input: { accountId: string; channelId: string; channelName?: string | undefined; kind: ChannelKind; sharedExternally: boolean },
  actor: { userId: string | null; label?: string; now: Date },
): Promise<{ previous: { accountId: string; kind: ChannelKind } | null }> {
  if (input.kind === 'internal' && input.sharedExternally) {
    throw new UserError(SHARED_NOT_INTERNAL, { hint: 'Link it as a customer channel (the default), and link one of your team’s own channels as internal for alerts.' });
  }
  const [existing] = await db
    .select()
    .from(accountChannels)
    .where(and(eq(accountChannels.workspaceId, workspaceId), eq(accountChannels.channelId, input.channelId)));
  await db
    .insert(accountChannels)
    .values({
      workspaceId,
      channelId: input.channelId,
      accountId: input.accountId,
      channelName: input.channelName ?? null,
      kind: input.kind,
      linkedByUserId: actor.userId,
      linkedAt: actor.now,
    })
    .onConflictDoUpdate({
      target: [accountChannels.workspaceId, accountChannels.channelId],
      set: { accountId: input.accountId, channelName: input.channelName ?? null, kind: input.kind, linkedByUserId: actor.userId, linkedAt: actor.now },
    });
  await recordAudit(db, workspaceId, {
    actorUserId: actor.userId,
    actorLabel: actor.label,
    at: actor.now,
    entityType: 'account',
    entityId: input.accountId,
    action: 'link-channel',
    before: existing ? { channelId: existing.channelId, accountId: existing.accountId, kind: existing.kind } : null,
    after: { channelId: input.channelId, accountId: input.accountId, kind: input.kind },
  });
  return { previous: existing ? { accountId: existing.accountId, kind: existing.kind } : null };
}

export interface LinkedChannel {
  channelId: string;
  channelName: string | null;
  /** As Tenure treats it (a shared channel linked as internal counts as customer). */
  kind: ChannelKind;
  linkedAs: ChannelKind;
  sharedExternally: boolean;
}

/** An account's channels, oldest link first. */
export async function accountChannelList(db: Db, workspaceId: string, accountId: string): Promise<LinkedChannel[]> {
  const rows = await db
    .select({ channelId: accountChannels.channelId, channelName: accountChannels.channelName, linkedAs: accountChannels.kind, shared: channelSettings.sharedExternally })
    .from(accountChannels)
    .leftJoin(channelSettings, and(eq(channelSettings.workspaceId, accountChannels.workspaceId), eq(channelSettings.channelId, accountChannels.channelId)))
    .where(and(eq(accountChannels.workspaceId, workspaceId), eq(accountChannels.accountId, accountId)))
    .orderBy(asc(accountChannels.linkedAt), asc(accountChannels.channelId));
  return rows.map((r) => {
    const sharedExternally = r.shared ?? false;
    return { channelId: r.channelId, channelName: r.channelName, linkedAs: r.linkedAs, sharedExternally, kind: sharedExternally ? 'customer' : r.linkedAs };
  });
}

/** Where an account's alerts go, by the rule in the header. */
export type AlertRoute =
  | { to: 'channel'; channelId: string; via: 'internal' | 'alert-channel' }
  | { to: 'person'; platformUserId: string; name: string; via: 'owner' | 'admin' };

/** What routing needs, loaded once for a workspace (or one account of it). */
interface Routing {
  internalByAccount: Map<string, string>;
  alertChannel: string | null;
  admin: { platformUserId: string; name: string } | null;
  owners: Map<string, { platformUserId: string; name: string } | null>;
}

async function loadRouting(db: Db, workspaceId: string, accountIds?: string[]): Promise<Routing> {
  const accountFilter = accountIds ? inArray(accounts.id, accountIds) : undefined;
  const links = await db
    .select({ accountId: accountChannels.accountId, channelId: accountChannels.channelId, kind: accountChannels.kind, shared: channelSettings.sharedExternally })
    .from(accountChannels)
    .innerJoin(accounts, eq(accounts.id, accountChannels.accountId))
    .leftJoin(channelSettings, and(eq(channelSettings.workspaceId, accountChannels.workspaceId), eq(channelSettings.channelId, accountChannels.channelId)))
    .where(and(eq(accountChannels.workspaceId, workspaceId), accountFilter))
    .orderBy(asc(accountChannels.linkedAt), asc(accountChannels.channelId));
  const internalByAccount = new Map<string, string>();
  for (const l of links) if (l.kind === 'internal' && !l.shared && !internalByAccount.has(l.accountId)) internalByAccount.set(l.accountId, l.channelId);

  const [alert] = await db
    .select({ channelId: channelSettings.channelId, shared: channelSettings.sharedExternally, linkedAs: accountChannels.kind })
    .from(channelSettings)
    .leftJoin(accountChannels, and(eq(accountChannels.workspaceId, channelSettings.workspaceId), eq(accountChannels.channelId, channelSettings.channelId)))
    .where(and(eq(channelSettings.workspaceId, workspaceId), eq(channelSettings.isAlertChannel, true)))
    .orderBy(asc(channelSettings.updatedAt))
    .limit(1);
  // An alert channel that has since become a customer channel is passed over, not posted in.
  const alertChannel = alert && kindOf(alert.linkedAs, alert.shared) !== 'customer' ? alert.channelId : null;

  // The whole portfolio means the accounts that still get alerts: not churned, not archived.
  const portfolio = accountIds ? accountFilter : and(ne(accounts.stage, 'churned'), isNull(accounts.archivedAt));
  const ownerRows = await db
    .select({ accountId: accounts.id, platformUserId: users.platformUserId, name: users.displayName })
    .from(accounts)
    .leftJoin(users, eq(users.id, accounts.ownerUserId))
    .where(and(eq(accounts.workspaceId, workspaceId), portfolio));
  const owners = new Map(ownerRows.map((o) => [o.accountId, o.platformUserId ? { platformUserId: o.platformUserId, name: o.name! } : null]));

  const admin = await firstAdmin(db, workspaceId);
  return { internalByAccount, alertChannel, admin: admin ?? null, owners };
}

/** A person to tell privately when no one else is named: the workspace's first admin. */
export async function firstAdmin(db: Db, workspaceId: string): Promise<{ platformUserId: string; name: string } | undefined> {
  const [admin] = await db
    .select({ platformUserId: users.platformUserId, name: users.displayName })
    .from(users)
    .where(and(eq(users.workspaceId, workspaceId), eq(users.role, 'admin')))
    .orderBy(asc(users.createdAt), asc(users.id))
    .limit(1);
  return admin;
}

function routeFor(routing: Routing, accountId: string | null): AlertRoute | undefined {
  const internal = accountId ? routing.internalByAccount.get(accountId) : undefined;
  if (internal) return { to: 'channel', channelId: internal, via: 'internal' };
  if (routing.alertChannel) return { to: 'channel', channelId: routing.alertChannel, via: 'alert-channel' };
  const owner = accountId ? routing.owners.get(accountId) : undefined;
  if (owner) return { to: 'person', ...owner, via: 'owner' };
  if (routing.admin) return { to: 'person', ...routing.admin, via: 'admin' };
  return undefined;
}

/** Where one account's alerts go now (undefined: nowhere at all — no channel, owner or admin). */
export async function alertRoute(db: Db, workspaceId: string, accountId: string): Promise<AlertRoute | undefined> {
  return routeFor(await loadRouting(db, workspaceId, [accountId]), accountId);
}

/** Where each account's alerts go now, for the given accounts, else every account that still gets alerts (not churned or archived). */
export async function alertRoutes(db: Db, workspaceId: string, accountIds?: string[]): Promise<Map<string, AlertRoute | undefined>> {
  const routing = await loadRouting(db, workspaceId, accountIds);
  return new Map([...routing.owners.keys()].map((id) => [id, routeFor(routing, id)]));
}

/** The channel id an alert is posted to: a channel, or a person's own id (a direct message). */
export function routeTarget(route: AlertRoute): string {
  return route.to === 'channel' ? route.channelId : route.platformUserId;
}

/** Every channel of the workspace that has a kind, for a list (the console's channel picker). */
export async function channelKinds(db: Db, workspaceId: string): Promise<{ channelId: string; channelName: string | null; kind: ChannelKind; accountName: string }[]> {
  const rows = await db
    .select({ channelId: accountChannels.channelId, channelName: accountChannels.channelName, linkedAs: accountChannels.kind, shared: channelSettings.sharedExternally, accountName: accounts.name })
    .from(accountChannels)
    .innerJoin(accounts, eq(accounts.id, accountChannels.accountId))
    .leftJoin(channelSettings, and(eq(channelSettings.workspaceId, accountChannels.workspaceId), eq(channelSettings.channelId, accountChannels.channelId)))
    .where(eq(accountChannels.workspaceId, workspaceId))
    .orderBy(asc(accountChannels.channelId));
  return rows.map((r) => ({ channelId: r.channelId, channelName: r.channelName, accountName: r.accountName, kind: r.shared ? 'customer' : r.linkedAs }));
}

/** A channel as a channel picker shows it (the console's): what it is, and whose. */
export interface ChannelListing {
  channelId: string;
  name: string;
  kind: ChannelKind | 'unlinked';
  accountName: string | null;
  isAlertChannel: boolean;
}

/** Every channel of the workspace Tenure knows something about: linked ones, the alert channel, digest channels. */
export async function workspaceChannels(db: Db, workspaceId: string): Promise<ChannelListing[]> {
  const linked = await channelKinds(db, workspaceId);
  const settings = await db
    .select({ channelId: channelSettings.channelId, isAlert: channelSettings.isAlertChannel, shared: channelSettings.sharedExternally, digest: channelSettings.digestEnabled })
    .from(channelSettings)
    .where(eq(channelSettings.workspaceId, workspaceId));
  const byId = new Map<string, ChannelListing>(
    linked.map((l) => [l.channelId, { channelId: l.channelId, name: l.channelName ?? l.channelId, kind: l.kind, accountName: l.accountName, isAlertChannel: false }]),
  );
  for (const s of settings) {
    const known = byId.get(s.channelId);
    if (known) known.isAlertChannel = s.isAlert;
    else if (s.isAlert || s.shared || s.digest) byId.set(s.channelId, { channelId: s.channelId, name: s.channelId, kind: s.shared ? 'customer' : 'unlinked', accountName: null, isAlertChannel: s.isAlert });
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}
