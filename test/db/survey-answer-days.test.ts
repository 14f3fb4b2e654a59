// survey_answer_days (migrations 0003 and 0009) is kept by statement-level triggers on
// survey_responses: after random inserts, upserts (an answer changed, as a button
// click does), comments without a score, updates, deletions and a deleted survey, the
// roll-up equals the same aggregate computed from the answers themselves — on every
// engine. The health inputs read the roll-up.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, queryRows } from '../../db/client.js';
import { surveys } from '../../db/schema.js';
import { csatScore, csatTotalsFromRow } from '../../src/core/csat.js';
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
            coalesce(sum(score) filter (where question = 'q1'), 0)::int as q1_sum,
            count(*) filter (where question = 'q1')::int as q1_count,
            coalesce(sum(score) filter (where question = 'q2'), 0)::int as q2_sum,
            count(*) filter (where question = 'q2')::int as q2_count,
            coalesce(sum(score) filter (where question = 'q3'), 0)::int as q3_sum,
            count(*) filter (where question = 'q3')::int as q3_count
          from survey_responses where workspace_id = ${ctx.workspace.id} and score is not null
          group by 1, 2 order by 1, 2`,
        ),
        queryRows(
          db(),
          sql`select survey_id, day::text as day, promoters, detractors, nps_total, q1_sum, q1_count, q2_sum, q2_count, q3_sum, q3_count from survey_answer_days
          where workspace_id = ${ctx.workspace.id} and (promoters, detractors, nps_total, q1_count, q2_count, q3_count) <> (0, 0, 0, 0, 0, 0)
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
    const [direct] = await queryRows<{ promoters: number; detractors: number; total: number } & Record<string, unknown>>(
      db(),
      sql`select count(*) filter (where s.kind = 'nps' and r.question = 'nps' and r.score >= 9)::int as promoters,
          count(*) filter (where s.kind = 'nps' and r.question = 'nps' and r.score <= 6)::int as detractors,
          count(*) filter (where s.kind = 'nps' and r.question = 'nps')::int as total,
          sum(r.score) filter (where s.kind = 'csat' and r.question = 'q1') as q1_sum, count(*) filter (where s.kind = 'csat' and r.question = 'q1') as q1_count,
          sum(r.score) filter (where s.kind = 'csat' and r.question = 'q2') as q2_sum, count(*) filter (where s.kind = 'csat' and r.question = 'q2') as q2_count,
          sum(r.score) filter (where s.kind = 'csat' and r.question = 'q3') as q3_sum, count(*) filter (where s.kind = 'csat' and r.question = 'q3') as q3_count
        from survey_responses r join surveys s on s.id = r.survey_id
        where s.account_id = ${acme} and r.score is not null
          and (r.answered_at at time zone 'UTC')::date > (${new Date(NOW.getTime() - 180 * DAY).toISOString()}::timestamptz at time zone 'UTC')::date
          and (r.answered_at at time zone 'UTC')::date <= (${NOW.toISOString()}::timestamptz at time zone 'UTC')::date`,
    );
    const acmeHealth = (await portfolioHealth(db(), ctx.workspace.id, { now: NOW, timezone: 'UTC' })).find((a) => a.accountId === acme)!;
    const inputs = acmeHealth.inputs;
    expect(inputs.nps).toEqual({ promoters: direct!.promoters, detractors: direct!.detractors, total: direct!.total });
    expect(inputs.nps.total).toBeGreaterThan(10);
    const expectedCsat = csatScore(csatTotalsFromRow(direct!));
    expect(expectedCsat).not.toBeNull();
    expect(acmeHealth.csat).toEqual(expectedCsat);
    expect(inputs.csat).toBe(expectedCsat!.value);
  });
  it('migration 0009 fills the per-question CSAT totals of answers given before it', async () => {
    const backfill = readFileSync(join(MIGRATIONS_DIR, '0009_survey_answer_days_per_question.sql'), 'utf8')
      .split('--> statement-breakpoint')
      .map((s) => s.trim())
      .filter((s) => s.startsWith('UPDATE'));
    expect(backfill).toHaveLength(1);
    const ctx = await newContext(db(), { now: NOW });
    await t.registry.run(ctx, '/account add Acme');
    const [acme] = (await portfolioHealth(db(), ctx.workspace.id, { now: NOW, timezone: 'UTC' })).map((a) => a.accountId);
    const [csat] = await db().insert(surveys).values({ workspaceId: ctx.workspace.id, number: 904, accountId: acme!, kind: 'csat', openedAt: NOW, closesAt: NOW }).returning();
    // Q1 5, 5, 5 / Q2 4 / Q3 3, 3, over two days.
    for (const [key, question, score, days] of [['a', 'q1', 5, 1], ['b', 'q1', 5, 1], ['c', 'q1', 5, 2], ['a', 'q2', 4, 1], ['a', 'q3', 3, 2], ['b', 'q3', 3, 2]] as const) {
      await db().execute(sql`insert into survey_responses (workspace_id, survey_id, respondent_key, question, score, answered_at)
        values (${ctx.workspace.id}, ${csat!.id}, ${key}, ${question}, ${score}, ${new Date(NOW.getTime() - days * DAY).toISOString()})`);
    }
    // As a database written before 0009 holds them: no per-question totals yet.
    await db().execute(sql`update survey_answer_days set q1_sum = 0, q1_count = 0, q2_sum = 0, q2_count = 0, q3_sum = 0, q3_count = 0 where survey_id = ${csat!.id}`);
    for (const statement of backfill) await db().execute(sql.raw(statement));
    const rows = await queryRows(db(), sql`select day::text as day, q1_sum, q1_count, q2_sum, q2_count, q3_sum, q3_count from survey_answer_days where survey_id = ${csat!.id} order by day`);
    expect(rows).toEqual([
      { day: '2026-11-21', q1_sum: 5, q1_count: 1, q2_sum: 0, q2_count: 0, q3_sum: 6, q3_count: 2 },
      { day: '2026-11-22', q1_sum: 10, q1_count: 2, q2_sum: 4, q2_count: 1, q3_sum: 0, q3_count: 0 },
    ]);
    const health = (await portfolioHealth(db(), ctx.workspace.id, { now: NOW, timezone: 'UTC' })).find((a) => a.accountId === acme)!;
    expect(health.inputs.csat).toBe(4);
  });
});
