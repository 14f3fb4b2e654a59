// Account names that are no names (only controls, bidi overrides, zero-width or
// blank characters) are refused on every way a name comes in — /account add, set
// name=, lookups, a CSV shared in chat — and the controls are removed from names
// that do have something to read. An empty quoted name answers one sentence with
// the usage and an example, on every command that takes an account.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { SharedFile } from '../../commands/context.js';
import { previewSharedCsv } from '../../commands/csv-import.js';
import { accounts } from '../../db/schema.js';
import type { Reply } from '../../src/messages/message.js';
import { renderPlain } from '../../src/messages/plain.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const plain = (reply: Reply) => reply.messages.map(renderPlain).join('\n');
const INVISIBLE =
  'The account name has nothing visible in it, only spaces or invisible characters: type it as people should read it, with letters or digits, e.g. "Acme Corp".';

/** Any two-word phrase said twice in one sentence ("the account name the account name"). */
function repeatedPhrase(sentence: string): string | undefined {
  const words = sentence.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const seen = new Set<string>();
  for (let i = 0; i + 1 < words.length; i++) {
    const pair = `${words[i]} ${words[i + 1]}`;
    if (seen.has(pair)) return pair;
    seen.add(pair);
  }
  return undefined;
}

describe.each(ENGINES)('account names on $name', (engine) => {
  const t = registryOn(engine);
  const names = async (workspaceId: string) =>
    (await t.database.db.select({ name: accounts.name }).from(accounts).where(eq(accounts.workspaceId, workspaceId))).map((r) => r.name).sort();

  it('/account add refuses a name with nothing visible, with the usage and an example', async () => {
    const ctx = await newContext(t.database.db);
    for (const name of ['\u0000\u202e', '\u202e', '\u200b\ufeff', '\u3164', '\u2066\u2069', ' \u00ad ']) {
      const reply = await t.registry.run(ctx, `/account add "${name}" arr=10k`);
      const input = JSON.stringify(name);
      expect(reply.messages[0]!.tone, input).toBe('error');
      expect(reply.messages[0]!.text, input).toBe(INVISIBLE);
      expect(plain(reply), input).toContain('Usage: /account add <name>');
      expect(plain(reply), input).toContain('Example: /account add "Acme Corp"');
    }
    expect(await names(ctx.workspace.id)).toEqual([]);
  });

  it('/account add removes control and bidi characters from a name it keeps', async () => {
    const ctx = await newContext(t.database.db);
    const added = plain(await t.registry.run(ctx, '/account add "\u202eAcme\u0007 Corp\u2066" arr=10k'));
    expect(added).toContain('Added account Acme Corp');
    expect(await names(ctx.workspace.id)).toEqual(['Acme Corp']);
    // The same name with other invisible characters is the same account, not a look-alike.
    expect(plain(await t.registry.run(ctx, '/account add "Ac\u200bme Corp\u200f"'))).toContain('An account named "Acme Corp" already exists');
    expect(plain(await t.registry.run(ctx, '/account "Acme\u202e Corp"'))).toContain('Acme Corp');
    expect(await names(ctx.workspace.id)).toEqual(['Acme Corp']);
  });

  it('/account set name= refuses an invisible name and cleans a visible one', async () => {
    const ctx = await newContext(t.database.db);
    await t.registry.run(ctx, '/account add Hooli');
    const refused = await t.registry.run(ctx, '/account set Hooli name="\u202e\u200b"');
    expect(refused.messages[0]!.tone).toBe('error');
    expect(refused.messages[0]!.text).toBe(INVISIBLE);
    expect(plain(refused)).toContain('Usage: /account set <name> key=value …');
    expect(await names(ctx.workspace.id)).toEqual(['Hooli']);

    expect(plain(await t.registry.run(ctx, '/account set Hooli name="Hooli\u2067 Cloud\u0000"'))).toContain('Updated Hooli Cloud: name');
    expect(await names(ctx.workspace.id)).toEqual(['Hooli Cloud']);
  });

  it('lookups by an invisible name say so instead of "No account named """', async () => {
    const ctx = await newContext(t.database.db);
    await t.registry.run(ctx, '/account add Initech');
    for (const input of ['/survey nps "\u202e"', '/health "\u200b"', '/account history "\u2066"', '/checkin "\u3164" call hello', '/ticket "\u202e" critical Down']) {
      const reply = await t.registry.run(ctx, input);
      expect(reply.messages[0]!.text, input).toBe(INVISIBLE);
      expect(plain(reply), input).toMatch(/Usage: \//);
      expect(plain(reply), input).toMatch(/Example: \//);
    }
  });

  it('a CSV shared in chat: invisible names are bad rows, controls are removed, and a known name updates its account', async () => {
    const base = await newContext(t.database.db);
    await t.registry.run(base, '/account add "Acme Corp" arr=10k');
    const file: SharedFile = {
      id: 'local-names',
      name: 'crm.csv',
      content: `name,arr\n"\u202eAcme Corp",20k\n"\u200b\ufeff",30k\n"Contoso\u0007\u2067",40k\n`,
    };
    const ctx = { ...base, files: { read: async (id: string) => ({ ...file, id }) } };
    const preview = await previewSharedCsv(ctx, file);
    expect(preview.messages[0]!.text).toBe(`crm.csv: 1 account to create, 1 to change, 1 bad row (line 3: ${INVISIBLE})`);
    const button = preview.messages[0]!.blocks.flatMap((b) => (b.kind === 'actions' ? b.actions : []))[0]!;
    await t.registry.press(ctx, button.id, button.value);
    const rows = await t.database.db.select().from(accounts).where(eq(accounts.workspaceId, ctx.workspace.id)).orderBy(accounts.name);
    expect(rows.map((r) => [r.name, r.arrCents])).toEqual([
      ['Acme Corp', 2_000_000],
      ['Contoso', 4_000_000],
    ]);
  });
});

describe.each(ENGINES)('an empty quoted account name on $name', (engine) => {
  const t = registryOn(engine);

  it('answers one sentence, the usage line and an example, on every command that takes an account', async () => {
    const ctx = await newContext(t.database.db);
    await t.registry.run(ctx, '/account add "Acme Corp"');
    await t.registry.run(ctx, '/ticket "Acme Corp" minor Slow reports');
    const cases: [string, string, string][] = [
      ['/ticket ""', 'The account name is missing.', 'Usage: /ticket <account>'],
      ['/ticket "" critical VPN down', 'The account name is missing.', 'Usage: /ticket <account>'],
      ['/ticket list ""', 'The account name is missing.', 'Usage: /ticket list'],
      ['/checkin ""', 'The account name is missing.', 'Usage: /checkin <account>'],
      ['/checkin "" call Talked', 'The account name is missing.', 'Usage: /checkin <account>'],
      ['/account ""', 'The account name is missing.', 'Usage: /account <name>'],
      ['/account add ""', 'The account name is missing.', 'Usage: /account add <name>'],
      ['/account set "" arr=1k', 'The account name is missing.', 'Usage: /account set <name>'],
      ['/account link ""', 'The account name is missing.', 'Usage: /account link <name>'],
      ['/account history ""', 'The account name is missing.', 'Usage: /account history <name>'],
      ['/health ""', 'The account name is missing.', 'Usage: /health <account>'],
      ['/renewal ""', 'The account name is missing.', 'Usage: /renewal <account>'],
      ['/renewal "" renewed', 'The account name is missing.', 'Usage: /renewal <account>'],
      ['/usage ""', 'Give at least one reading, e.g. active=72.', 'Usage: /usage <account>'],
      ['/usage "" active=3', 'Which account? Name it, or run /usage in a channel linked to the account.', 'Usage: /usage <account>'],
      ['/survey nps ""', 'Which account is the survey about?', 'Usage: /survey <nps|csat> <account>'],
      ['/ticket resolve 1 ""', 'The note is missing.', 'Usage: /ticket resolve'],
    ];
    for (const [input, sentence, usage] of cases) {
      const reply = await t.registry.run(ctx, input);
      const [first, ...rest] = plain(reply).split('\n');
      expect(reply.messages[0]!.tone, input).toBe('error');
      expect(first, input).toBe(`⚠️ ${sentence}`);
      expect(repeatedPhrase(sentence), input).toBeUndefined();
      expect(rest.find((l) => l.startsWith('Usage: ')), input).toContain(usage);
      expect(rest.find((l) => l.startsWith('Example: ')), input).toMatch(/^Example: \/\w+ /);
    }
  });
});
