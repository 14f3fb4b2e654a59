// manifest/slack.yml and manifest/teams/ are generated from the registry; a stale copy fails here.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { COMMANDS, SHORTCUTS } from '../commands/registry.js';
import { unzipSync } from 'fflate';
import { slackManifestYaml } from '../scripts/slack-manifest.js';
import { colorIcon, outlineIcon, pngSize } from '../scripts/teams-icons.js';
import { TEAMS_COMMAND_LIMIT, teamsManifestErrors, teamsManifestJson } from '../scripts/teams-manifest.js';
import { buildTeamsPackage } from '../scripts/teams-package.js';

const checkedIn = readFileSync(path.join(import.meta.dirname, '..', 'manifest', 'slack.yml'), 'utf8');

describe('manifest/slack.yml', () => {
  it('is up to date with the command registry (run `npm run manifest` if not)', () => {
    expect(checkedIn).toBe(slackManifestYaml());
  });

  it('declares every registry command and /tenure as slash commands with escaping on', () => {
    const slash = COMMANDS.filter((c) => !c.tenureOnly);
    for (const name of ['tenure', ...slash.map((c) => c.name)]) {
      expect(checkedIn).toContain(`- command: "/${name}"`);
    }
    // /tenure-only commands (/tenure admin …) get no slash command of their own.
    for (const c of COMMANDS.filter((c) => c.tenureOnly)) expect(checkedIn).not.toContain(`- command: "/${c.name}"`);
    const count = (checkedIn.match(/should_escape: true/g) ?? []).length;
    expect(count).toBe(slash.length + 1);
  });
});

describe('manifest/slack.yml shortcuts', () => {
  it('declares the registry’s shortcuts, each the id of an action a command answers', () => {
    expect(SHORTCUTS.map((s) => s.id)).toEqual(['checkin.from-message', 'checkin.form']);
    for (const s of SHORTCUTS) {
      expect(checkedIn).toContain(`- name: ${JSON.stringify(s.name)}\n      type: "${s.kind}"\n      callback_id: "${s.id}"`);
      expect(COMMANDS.some((c) => c.actions?.[s.id])).toBe(true);
      expect(s.description.length).toBeLessThanOrEqual(150);
    }
  });
});

describe('manifest/teams', () => {
  const teamsDir = path.join(import.meta.dirname, '..', 'manifest', 'teams');
  const read = (name: string) => readFileSync(path.join(teamsDir, name));

  it('manifest.json is up to date with the command registry (run `npm run manifest` if not)', () => {
    expect(read('manifest.json').toString('utf8')).toBe(teamsManifestJson());
  });

  it('lists help and the registry commands in the bot menu for every scope, within Teams limits', () => {
    const manifest = JSON.parse(read('manifest.json').toString('utf8'));
    const [bot] = manifest.bots;
    expect(bot.scopes).toEqual(['team', 'groupChat', 'personal']);
    const titles = bot.commandLists[0].commands.map((c: { title: string }) => c.title);
    expect(titles).toEqual(['help', ...COMMANDS.map((c) => c.name)].slice(0, TEAMS_COMMAND_LIMIT));
  });

  it('declares the message extension: account search for the compose box, and the registry’s message shortcut on a message’s menu', () => {
    const manifest = JSON.parse(read('manifest.json').toString('utf8'));
    const [extension] = manifest.composeExtensions;
    expect(extension.botId).toBe(manifest.bots[0].botId);
    expect(extension.commands.map((c: { id: string; type: string; context: string[] }) => [c.id, c.type, c.context])).toEqual([
      ['findAccount', 'query', ['compose', 'commandBox']],
      ['logCheckin', 'action', ['message']],
    ]);
    const fromMessage = SHORTCUTS.find((s) => s.kind === 'message')!;
    expect(extension.commands[1]).toMatchObject({ title: fromMessage.name, description: fromMessage.description, fetchTask: true });
  });

  it('has the icons Teams asks for: color 192×192, outline 32×32 in white on transparent', () => {
    expect(pngSize(read('color.png'))).toEqual({ width: 192, height: 192 });
    expect(pngSize(read('outline.png'))).toEqual({ width: 32, height: 32 });
    expect(read('color.png').equals(colorIcon())).toBe(true);
    expect(read('outline.png').equals(outlineIcon())).toBe(true);
    // Unfiltered RGBA rows as the encoder writes them: every outline pixel is white, only alpha varies.
    const png = read('outline.png');
    const idat = png.subarray(png.indexOf('IDAT') + 4, png.indexOf('IEND') - 8);
    const rows = inflateSync(idat);
    const alphas = new Set<number>();
    for (let y = 0; y < 32; y++) {
      for (let x = 0; x < 32; x++) {
        const i = y * 129 + 1 + x * 4;
        expect([rows[i], rows[i + 1], rows[i + 2]]).toEqual([255, 255, 255]);
        alphas.add(rows[i + 3]!);
      }
    }
    expect(alphas.has(0) && alphas.has(255)).toBe(true);
  });

  it('`npm run teams:package` builds a zip whose manifest validates against the Teams schema it declares', async () => {
    const appId = '5b2a8c1e-7d4f-4c1a-9e3b-2f6d8a0c4e11';
    const files = unzipSync(await buildTeamsPackage(appId));
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8'));
    expect(manifest.id).toBe(appId);
    expect(manifest.bots[0].botId).toBe(appId);
    expect(manifest.composeExtensions[0].botId).toBe(appId);
    expect(manifest.$schema).toContain(`/v${manifest.manifestVersion}/`);
    expect(await teamsManifestErrors(manifest)).toEqual([]);
    expect(pngSize(files['color.png']!)).toEqual({ width: 192, height: 192 });
    // The check is real: a manifest breaking the schema is reported.
    const broken = { ...manifest, accentColor: 'green', bots: [{ ...manifest.bots[0], commandLists: [{ scopes: ['team'], commands: Array.from({ length: 11 }, (_v, i) => ({ title: `c${i}`, description: 'x' })) }] }] };
    expect((await teamsManifestErrors(broken)).length).toBeGreaterThanOrEqual(2);
    await expect(buildTeamsPackage('not-a-guid')).rejects.toThrow(/GUID/);
  });
});
