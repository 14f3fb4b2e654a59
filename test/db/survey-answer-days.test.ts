// survey_answer_days (migration 0003) is kept by statement-level triggers on
// survey_responses: after random inserts, upserts (an answer changed, as a button
// click does), comments without a score, updates, deletions and a deleted survey, the
// roll-up equals the same aggregate computed from the answers themselves — on every
// engine. The health inputs read the roll-up.
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '../../db/client.js';
import { surveys } from '../../db/schema.js';
import { portfolioHealth } from '../../src/core/health-inputs.js';
import { ENGINES } from '../helpers/engines.js';
import { newContext, registryOn } from '../helpers/context.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;

describe.each(ENGINES)('survey answer roll-up on $name', (engine) => {
  const t = registryOn(engine);
  const db = () => t.database.db;

  it('equals the aggregate of the answers after any mix of writes', async () => {
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add Acme');
    await t.registry.run(ctx, '/account add Globex');
    const [acme, globex] = (await portfolioHealth(db(), ctx.workspace.id, { now: NOW, timezone: 'UTC' })).map((a) => a.accountId);
    const made = await db()
      .insert(surveys)
      .values([
        { workspaceId: ctx.workspace.id, number: 901, accountId: acme!, kind: 'nps', openedAt: NOW, closesAt: NOW },
        { workspaceId: ctx.workspace.id, number: 902, accountId: acme!, kind: 'csat', openedAt: NOW, closesAt: NOW },
        { workspaceId: ctx.workspace.id, number: 903, accountId: globex!, kind: 'nps', openedAt: NOW, closesAt: NOW },
      ])
      .returning();
    const [nps, csat, other] = made;
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const answer = (surveyId: string, kind: 'nps' | 'csat') => {
      const question = kind === 'nps' ? (random(5) === 0 ? 'reason' : 'nps') : (['q1', 'q2', 'q3', 'comment'] as const)[random(4)]!;
      const score = question === 'reason' || question === 'comment' ? null : kind === 'nps' ? random(11) : 1 + random(5);
      const at = new Date(NOW.getTime() - random(200) * DAY - random(DAY)).toISOString();
      return sql`insert into survey_responses (workspace_id, survey_id, respondent_key, question, score, answered_at)
        values (${ctx.workspace.id}, ${surveyId}, ${'r' + random(12)}, ${question}, ${score}, ${at})
        on conflict (survey_id, respondent_key, question) do update set score = excluded.score, answered_at = excluded.answered_at`;
    };
    const check = async (step: string) => {
      const [expected, actual] = await Promise.all([
        queryRows(
          db(),
          sql`select survey_id, (answered_at at time zone 'UTC')::date::text as day,
            count(*) filter (where question = 'nps' and score >= 9)::int as promoters,
            count(*) filter (where question = 'nps' and score <= 6)::int as detractors,
            count(*) filter (where question = 'nps')::int as nps_total,
            coalesce(sum(score) filter (where question in ('q1', 'q2', 'q3')), 0)::int as csat_sum,
            count(*) filter (where question in ('q1', 'q2', 'q3'))::int as csat_count
          from survey_responses where workspace_id = ${ctx.workspace.id} and score is not null
          group by 1, 2 order by 1, 2`,
        ),
        queryRows(
          db(),
          sql`select survey_id, day::text as day, promoters, detractors, nps_total, csat_sum, csat_count from survey_answer_days
          where workspace_id = ${ctx.workspace.id} and (promoters, detractors, nps_total, csat_sum, csat_count) <> (0, 0, 0, 0, 0)
          order by 1, 2`,
        ),
      ]);
      expect(actual, step).toEqual(expected);
    };

    for (let i = 0; i < 60; i++) await db().execute(answer([nps, csat, other][i % 3]!.id, i % 3 === 1 ? 'csat' : 'nps'));
    await check('after inserts and upserts');
    // Several rows in one statement, as an import would.
    await db().execute(sql`insert into survey_responses (workspace_id, survey_id, respondent_key, question, score, answered_at)
      select ${ctx.workspace.id}, ${nps!.id}, 'bulk' || g, 'nps', g % 11, ${NOW.toISOString()}::timestamptz - g * interval '1 day' from generate_series(1, 40) g`);
    await check('after a bulk insert');
    await db().execute(sql`update survey_responses set score = 10 where survey_id = ${nps!.id} and question = 'nps' and score < 3`);
    await db().execute(sql`update survey_responses set answered_at = answered_at - interval '3 days' where survey_id = ${csat!.id}`);
    await check('after updates of scores and days');
    await db().execute(sql`delete from survey_responses where survey_id = ${other!.id} and score > 5`);
    await check('after deleting answers');
    await db().execute(sql`delete from surveys where id = ${other!.id}`);
    await check('after deleting a survey');

    // The health inputs: Acme's NPS and CSAT from the roll-up match the answers of the last 180 days.
    const [direct] = await queryRows<{ promoters: number; detractors: number; total: number; csat: number | null }>(
      db(),
      sql`select count(*) filter (where s.kind = 'nps' and r.question = 'nps' and r.score >= 9)::int as promoters,
          count(*) filter (where s.kind = 'nps' and r.question = 'nps' and r.score <= 6)::int as detractors,
          count(*) filter (where s.kind = 'nps' and r.question = 'nps')::int as total,
          (avg(r.score) filter (where s.kind = 'csat' and r.question in ('q1', 'q2', 'q3')))::float8 as csat
        from survey_responses r join surveys s on s.id = r.survey_id
        where s.account_id = ${acme} and r.score is not null
          and (r.answered_at at time zone 'UTC')::date > (${new Date(NOW.getTime() - 180 * DAY).toISOString()}::timestamptz at time zone 'UTC')::date
          and (r.answered_at at time zone 'UTC')::date <= (${NOW.toISOString()}::timestamptz at time zone 'UTC')::date`,
    );
    const inputs = (await portfolioHealth(db(), ctx.workspace.id, { now: NOW, timezone: 'UTC' })).find((a) => a.accountId === acme)!.inputs;
    expect(inputs.nps).toEqual({ promoters: direct!.promoters, detractors: direct!.detractors, total: direct!.total });
    expect(inputs.nps.total).toBeGreaterThan(10);
    expect(inputs.csat).toBe(direct!.csat === null ? null : Math.round(Number(direct!.csat) * 100) / 100);
  });
});
