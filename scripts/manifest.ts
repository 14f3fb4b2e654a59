// `npm run manifest`: writes manifest/slack.yml from the command registry, so the
// slash commands Slack knows are exactly the ones Tenure answers. A test fails
// when the checked-in file is stale.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { slackManifestYaml } from './slack-manifest.js';

const target = path.join(import.meta.dirname, '..', 'manifest', 'slack.yml');
writeFileSync(target, slackManifestYaml());
console.log(`wrote ${path.relative(process.cwd(), target)}`);
