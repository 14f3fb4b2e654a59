// `npm run manifest`: writes manifest/slack.yml and manifest/teams/manifest.json
// (with its icons) from the command registry, so the commands Slack and Teams know
// are exactly the ones Tenure answers. A test fails when a checked-in file is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { slackManifestYaml } from './slack-manifest.js';
import { colorIcon, outlineIcon } from './teams-icons.js';
import { teamsManifestJson } from './teams-manifest.js';

const target = path.join(import.meta.dirname, '..', 'manifest', 'slack.yml');
writeFileSync(target, slackManifestYaml());
console.log(`wrote ${path.relative(process.cwd(), target)}`);

const teams = path.join(import.meta.dirname, '..', 'manifest', 'teams');
mkdirSync(teams, { recursive: true });
writeFileSync(path.join(teams, 'manifest.json'), teamsManifestJson());
writeFileSync(path.join(teams, 'color.png'), colorIcon());
writeFileSync(path.join(teams, 'outline.png'), outlineIcon());
console.log(`wrote ${path.relative(process.cwd(), teams)}/manifest.json, color.png, outline.png`);
