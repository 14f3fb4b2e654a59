// Builds the Teams app manifest from the command registry (the bot's command menu
// lists registry commands, help first; the message extension's commands come from
// src/platforms/teams/extension-commands.ts), and checks a manifest against the Teams
// JSON schema of the version it declares — the schema shipped in the
// @microsoft/app-manifest package, never fetched.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ManifestUtil } from '@microsoft/app-manifest';
import { COMMANDS } from '../commands/registry.js';
import { EXTENSION_COMMANDS } from '../src/platforms/teams/extension-commands.js';
import { PLACEHOLDER_HOST } from './slack-manifest.js';

export const TEAMS_MANIFEST_VERSION = '1.19';
/** Replaced by TEAMS_APP_ID in `npm run teams:package`. */
export const PLACEHOLDER_APP_ID = '00000000-0000-0000-0000-000000000000';
/** Teams' schema: at most 10 commands per list, titles ≤ 32 and descriptions ≤ 128 characters. */
export const TEAMS_COMMAND_LIMIT = 10;
const SCOPES = ['team', 'groupChat', 'personal'] as const;

const packageVersion = (JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;

const cut = (value: string, max: number) => (value.length <= max ? value : `${value.slice(0, max - 1)}…`);

export function teamsCommands(): { title: string; description: string }[] {
  const all = [
    { title: 'help', description: 'Every command with its usage and an example; "<command> help" for one' },
    ...COMMANDS.map((c) => ({ title: c.name, description: c.summary })),
  ];
  return all.slice(0, TEAMS_COMMAND_LIMIT).map((c) => ({ title: cut(c.title, 32), description: cut(c.description, 128) }));
}

export function teamsManifest(appId: string = PLACEHOLDER_APP_ID): Record<string, unknown> {
  return {
    $schema: `https://developer.microsoft.com/en-us/json-schemas/teams/v${TEAMS_MANIFEST_VERSION}/MicrosoftTeams.schema.json`,
    manifestVersion: TEAMS_MANIFEST_VERSION,
    version: packageVersion,
    id: appId,
    developer: {
      name: 'Tenure',
      websiteUrl: PLACEHOLDER_HOST,
      privacyUrl: `${PLACEHOLDER_HOST}/privacy`,
      termsOfUseUrl: `${PLACEHOLDER_HOST}/terms`,
    },
    name: { short: 'Tenure', full: 'Tenure: customer lifecycle for cloud MSPs' },
    description: {
      short: 'Check-ins, tickets, surveys, health and renewals for your customers, in Teams.',
      full:
        'Tenure keeps a managed-service provider’s customer-success practice in Microsoft Teams. Log check-ins and tickets with a message to the bot, ' +
        'ask for an account’s health or the renewals coming up, run NPS and CSAT surveys answered with one click, and get weekly health digests, ' +
        'renewal alerts and SLA alerts in your channels.',
    },
    icons: { color: 'color.png', outline: 'outline.png' },
    accentColor: '#1F3B2F',
    bots: [
      {
        botId: appId,
        scopes: [...SCOPES],
        supportsFiles: false,
        isNotificationOnly: false,
        commandLists: [{ scopes: [...SCOPES], commands: teamsCommands() }],
      },
    ],
    // The message extension: find an account for the compose box; "Log as check-in" on a message's menu.
    composeExtensions: [{ botId: appId, commands: EXTENSION_COMMANDS }],
    permissions: ['identity', 'messageTeamMembers'],
    validDomains: [],
  };
}

export function teamsManifestJson(appId?: string): string {
  return `${JSON.stringify(teamsManifest(appId), null, 2)}\n`;
}

/** Schema errors for a manifest (empty when valid), against the schema of the version it declares. */
export async function teamsManifestErrors(manifest: Record<string, unknown>): Promise<string[]> {
  const version = String(manifest.manifestVersion ?? '');
  if (!/^\d+\.\d+$/.test(version)) return [`manifestVersion "${version}" is not a schema version`];
  const root = path.dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest/package.json'));
  const file = path.join(root, 'build', 'json-schemas', 'teams', `v${version}`, 'MicrosoftTeams.schema.json');
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return ManifestUtil.validateManifestAgainstSchema(manifest as never, schema as never);
}
