// Nothing internal is ever posted where customers read (issue 22), through each real
// door: every kind of internal post — renewal alert, SLA warning, SLA breach, health
// drop, detractor alert, cadence reminder, digest, check-in confirmation, ticket
// confirmation — never reaches a customer channel, and each arrives where the rule
// says: the account's internal channel, else the alert channel, else the owner
// privately; confirmations privately to the person who typed. The jobs run through
// the platform's own delivery (fake Slack Web API / the console feed), commands and
// buttons through the platform's HTTP door.
//
// Zenith Labs: customer channel, internal channel, owner ana → its alerts to the
// internal channel. Nimbus Retail: customer channel only, owner ben → his alerts to
// ben privately, then (once set) to the alert channel.
import { describe, expect, it } from 'vitest';
import { runDigests } from '../../src/jobs/digest.js';
import { runHealthDaily } from '../../src/jobs/health-daily.js';
import { runSlaWatch } from '../../src/jobs/sla-watch.js';
import type { ChannelDelivery } from '../../src/jobs/delivery.js';
import type { ConsoleFeed } from '../../src/platforms/console/feed.js';
import { and, eq } from 'drizzle-orm';
import { workspaces } from '../../db/schema.js';
import { channelStanding } from '../../src/core/channel-kinds.js';
import { ENGINES, type Engine } from '../helpers/engines.js';
import { until } from '../helpers/processes.js';
import { FakeSlack, form, postSigned, slashForm } from '../helpers/fake-slack.js';
import { cardButtons, cardOf, cardText, submitData } from '../helpers/adaptive-card.js';
import { ANA, BEN, cardSubmit, FakeConnector, mentioningMessage, postActivity, TENANT, type Person, type Place } from '../helpers/fake-teams.js';
import { scratchDirectory, tenureForSuite, type SuiteTenure } from '../helpers/suite-tenure.js';

/** An answer as the person who typed or pressed sees it. */
interface Answer {
  text: string;
  public: boolean;
  tone?: string;
  /** Buttons on it: action id and value (and, on Teams, what the button submits). */
  actions: { id: string; label: string; value: string; data?: Record<string, unknown> }[];
  /** The platform's id of the posted message, where a press must name it (Teams). */
  ref?: string;
}

/** Something the platform posted into a channel (or a person's direct messages) by itself or as a reply's delivery. */
interface Post {
  channel: string;
  text: string;
}

interface Door {
  name: string;
  platform: 'slack' | 'teams' | 'console';
  env(): Record<string, string>;
  alongside: { start(): Promise<void>; stop(): Promise<void> }[];
  /** Platform ids of the people and channels of the story. */
  user: Record<'ana' | 'ben' | 'dana', string>;
  channel: Record<'zenithCustomer' | 'zenithTeam' | 'nimbusCustomer' | 'ops' | 'lounge', string>;
  mention(who: 'ana' | 'ben'): string;
  type(app: SuiteTenure, who: 'ana' | 'ben' | 'dana', channel: string, text: string): Promise<Answer[]>;
  press(app: SuiteTenure, who: 'ana' | 'ben' | 'dana', channel: string, action: Answer['actions'][number], on: Answer): Promise<Answer[]>;
  posts(app: SuiteTenure): Post[];
}

const SECRET = 'test-signing-secret-0123456789';

