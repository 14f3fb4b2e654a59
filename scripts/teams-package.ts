// `npm run teams:package`: the Teams app package to sideload or upload — a zip of
// manifest/teams/manifest.json (with TEAMS_APP_ID as the app and bot id when set)
// and its two icons, checked against the Teams schema before it is written.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';
import { isUuid } from '../src/core/ids.js';
import { PLACEHOLDER_APP_ID, teamsManifestErrors } from './teams-manifest.js';

export const TEAMS_DIR = path.join(import.meta.dirname, '..', 'manifest', 'teams');
export const PACKAGE_PATH = path.join(TEAMS_DIR, 'tenure.zip');

/** The package's bytes; throws naming every schema error. */
export async function buildTeamsPackage(appId?: string): Promise<Uint8Array> {
  // A Microsoft App ID is a GUID: the same 8-4-4-4-12 shape as our row ids.
  if (appId !== undefined && !isUuid(appId)) throw new Error(`TEAMS_APP_ID must be the bot's Microsoft App ID, a GUID (got "${appId}")`);
  const manifest = JSON.parse(readFileSync(path.join(TEAMS_DIR, 'manifest.json'), 'utf8')) as Record<string, any>;
  if (appId) {
    manifest.id = appId;
    for (const bot of manifest.bots ?? []) bot.botId = appId;
    for (const extension of manifest.composeExtensions ?? []) extension.botId = appId;
  }
  const errors = await teamsManifestErrors(manifest);
  if (errors.length > 0) throw new Error(`manifest.json does not match the Teams ${manifest.manifestVersion} schema:\n${errors.join('\n')}`);
  // A fixed date keeps the zip's bytes the same for the same inputs.
  const mtime = new Date('2026-01-01T00:00:00Z');
  return zipSync(
    {
      'manifest.json': [Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), { mtime }],
      'color.png': [readFileSync(path.join(TEAMS_DIR, 'color.png')), { mtime }],
      'outline.png': [readFileSync(path.join(TEAMS_DIR, 'outline.png')), { mtime }],
    },
    { level: 9 },
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // Scripts read their own environment; the server's configuration stays in src/config.ts.
  const appId = process.env.TEAMS_APP_ID?.trim() || undefined;
  buildTeamsPackage(appId).then(
    (zip) => {
      writeFileSync(PACKAGE_PATH, zip);
      console.log(`wrote ${path.relative(process.cwd(), PACKAGE_PATH)} (${zip.length} bytes)${appId ? '' : `; app id is the placeholder ${PLACEHOLDER_APP_ID}: set TEAMS_APP_ID to your bot's id`}`);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
