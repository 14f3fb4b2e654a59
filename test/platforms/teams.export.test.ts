// /export in Teams through the real Teams SDK v2 app: a bot cannot upload into a
// channel, so the answer carries a signed download link (Action.OpenUrl) to our own
// server, which makes the CSV of that tenant's workspace when the link is opened —
// for 15 minutes, only with an unaltered signature, and only while the workspace is
// active. Links signed with one secret open on every replica sharing it.
import { and, eq } from 'drizzle-orm';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { workspaces } from '../../db/schema.js';
import { EXPORT_LINK_TTL_MS, ExportLinks } from '../../src/http/exports.js';
import { cardOf, cardProblems, cardText } from '../helpers/adaptive-card.js';
import { ENGINES } from '../helpers/engines.js';
import { FakeConnector, OPS_CHANNEL, postActivity, TENANT, textMessage, type Place } from '../helpers/fake-teams.js';
import { tenureForSuite } from '../helpers/suite-tenure.js';

const OPS: Place = { kind: 'channel', channelId: OPS_CHANNEL, channelName: 'acme-ops', thread: '1700000000001' };
const DM: Place = { kind: 'personal', conversationId: 'a:personal-ana' };
const WORKSPACE = '6f1c2b9e-3d4a-4f5b-8c7d-0e1f2a3b4c5d';

describe('export links', () => {
  const at = new Date('2026-11-23T10:00:00Z');

  it('are checked with the secret they were signed with: any replica sharing it, nothing else', () => {
    const one = ExportLinks.fromSecret('teams-app-password');
    const replica = ExportLinks.fromSecret('teams-app-password');
    const stranger = ExportLinks.fromSecret('another-password');
    const { path, expiresAt } = one.sign(WORKSPACE, 'accounts', at);
    expect(expiresAt.getTime() - at.getTime()).toBe(EXPORT_LINK_TTL_MS);
    const url = new URL(path, 'http://x');
    const expires = Number(url.searchParams.get('expires'));
    const sig = url.searchParams.get('sig')!;
    expect(url.pathname).toBe(`/exports/${WORKSPACE}/accounts.csv`);
    expect(replica.check(WORKSPACE, 'accounts', expires, sig, at)).toBe('ok');
    expect(stranger.check(WORKSPACE, 'accounts', expires, sig, at)).toBe('forged');
    expect(one.check(WORKSPACE, 'tickets', expires, sig, at)).toBe('forged');
    expect(one.check(WORKSPACE, 'accounts', expires + 3600, sig, at)).toBe('forged');
    expect(one.check(WORKSPACE, 'accounts', expires, sig, new Date(at.getTime() + EXPORT_LINK_TTL_MS - 1_000))).toBe('ok');
    expect(one.check(WORKSPACE, 'accounts', expires, sig, expiresAt)).toBe('expired');
    // Without a secret (local mode) each process has its own random key.
    expect(ExportLinks.fromSecret(undefined).check(WORKSPACE, 'accounts', expires, ExportLinks.fromSecret(undefined).sign(WORKSPACE, 'accounts', at).path.split('sig=')[1]!, at)).toBe('forged');
  });
});