function slackDoor(fake = new FakeSlack()): Door {
  const user = { ana: 'UANA', ben: 'UBEN', dana: 'UDANA' };
  for (const [name, id] of Object.entries(user)) fake.profiles.set(id, name);
  const answersFrom = async (app: SuiteTenure, res: { json?: unknown }, responseUrl: string): Promise<Answer[]> => {
    // Everything Slack was told: the ack's body, then what came to the response_url once the listener finished.
    await app.tenure.platforms.find((p) => p.platform === 'slack')!.work?.idle();
    const bodies = [res.json, ...fake.of(`respond/${responseUrl.split('/').pop()}`).map((c) => c.body)].filter((b): b is Record<string, unknown> => !!b && typeof b === 'object' && 'text' in b);
    return bodies.map((b) => ({
      text: String(b.text),
      public: b.response_type === 'in_channel',
      actions: ((b.blocks as { elements?: { action_id?: string; value?: string; text?: { text?: string } }[] }[] | undefined) ?? [])
        .flatMap((block) => block.elements ?? [])
        .filter((e) => e.action_id)
        .map((e) => ({ id: e.action_id!, value: e.value ?? '', label: e.text?.text ?? '' })),
    }));
  };
  return {
    name: 'Slack',
    platform: 'slack',
    env: () => ({ SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_API_URL: `${fake.url}/api/` }),
    alongside: [fake],
    user,
    channel: { zenithCustomer: 'CZCUST', zenithTeam: 'CZTEAM', nimbusCustomer: 'CNCUST', ops: 'COPS', lounge: 'CLOUNGE' },
    mention: (who) => `<@${user[who]}|${who}>`,
    async type(app, who, channel, text) {
      const [command, ...rest] = text.split(' ');
      const responseUrl = fake.responseUrl();
      const res = await postSigned(
        new URL('/slack/events', app.tenure.url).toString(),
        slashForm(command!, rest.join(' '), { user: user[who], channel, channelName: channel.toLowerCase(), responseUrl }),
        'application/x-www-form-urlencoded',
        { secret: SECRET },
      );
      expect(res.status).toBe(200);
      return answersFrom(app, res, responseUrl);
    },
    async press(app, who, channel, action) {
      const responseUrl = fake.responseUrl();
      const res = await postSigned(
        new URL('/slack/events', app.tenure.url).toString(),
        form({
          payload: JSON.stringify({
            type: 'block_actions',
            team: { id: 'T1', domain: 't1' },
            user: { id: user[who], username: who, name: who, team_id: 'T1' },
            api_app_id: 'A1',
            trigger_id: `trigger-${Math.random()}`,
            channel: { id: channel, name: channel.toLowerCase() },
            container: { type: 'message', channel_id: channel, message_ts: '1.1' },
            response_url: responseUrl,
            actions: [{ type: 'button', action_id: action.id, block_id: 'b1', value: action.value, action_ts: '1' }],
          }),
        }),
        'application/x-www-form-urlencoded',
        { secret: SECRET },
      );
      expect(res.status).toBe(200);
      return answersFrom(app, res, responseUrl);
    },
    posts: () => fake.of('chat.postMessage').map((c) => ({ channel: String(c.body.channel), text: String(c.body.text) })),
  };
}

