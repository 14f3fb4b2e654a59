// The local console page in a real headless Chromium (the system one, driven by
// playwright-core): typing commands, reading answers, pressing a card's button and
// filling the check-in dialog, against Tenure started in-process on a fresh data dir.
// Skips, saying how to install it, where no Chromium is installed.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkins, workspaces } from '../../db/schema.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startTenure, type Tenure } from '../../src/main.js';
import { CONSOLE_WORKSPACE_ID } from '../../src/platforms/console/routes.js';

const CHROMIUM_CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
const chromiumPath = CHROMIUM_CANDIDATES.find((p): p is string => !!p && existsSync(p));

if (!chromiumPath) {
  console.warn(
    'console.browser.test.ts: skipped — no Chromium found at $CHROMIUM_PATH, /usr/bin/chromium or /usr/bin/chromium-browser. ' +
      'Install it with `apt-get install chromium` (Debian/Ubuntu) or point CHROMIUM_PATH at a Chromium binary.',
  );
}

const NOW = new Date('2026-11-23T10:00:00Z');
const XSS_NAME = '<img src=x onerror=alert(1)>';

describe.skipIf(!chromiumPath)('local console in Chromium', () => {
  let dataDir: string;
  let tenure: Tenure;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const alerts: string[] = [];
  /** What Chromium said about the Content-Security-Policy: console lines and securitypolicyviolation events. */
  const cspComplaints: string[] = [];
  let pageHeaders: Record<string, string> = {};

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'tenure-console-'));
    // The schema refuses PORT=0; the config object takes it, and the OS picks a free port.
    const config = { ...loadConfig({ TENURE_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), port: 0 };
    tenure = await startTenure(config, { logger: createLogger('silent'), clock: () => NOW });
    browser = await chromium.launch({
      executablePath: chromiumPath!,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('dialog', (dialog) => {
      alerts.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (/content security policy/i.test(message.text())) cspComplaints.push(message.text());
    });
    // Init scripts come through DevTools, which the page's CSP does not govern.
    await page.exposeFunction('reportCspViolation', (line: string) => cspComplaints.push(line));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        void (window as unknown as { reportCspViolation(line: string): Promise<void> }).reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
      });
    });
    const response = await page.goto(tenure.url);
    pageHeaders = response!.headers();
    await page.locator('.bot-message', { hasText: 'Welcome to the Tenure console' }).waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await tenure?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const botMessages = () => page.locator('#log .bot-message');
  const dialog = () => page.locator('#form-dialog');

  /** Types a command in the composer, presses Enter, and waits for the answer (or the form dialog). */
  async function send(text: string, expect: 'message' | 'form' = 'message'): Promise<Locator> {
    const before = await botMessages().count();
    const composer = page.getByRole('textbox', { name: 'Command' });
    await composer.fill(text);
    await composer.press('Enter');
    if (expect === 'form') {
      await dialog().waitFor({ state: 'visible' });
      return dialog();
    }
    await page.waitForFunction((n) => document.querySelectorAll('#log .bot-message').length > n, before);
    return botMessages().nth(before);
  }

  async function checkinCount(): Promise<number> {
    const [workspace] = await tenure.database.db.select().from(workspaces).where(eq(workspaces.externalId, CONSOLE_WORKSPACE_ID));
    const [row] = await tenure.database.db.select({ n: count() }).from(checkins).where(eq(checkins.workspaceId, workspace!.id));
    return Number(row!.n);
  }

  it('lists the demo accounts', async () => {
    const answer = await send('/account list');
    await expect(answer.textContent()).resolves.toContain('Acme Corp');
    // The echo of what was typed is shown as the user's line.
    await page.locator('#log .typed', { hasText: '/account list' }).waitFor();
    if (process.env.TENURE_CONSOLE_SCREENSHOT) await page.screenshot({ path: process.env.TENURE_CONSOLE_SCREENSHOT });
  });

  it('shows an account card with its fields and buttons', async () => {
    const card = await send('/account "Acme Corp"');
    await expect(card.locator('h3').textContent()).resolves.toBe('Acme Corp');
    await expect(card.locator('dt', { hasText: 'Renewal' }).count()).resolves.toBe(1);
    await expect(card.getByRole('button', { name: 'Log a check-in' }).isVisible()).resolves.toBe(true);
  });

  it('opens the check-in form, shows field errors in the dialog, then logs the touch', async () => {
    const form = await send('/checkin', 'form');
    await expect(form.locator('h2').textContent()).resolves.toBe('Log a check-in');
    await expect(form.locator('select[name=account]').inputValue()).resolves.toBe('');
    const saved = await checkinCount();

    // Empty notes (and no account picked): errors next to the fields, dialog stays open, nothing saved.
    await form.getByRole('button', { name: 'Log check-in' }).click();
    const notesError = form.locator('[data-error-for="notes"]');
    await notesError.filter({ hasText: /\S/ }).waitFor();
    await expect(notesError.textContent()).resolves.toContain('Add a note');
    await expect(form.locator('[data-error-for="account"]').textContent()).resolves.toContain('Pick an account');
    await expect(dialog().isVisible()).resolves.toBe(true);
    await expect(checkinCount()).resolves.toBe(saved);

    const before = await botMessages().count();
    await form.locator('select[name=account]').selectOption('Acme Corp');
    await form.locator('textarea[name=notes]').fill('Walked through the backup runbook');
    await form.getByRole('button', { name: 'Log check-in' }).click();
    await dialog().waitFor({ state: 'hidden' });
    await page.waitForFunction((n) => document.querySelectorAll('#log .bot-message').length > n, before);
    const confirmation = botMessages().nth(before);
    await expect(confirmation.textContent()).resolves.toContain('Logged a call with Acme Corp today');
    await expect(confirmation.locator('.quote').textContent()).resolves.toBe('Walked through the backup runbook');
    await expect(checkinCount()).resolves.toBe(saved + 1);
  });

  it("opens the form with the account preselected from the card's button", async () => {
    const card = botMessages().filter({ has: page.locator('h3', { hasText: 'Acme Corp' }) }).first();
    await card.getByRole('button', { name: 'Log a check-in' }).click();
    await dialog().waitFor({ state: 'visible' });
    await expect(dialog().locator('select[name=account]').inputValue()).resolves.toBe('Acme Corp');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await dialog().waitFor({ state: 'hidden' });
  });

  it('shows an account name containing HTML as text, never as markup', async () => {
    const answer = await send(`/account add "${XSS_NAME}"`);
    await expect(answer.textContent()).resolves.toContain(`Added account ${XSS_NAME}`);
    const listed = await send('/account list');
    await expect(listed.textContent()).resolves.toContain(XSS_NAME);
    await send('/checkin', 'form');
    await expect(dialog().locator('select[name=account] option', { hasText: XSS_NAME }).count()).resolves.toBe(1);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await dialog().waitFor({ state: 'hidden' });

    await expect(page.locator('#log img, #form-dialog img').count()).resolves.toBe(0);
    expect(alerts).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('shows the SLA alerts Tenure posts into the selected channel, the channel picker naming each channel’s kind', async () => {
    await tenure.scheduler!.runNow('sla-watch');
    // The picker lists the channels with their kinds (GET /console/channels).
    await expect(page.locator('#channel option[value="initech"]').textContent()).resolves.toBe('#initech — customer channel · Initech');
    await expect(page.locator('#channel option[value="cs-team"]').textContent()).resolves.toBe('#cs-team — alert channel');
    // Initech's alerts go to the alert channel, never to its customer channel.
    await page.locator('#channel').selectOption('cs-team');
    await expect(page.locator('#channel-title').textContent()).resolves.toBe('#cs-team — alert channel');
    const alert = page.locator('#log .feed-message', { hasText: 'for Initech' }).first();
    await alert.waitFor({ timeout: 10_000 });
    await expect(alert.textContent()).resolves.toMatch(/SLA (warning|breached)/);
    await expect(alert.getByRole('button', { name: /Acknowledge #\d+/ }).isVisible()).resolves.toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('did all of the above under its Content-Security-Policy without one violation', async () => {
    expect(pageHeaders['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(pageHeaders['content-security-policy']).toContain("script-src 'sha256-");
    expect(pageHeaders['x-frame-options']).toBe('DENY');
    // The styles applied (the composer's button is the accent colour), so the style hash held.
    await expect(page.locator('form.composer button').evaluate((b) => getComputedStyle(b).backgroundColor)).resolves.toBe('rgb(47, 111, 79)');
    expect(cspComplaints).toEqual([]);
  });

  it('does not run a script that gets into the page, and cannot be framed', async () => {
    await page.evaluate(() => {
      const injected = document.createElement('script');
      injected.textContent = 'window.injectedRan = true';
      document.body.append(injected);
    });
    await expect.poll(() => cspComplaints.length).toBeGreaterThan(0);
    expect(cspComplaints.join('\n')).toMatch(/script-src/);
    await expect(page.evaluate(() => (window as unknown as { injectedRan?: boolean }).injectedRan)).resolves.toBeUndefined();

    const framer = await browser.newPage();
    try {
      const refused = framer.waitForEvent('console', (m) => /frame-ancestors|X-Frame-Options/.test(m.text()));
      await framer.setContent(`<iframe src="${tenure.url}"></iframe>`);
      await refused;
      const frame = framer.frames().find((f) => f !== framer.mainFrame());
      await expect(frame?.locator('#composer').count()).resolves.toBe(0);
    } finally {
      await framer.close();
    }
  });
});
