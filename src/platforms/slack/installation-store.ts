// Slack OAuth installations in the database (the installations table), so every
// replica can authorize any installed workspace. Installing (again) activates
// the workspace and makes the installer an admin; uninstalling deactivates it
// and keeps its data.
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { installations, workspaces } from '../../../db/schema.js';
import { grantAdmin } from '../../core/roles.js';
import { ensureUser, ensureWorkspace } from '../../core/workspaces.js';

/** Our key for a Slack install: the team, or the enterprise for org-wide installs. */
function teamKey(query: { teamId?: string; enterpriseId?: string; isEnterpriseInstall?: boolean }): { teamId: string | null; enterpriseId: string | null } {
  if (query.isEnterpriseInstall && query.enterpriseId) return { teamId: null, enterpriseId: query.enterpriseId };
  return { teamId: query.teamId ?? null, enterpriseId: null };
}

export function databaseInstallationStore(db: Db, options: { timezone: string; currency?: string; clock: () => Date }): InstallationStore {
  return {
    async storeInstallation(installation: Installation) {
      const isOrg = installation.isEnterpriseInstall === true;
      const externalId = isOrg ? installation.enterprise!.id : installation.team!.id;
      const name = (isOrg ? installation.enterprise?.name : installation.team?.name) ?? externalId;
      const key = teamKey({ teamId: installation.team?.id, enterpriseId: installation.enterprise?.id, isEnterpriseInstall: isOrg });
      const now = options.clock();
      await db.transaction(async (tx) => {
        const workspace = await ensureWorkspace(tx, { platform: 'slack', externalId, name, timezone: options.timezone, currency: options.currency });
        await tx.update(workspaces).set({ active: true, deactivatedAt: null, name }).where(eq(workspaces.id, workspace.id));
        const existing = await tx
          .select({ id: installations.id })
          .from(installations)
          .where(and(eq(installations.platform, 'slack'), keyMatch(key)));
        const row = {
          workspaceId: workspace.id,
          platform: 'slack' as const,
          teamId: key.teamId,
          enterpriseId: key.enterpriseId,
          installerUserId: installation.user.id,
          data: installation as unknown as Record<string, unknown>,
          installedAt: now,
          uninstalledAt: null,
        };
        if (existing[0]) await tx.update(installations).set(row).where(eq(installations.id, existing[0].id));
        else await tx.insert(installations).values(row);
        // The installer administers the workspace in Tenure (audited like any grant).
        const installer = await ensureUser(tx, workspace.id, { platformUserId: installation.user.id, displayName: installation.user.id });
        await grantAdmin(tx, workspace.id, installer, { userId: null, label: 'Slack install', now });
      });
    },

    async fetchInstallation(query: InstallationQuery<boolean>) {
      const key = teamKey(query);
      const [row] = await db
        .select({ data: installations.data })
        .from(installations)
        .where(and(eq(installations.platform, 'slack'), keyMatch(key), isNull(installations.uninstalledAt)));
      if (!row) throw new Error(`Tenure is not installed in Slack ${key.enterpriseId ? `enterprise ${key.enterpriseId}` : `team ${key.teamId}`}`);
      return row.data as unknown as Installation;
    },

    async deleteInstallation(query: InstallationQuery<boolean>) {
      await markUninstalled(db, teamKey(query), options.clock());
    },
  };
}

function keyMatch(key: { teamId: string | null; enterpriseId: string | null }) {
  return key.enterpriseId
    ? and(eq(installations.enterpriseId, key.enterpriseId), isNull(installations.teamId))
    : and(eq(installations.teamId, key.teamId ?? ''), isNull(installations.enterpriseId));
}

/** Deactivates a Slack workspace (app uninstalled or tokens revoked); nothing is deleted. */
export async function deactivateSlackWorkspace(db: Db, teamId: string, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(workspaces)
      .set({ active: false, deactivatedAt: now })
      .where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, teamId)));
    await markUninstalled(tx, { teamId, enterpriseId: null }, now);
  });
}

async function markUninstalled(db: Db, key: { teamId: string | null; enterpriseId: string | null }, now: Date): Promise<void> {
  await db
    .update(installations)
    .set({ uninstalledAt: now })
    .where(and(eq(installations.platform, 'slack'), keyMatch(key), isNull(installations.uninstalledAt)));
}
