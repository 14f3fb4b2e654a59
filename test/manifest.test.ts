// manifest/slack.yml is generated from the registry; a stale copy fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../commands/registry.js';
import { slackManifestYaml } from '../scripts/slack-manifest.js';

const checkedIn = readFileSync(path.join(import.meta.dirname, '..', 'manifest', 'slack.yml'), 'utf8');

describe('manifest/slack.yml', () => {
  it('is up to date with the command registry (run `npm run manifest` if not)', () => {
    expect(checkedIn).toBe(slackManifestYaml());
  });

  it('declares every registry command and /tenure as slash commands with escaping on', () => {
    for (const name of ['tenure', ...COMMANDS.map((c) => c.name)]) {
      expect(checkedIn).toContain(`- command: "/${name}"`);
    }
    const count = (checkedIn.match(/should_escape: true/g) ?? []).length;
    expect(count).toBe(COMMANDS.length + 1);
  });
});