function consoleDoor(): Door {
  const dir = scratchDirectory('tenure-customer-channels-');
  const channel = { zenithCustomer: 'zenith-customer', zenithTeam: 'zenith-team', nimbusCustomer: 'nimbus-customer', ops: 'ops', lounge: 'lounge' };
  const call = async (app: SuiteTenure, route: string, body: Record<string, unknown>): Promise<Answer[]> => {
    const res = await fetch(new URL(route, app.tenure.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const data = (await res.json()) as { messages: { text: string; visibility: string; tone?: string; actions?: { id: string; label: string; value: string }[] }[]; update?: { text: string; visibility: string } };
    const all = [...data.messages, ...(data.update ? [data.update] : [])] as { text: string; visibility: string; tone?: string; actions?: { id: string; label: string; value: string }[] }[];
    return all.map((m) => ({ text: m.text, public: m.visibility === 'channel', ...(m.tone ? { tone: m.tone } : {}), actions: m.actions ?? [] }));
  };
  return {
    name: 'the console',
    platform: 'console',
    env: () => ({ TENURE_DATA_DIR: dir.path }),
    alongside: [dir],
    user: { ana: 'ana', ben: 'ben', dana: 'dana' },
    channel,
    mention: (who) => `@${who}`,
    type: (app, who, ch, text) => call(app, '/console/command', { text, user: who, channel: ch }),
    press: (app, who, ch, action) => call(app, '/console/action', { id: action.id, value: action.value, user: who, channel: ch }),
    posts(app) {
      const feed = app.tenure.platforms.find((p) => p.platform === 'console')!.delivery as ConsoleFeed;
      const channels = [...Object.values(channel), 'ana', 'ben', 'dana', 'cs-team', 'general'];
      return channels.flatMap((c) => feed.since(c, 0).entries.map((e) => ({ channel: c, text: e.message.text })));
    },
  };
}

const DANA: Person = { id: '29:dana', name: 'Dana Whitfield', aadObjectId: '00000000-0000-0000-0000-0000000000d3' };

function teamsDoor(): Door {
  const connector = new FakeConnector();
  connector.roster = [ANA, BEN, DANA];
  const people = { ana: ANA, ben: BEN, dana: DANA };
  const channel = { zenithCustomer: '19:zenith-customer@thread.tacv2', zenithTeam: '19:zenith-team@thread.tacv2', nimbusCustomer: '19:nimbus-customer@thread.tacv2', ops: '19:ops@thread.tacv2', lounge: '19:lounge@thread.tacv2' };
  /** A conversation as the story names it: a channel (its thread left out), or the person a personal chat is with. */
  const placeOf = (conversationId: string) => (conversationId.startsWith('a:created-') ? conversationId.slice('a:created-'.length) : conversationId.split(';')[0]!);
  const personal = new Set<string>();
  const summaryOf = (body: Record<string, any>) => String(body.summary ?? body.text ?? '');
  /** What the person sees: posts in the channel they typed in, and in their own personal chat. */
  const answersAfter = (from: number, where: string, who: Person): Answer[] =>
    connector.messages(from).filter((c) => [where, who.id, who.aadObjectId].includes(placeOf(c.conversationId))).map((c) => {
      const card = cardOf(c.body);
      const data = submitData(card);
      return {
        text: `${summaryOf(c.body)}\n${cardText(card)}`,
        public: placeOf(c.conversationId) === where,
        actions: cardButtons(card).map((b) => ({ ...b, data: data.find((d) => d.tenureAction === b.id && d.tenureValue === b.value) as Record<string, unknown> })),
        ...(c.responseId ? { ref: c.responseId } : {}),
      };
    });
  const send = async (app: SuiteTenure, body: Record<string, unknown>, where: string, who: Person) => {
    const from = connector.calls.length;
    const res = await postActivity(new URL('/api/messages', app.tenure.url).toString(), body);
    expect(res.status, res.text).toBe(200);
    await app.tenure.platforms.find((p) => p.platform === 'teams')!.work?.idle();
    return answersAfter(from, where, who);
  };
  const place = (channelId: string): Place => ({ kind: 'channel', channelId, channelName: channelId.slice(3).split('@')[0]! });
  return {
    name: 'Teams',
    platform: 'teams',
    env: () => ({}),
    alongside: [connector],
    user: { ana: ANA.id, ben: BEN.id, dana: DANA.id },
    channel,
    // Mentions are typed as Teams sends them: an <at> tag with a mention entity (mentioningMessage).
    mention: (who) => `\u0000${who}\u0000`,
    type(app, who, ch, text) {
      const parts = text.split('\u0000').map((part, i) => (i % 2 === 1 ? people[part as 'ana' | 'ben'] : part));
      return send(app, mentioningMessage(connector.url, place(ch), parts, people[who]), ch, people[who]);
    },
    press(app, who, ch, action, on) {
      return send(app, cardSubmit(connector.url, place(ch), on.ref!, action.data!, people[who]), ch, people[who]);
    },
    posts: () => connector.messages(0).map((c) => ({ channel: placeOf(c.conversationId), text: summaryOf(c.body) })),
  };
  void personal;
  void TENANT;
}

/** The jobs' log: a failed post is a failure of this test, said with its reason. */
const jobLog = () => {
  const errors: string[] = [];
  const keep = (d: unknown, m: string) => errors.push(`${m}: ${String((d as { err?: unknown }).err ?? '')}`);
  return { errors, info: () => undefined, warn: keep, error: keep };
};

describe.each([slackDoor, teamsDoor, consoleDoor].flatMap((door) => ENGINES.map((engine): [string, () => Door, Engine] => [`${door().name} on ${engine.name}`, door, engine])))(
  'customer and internal channels: %s',
  (_title, makeDoor, engine) => {
    const door = makeDoor();
    // Set up on a Monday (the console's own first daily pass runs then); the story's first pass is on Wednesday.
    let now = new Date('2026-11-16T10:00:00Z');
    const app = tenureForSuite(engine, () => door.env(), { clock: () => now }, door.alongside);
    const at = (iso: string) => (now = new Date(iso));
    const { channel: ch } = door;
    const log = jobLog();
    const deps = () => {
      const platform = app.tenure.platforms.find((p) => p.platform === door.platform)!;
      return { db: app.database.db, deliveries: { [platform.platform]: platform.delivery as ChannelDelivery }, logger: log };
    };
    const type = (who: 'ana' | 'ben' | 'dana', channel: string, text: string) => door.type(app, who, channel, text);
    /** Posts about this story's accounts (the console's demo accounts have their own). */
    const ours = () => door.posts(app).filter((p) => /Zenith|Nimbus|digest|Weekly health/i.test(p.text));
    const customerChannels = [ch.zenithCustomer, ch.nimbusCustomer];

    it('every internal post lands where the rule says and never in a customer channel', async () => {
      // The story runs every job itself, at the times it names: the background schedule, ticking
      // on the wall clock with the story's clock, would post a renewal alert in the middle of a
      // step (it did, once in CI) and be read as that step's answer.
      await app.tenure.scheduler?.stop();
      // Setting up, as a TAM would: the alert channel off (owners hear privately), two accounts, their channels.
      await type('ana', ch.ops, '/ticket alerts off');
      const added = await type('ana', ch.ops, `/account add "Zenith Labs" arr=120k renewal=2027-02-15 licensed=100 active=90 owner=${door.mention('ana')} start=2026-06-01`);
      expect(added[0]!.tone).not.toBe('error');
      await type('ana', ch.ops, `/account add "Nimbus Retail" arr=80k licensed=50 active=40 owner=${door.mention('ben')} start=2026-06-01`);
      const linked = await type('ana', ch.zenithCustomer, '/account link "Zenith Labs"');
      expect(linked[0]!.text).toContain('as a customer channel: surveys will be posted here, alerts will not');
      // The confirmation of a link made in a customer channel is itself said privately.
      expect(linked.every((a) => !a.public)).toBe(true);
      expect((await type('ana', ch.zenithTeam, '/account link "Zenith Labs" internal'))[0]!.text).toContain('as an internal channel');
      await type('ana', ch.nimbusCustomer, '/account link "Nimbus Retail" customer');

      // Renewal alert (89 days out: the 90-day one) and cadence reminders (under contract since June,
      // never touched: the first touch was due by the end of August): Zenith's
      // to its internal channel, Nimbus's to ben privately.
      await runHealthDaily(deps(), new Date('2026-11-18T10:00:00Z'));
      const renewal = ours().filter((p) => p.text.startsWith('Renewal in 89 days: Zenith Labs'));
      expect(renewal.map((p) => p.channel)).toEqual([ch.zenithTeam]);
      const reminders = ours().filter((p) => p.text.startsWith('Check-ins overdue'));
      expect(reminders.filter((p) => p.text.includes('Zenith Labs')).map((p) => p.channel)).toEqual([ch.zenithTeam]);
      expect(reminders.filter((p) => p.text.includes('Nimbus Retail')).map((p) => p.channel)).toEqual([door.user.ben]);

      // Check-in and ticket confirmations typed in the customer channel: to the person only.
      at('2026-11-19T09:00:00Z'); // Thursday
      // (Nimbus's: a touch on Zenith now would lift its health as much as the tickets below lower it.)
      const checkin = await type('ben', ch.nimbusCustomer, '/checkin "Nimbus Retail" call Walked through the runbook sentiment=negative');
      expect(checkin[0]!.text).toContain('Nimbus Retail');
      expect(checkin.every((a) => !a.public)).toBe(true);
      for (const title of ['VPN down', 'Mail down', 'Backups failing']) {
        const ticket = await type('ana', ch.zenithCustomer, `/ticket "Zenith Labs" critical ${title}`);
        expect(ticket[0]!.text).toContain('Zenith Labs');
        expect(ticket.every((a) => !a.public)).toBe(true);
      }
      const nimbusTicket = await type('ben', ch.nimbusCustomer, '/ticket "Nimbus Retail" critical Tills offline');
      expect(nimbusTicket.every((a) => !a.public)).toBe(true);

      // SLA: warnings at 80% of the hour, breaches after it. Zenith's in its internal channel;
      // Nimbus's warning to ben privately, and its breach to the alert channel once there is one.
      await runSlaWatch(deps(), new Date('2026-11-19T09:50:00Z'));
      expect(ours().filter((p) => p.text.startsWith('SLA warning') && p.text.includes('Zenith')).map((p) => p.channel)).toEqual([ch.zenithTeam, ch.zenithTeam, ch.zenithTeam]);
      expect(ours().filter((p) => p.text.startsWith('SLA warning') && p.text.includes('Nimbus')).map((p) => p.channel)).toEqual([door.user.ben]);
      const refused = await type('ana', ch.zenithCustomer, '/ticket alerts here');
      expect(refused[0]!.text).toContain('cannot be the alert channel');
      await type('ana', ch.ops, '/ticket alerts here');
      await runSlaWatch(deps(), new Date('2026-11-19T10:05:00Z'));
      expect(ours().filter((p) => p.text.startsWith('SLA breached') && p.text.includes('Zenith')).map((p) => p.channel)).toEqual([ch.zenithTeam, ch.zenithTeam, ch.zenithTeam]);
      expect(ours().filter((p) => p.text.startsWith('SLA breached') && p.text.includes('Nimbus')).map((p) => p.channel)).toEqual([ch.ops]);
      const where = await type('ana', ch.ops, '/ticket alerts "Nimbus Retail"');
      expect(where[0]!.text).toMatch(new RegExp(`for Nimbus Retail go to #${ch.ops} \\(the alert channel\\)`));

      // Health drop: three critical tickets since Wednesday's snapshot.
      await runHealthDaily(deps(), new Date('2026-11-19T10:00:00Z'));
      expect(ours().filter((p) => p.text.startsWith('Health drop: Zenith Labs')).map((p) => p.channel)).toEqual([ch.zenithTeam]);

      // Detractor alert: a customer answers 3 in the customer channel. They see their thanks and the
      // tally (written for them); the alert goes to the internal channel, never to them or their channel.
      const survey = await type('ana', ch.zenithCustomer, '/survey nps "Zenith Labs"');
      const question = survey.find((a) => a.public)!;
      expect(question.text).not.toMatch(/#\d|\/survey|Zenith/);
      expect(survey.filter((a) => !a.public).map((a) => a.text).join(' ')).toMatch(/Survey #\d+ about Zenith Labs is open/);
      const three = question.actions.find((a) => a.label === '3')!;
      const answered = await door.press(app, 'dana', ch.zenithCustomer, three, question);
      expect(answered.map((a) => a.text).join('\n')).not.toMatch(/Low score|answered 3 on NPS/);
      expect(ours().filter((p) => p.text.startsWith('Low score for Zenith Labs')).map((p) => p.channel)).toEqual([ch.zenithTeam]);

      // Digests: refused in a customer channel; posted in an internal one; a digest whose channel later
      // becomes a customer channel is paused, and whoever scheduled it is told privately, once.
      const digestNow = await type('ana', ch.zenithCustomer, '/digest now');
      expect(digestNow[0]!.text).toContain('customer channel: the customer reads it, so the digest is not posted here');
      expect(digestNow.every((a) => !a.public)).toBe(true);
      expect((await type('ana', ch.zenithCustomer, '/digest schedule mon 09:00'))[0]!.text).toContain('no digest is scheduled here');
      await type('ana', ch.zenithTeam, '/digest schedule mon 09:00');
      await type('ana', ch.lounge, '/digest schedule mon 09:00');
      await type('ana', ch.lounge, '/account link "Nimbus Retail"'); // the lounge turns out to be Nimbus's customer channel
      const loungeBefore = door.posts(app).length;
      await runDigests(deps(), new Date('2026-11-23T09:01:00Z'));
      await runDigests(deps(), new Date('2026-11-23T09:02:00Z'));
      const digests = ours().filter((p) => p.text.startsWith('Weekly health digest'));
      expect(digests.map((p) => p.channel)).toEqual([ch.zenithTeam]);
      const paused = ours().filter((p) => p.text.includes('weekly digest in') && p.text.includes('is paused'));
      expect(paused.map((p) => p.channel)).toEqual([door.user.ana]);

      // Whatever happened, the customer channels got only what is written for the customer: the survey.
      const inCustomerChannels = [
        ...door.posts(app).filter((p) => customerChannels.includes(p.channel)),
        ...door.posts(app).slice(loungeBefore).filter((p) => p.channel === ch.lounge),
      ];
      expect(inCustomerChannels.filter((p) => !/would like your feedback|has closed/.test(p.text))).toEqual([]);
      expect(log.errors).toEqual([]);
    });
  },
);

describe.each(ENGINES)('a Slack Connect channel on $name', (engine) => {
  const fake = new FakeSlack();
  const door = slackDoor(fake);
  const now = new Date('2026-11-19T09:00:00Z');
  const app = tenureForSuite(engine, () => door.env(), { clock: () => now }, door.alongside);
  const type = (channel: string, text: string) => door.type(app, 'ana', channel, text);

  it('is a customer channel whatever it was linked as: linking it as internal is refused with the reason, and one that becomes shared later answers privately and stops getting alerts', async () => {
    fake.channelSharing.set('CCONNECT', { is_shared: true, is_ext_shared: true });
    await type('COPS', `/account add "Orbit Freight" owner=${door.mention('ana')}`);
    const refused = await type('CCONNECT', '/account link "Orbit Freight" internal');
    expect(refused[0]!.text).toContain('This channel is shared with another organisation, so the customer can read it: it can only be a customer channel');
    expect(refused.every((a) => !a.public)).toBe(true);
    const linked = await type('CCONNECT', '/account link "Orbit Freight"');
    expect(linked[0]!.text).toContain('as a customer channel: surveys will be posted here, alerts will not');
    expect(linked.every((a) => !a.public)).toBe(true);

    // Linked as internal while it was the team's own; then a customer organisation joins it.
    const before = await type('CLATER', '/account link "Orbit Freight" internal');
    expect(before[0]!.text).toContain('as an internal channel');
    expect(before.some((a) => a.public)).toBe(true);
    // Slack says so with an event (channel_shared): from then on the channel counts as the customer's.
    fake.channelSharing.set('CLATER', { is_shared: true, is_ext_shared: true });
    const event = {
      token: 'legacy',
      team_id: 'T1',
      api_app_id: 'A1',
      type: 'event_callback',
      event_id: `EvShared-${engine.name}-${Date.now()}`, // an id Slack has not sent before: retries of one id are handled once
      event_time: Math.floor(now.getTime() / 1000),
      event: { type: 'channel_shared', connected_team_id: 'TCUSTOMER', channel: 'CLATER', event_ts: '1.0' },
    };
    expect((await postSigned(new URL('/slack/events', app.tenure.url).toString(), JSON.stringify(event), 'application/json', { secret: SECRET })).status).toBe(200);
    // Slack is acked before the event is handled: wait until Tenure has recorded the channel as shared.
    const workspace = (await app.database.db.select().from(workspaces).where(and(eq(workspaces.platform, 'slack'), eq(workspaces.externalId, 'T1'))))[0]!;
    await until('the channel to be recorded as shared', async () => (await channelStanding(app.database.db, workspace.id, 'CLATER')).sharedExternally, 10_000);
    // A check-in's confirmation, public in the team's channel before, is now said privately.
    const after = await type('CLATER', '/checkin "Orbit Freight" call Walked through the runbook');
    expect(after[0]!.text).toContain('Orbit Freight');
    expect(after.every((a) => !a.public)).toBe(true);
    const where = await type('COPS', '/ticket alerts "Orbit Freight"');
    expect(where[0]!.text).toContain('for Orbit Freight go to @ana privately (its owner)');
    // An SLA alert for Orbit now goes to its owner privately, never to the channel that became the customer's.
    await type('COPS', '/ticket "Orbit Freight" critical Portal down');
    const platform = app.tenure.platforms.find((p) => p.platform === 'slack')!;
    const log = jobLog();
    await runSlaWatch({ db: app.database.db, deliveries: { slack: platform.delivery as ChannelDelivery }, logger: log }, new Date(now.getTime() + 65 * 60_000));
    const posts = fake.of('chat.postMessage').map((c) => ({ channel: String(c.body.channel), text: String(c.body.text) }));
    expect(posts.filter((p) => p.text.includes('Orbit Freight')).map((p) => p.channel)).toEqual([door.user.ana]);
    expect(posts.filter((p) => p.channel === 'CLATER' || p.channel === 'CCONNECT')).toEqual([]);
    expect(log.errors).toEqual([]);
  });
});