describe.each(ENGINES)('/export in Teams on $name', (engine) => {
  const connector = new FakeConnector();
  let now = new Date('2026-11-23T10:00:00Z');
  const app = tenureForSuite(engine, () => ({}), { teamsRetry: { baseMs: 10 }, clock: () => now }, [connector]);
  let endpoint = '';

  beforeAll(() => {
    endpoint = new URL('/api/messages', app.tenure.url).toString();
  });

  const say = async (text: string, place: Place = OPS, headers: Record<string, string> = {}) => {
    const from = connector.calls.length;
    const res = await postActivity(endpoint, textMessage(connector.url, place, text), headers);
    expect(res.status, res.text).toBe(200);
    const cards = connector.messages(from).map((c) => cardOf(c.body));
    for (const card of cards) expect(cardProblems(card), JSON.stringify(card).slice(0, 400)).toEqual([]);
    return cards;
  };
  const linkOf = (card: unknown): string => {
    const match = /"type":"Action\.OpenUrl","title":"[^"]*","url":"([^"]+)"/.exec(JSON.stringify(card));
    if (!match) throw new Error(`no download link in ${JSON.stringify(card).slice(0, 400)}`);
    return match[1]!;
  };
  const teamsWorkspace = async () => (await app.database.db.select().from(workspaces).where(and(eq(workspaces.platform, 'teams'), eq(workspaces.externalId, TENANT))))[0]!;

  it('answers with the export and a download card whose link serves this tenant\'s CSV', async () => {
    await say('account add "Fabrikam Teams" arr=$90k renewal=2027-06-30');
    const cards = await say('export accounts');
    expect(cards).toHaveLength(2);
    expect(cardText(cards[0])).toContain('1 row in tenure-accounts-2026-11-23.csv');
    expect(cardText(cards[1])).toContain('tenure-accounts-2026-11-23.csv ready to download');
    expect(cardText(cards[1])).toContain('[Download tenure-accounts-2026-11-23.csv]');
    const link = linkOf(cards[1]);
    const ws = await teamsWorkspace();
    expect(link).toMatch(new RegExp(`^${app.tenure.url.replace(/\/$/, '')}/exports/${ws.id}/accounts\\.csv\\?expires=\\d+&sig=[\\w-]{43}$`));

    const res = await fetch(link);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="tenure-accounts-2026-11-23.csv"');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    // Only this tenant's account: the console's demo workspace (Acme Corp …) is not in it.
    expect(rows.map((r) => [r.name, r.arr, r.renewal_date])).toEqual([['Fabrikam Teams', '90000.00', '2027-06-30']]);

    // Made when opened: an account added after the link was handed out is in the file.
    await say('account add "Later Ltd"');
    expect(await (await fetch(link)).text()).toContain('Later Ltd');
  });

  it('works in the personal chat, and links to the public origin Teams called (behind a TLS proxy)', async () => {
    const cards = await say('export tickets', DM, { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'tenure.example.com' });
    expect(linkOf(cards[1])).toMatch(/^https:\/\/tenure\.example\.com\/exports\/[0-9a-f-]{36}\/tickets\.csv\?expires=/);
    const local = new URL(linkOf(cards[1]).replace('https://tenure.example.com', app.tenure.url.replace(/\/$/, '')));
    const res = await fetch(local);
    expect(res.status).toBe(200);
    expect((await res.text()).split('\n')[0]).toBe('number,account,severity,title,technology,status,opened_at,sla_due_at,first_response_at,resolved_at,resolution_note');
  });

  it('refuses altered, expired and malformed links, and workspaces no longer served', async () => {
    const link = new URL(linkOf((await say('export accounts'))[1]));
    const json = async (url: URL | string) => {
      const res = await fetch(url);
      return { status: res.status, body: (await res.json()) as { error: string } };
    };
    const [consoleWs] = await app.database.db.select().from(workspaces).where(eq(workspaces.platform, 'console'));
    const otherWorkspace = new URL(link.toString().replace(/exports\/[0-9a-f-]{36}\//, `exports/${consoleWs!.id}/`));
    expect(await json(otherWorkspace)).toEqual({ status: 403, body: { error: 'this download link is not valid: run /export again for a new one' } });
    const otherKind = new URL(link.toString().replace('/accounts.csv', '/surveys.csv'));
    expect((await json(otherKind)).status).toBe(403);
    const longer = new URL(link);
    longer.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 3600));
    expect((await json(longer)).status).toBe(403);
    const flipped = new URL(link);
    const sig = link.searchParams.get('sig')!;
    flipped.searchParams.set('sig', `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
    expect((await json(flipped)).status).toBe(403);
    expect((await json(new URL('/exports/not-a-uuid/accounts.csv?expires=1&sig=x', app.tenure.url))).status).toBe(404);
    expect((await json(new URL(link.toString().replace('/accounts.csv', '/passwords.csv')))).status).toBe(404);

    const ws = await teamsWorkspace();
    await app.database.db.update(workspaces).set({ active: false }).where(eq(workspaces.id, ws.id));
    expect(await json(link)).toEqual({ status: 404, body: { error: 'this workspace is no longer served by Tenure' } });
    await app.database.db.update(workspaces).set({ active: true }).where(eq(workspaces.id, ws.id));
    expect((await fetch(link)).status).toBe(200);

    now = new Date(now.getTime() + EXPORT_LINK_TTL_MS + 1_000);
    expect(await json(link)).toEqual({ status: 410, body: { error: 'this download link has expired (links work for 15 minutes): run /export again' } });
  });
});
