import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditFile } from '../../audit/index.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OUT = join(ROOT, 'out');
const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium's own connections are refused by a closed
// network and it stalls; Playwright gives it a fresh, empty profile directory of its own.
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TOKENS = {
  viewer: 'e2e-viewer-token-0123456789',
  operator: 'e2e-operator-token-0123456789',
};

/** Debian's chromium, installed with apt-get when missing (CI runs as root on a Debian machine). */
function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  console.warn(
    `riskDesk.browser.test: ${CHROMIUM} is missing; installing Debian's chromium with apt-get (takes a minute)`,
  );
  if (process.getuid?.() !== 0)
    throw new Error(
      `${CHROMIUM} is missing and this is not root: run 'sudo apt-get install -y chromium' and retry`,
    );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (r.status !== 0)
      throw new Error(`apt-get ${args.join(' ')} failed (exit ${r.status}): cannot install chromium`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get installed chromium but ${CHROMIUM} is still missing`);
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

/** Resolves once `pred` holds on the text seen so far, or rejects after `timeoutMs`. */
function waitForOutput(
  text: () => string,
  pred: (t: string) => boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  return new Promise((res, rej) => {
    const started = Date.now();
    const tick = () => {
      if (pred(text())) res();
      else if (Date.now() - started > timeoutMs)
        rej(new Error(`timed out waiting for ${what}; output:\n${text().slice(-2000)}`));
      else setTimeout(tick, 50);
    };
    tick();
  });
}

describe('risk desk - in headless Chromium against npm start', () => {
  let demo: ChildProcess;
  let output = '';
  let browser: Browser;
  let page: Page;
  let base: string;
  let auditFile: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureChromium();
    mkdirSync(OUT, { recursive: true });
    const dir = mkdtempSync(join(tmpdir(), 'flowguard-desk-'));
    const tokens = join(dir, 'tokens.json');
    auditFile = join(dir, 'audit.jsonl');
    writeFileSync(
      tokens,
      JSON.stringify({
        tokens: [
          { user: 'vera', role: 'viewer', token: TOKENS.viewer },
          { user: 'otto', role: 'operator', token: TOKENS.operator },
        ],
      }),
    );
    const port = await freePort();
    // Speed 3: the pump starts 20 s in and the halt lasts about 14 s before the policy resumes.
    demo = spawn(
      'npm',
      ['start', '--', '--port', String(port), '--speed', '3', '--tokens', tokens, '--audit', auditFile],
      {
        cwd: ROOT,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    demo.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    demo.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    await waitForOutput(
      () => output,
      (t) => t.includes(`risk desk: http://127.0.0.1:${port}/`),
      60_000,
      'the risk desk',
    );
    base = `http://127.0.0.1:${port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
  }, 10 * 60_000);

  afterAll(async () => {
    await browser?.close();
    // npm runs the demo as a child: end the process group this test started.
    if (demo?.pid !== undefined && demo.exitCode === null) process.kill(-demo.pid, 'SIGTERM');
  });

  it('shows a live alert and the halt, refuses anonymous and viewer resumes, and an operator resumes with the engine ack', async () => {
    await page.goto(`${base}/`);
    await expect.poll(() => page.title()).toBe('flowguard risk desk');
    await page.waitForSelector('#live.on', { timeout: 10_000 });

    // The demo's pump on SOLUSDT at venue-a: alerts on the live feed, then a halt.
    await page.waitForSelector('#alerts tbody tr', { timeout: 60_000 });
    const alert = await page.textContent('#alerts tbody tr');
    expect(alert).toMatch(/SOLUSDT @ venue-a.*pump-rule/);
    const haltRow = page.locator('#halts tbody tr[data-scope="vs:venue-a:SOLUSDT"]');
    await haltRow.waitFor({ timeout: 30_000 });
    await expect.poll(() => haltRow.locator('td').first().textContent(), { timeout: 10_000 }).toBe('HALT');
    await page.screenshot({ path: join(OUT, 'risk-desk-halt.png'), fullPage: true });

    // Anonymous: read-only, so no resume button, and the API refuses it (401), audited.
    expect(await haltRow.locator('button.resume').isVisible()).toBe(false);
    const why = 'e2e: pump checked, book normal';
    const body = JSON.stringify({ key: 'vs:venue-a:SOLUSDT', why });
    const anonymous = await page.request.post(`${base}/api/halts/resume`, {
      headers: { 'content-type': 'application/json' },
      data: body,
    });
    expect(anonymous.status()).toBe(401);
    const viewer = await page.request.post(`${base}/api/halts/resume`, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.viewer}` },
      data: body,
    });
    expect(viewer.status()).toBe(403);
    await waitForOutput(
      () => output,
      (t) =>
        /audit: anonymous \(anonymous\) resume vs:venue-a:SOLUSDT -> refused 401/.test(t) &&
        /audit: vera \(viewer\) resume vs:venue-a:SOLUSDT -> refused 403/.test(t),
      5_000,
      'the audit lines of the refused resumes',
    );
    expect(await haltRow.count()).toBe(1);

    // The operator signs in, gives a reason and resumes; the engine's ack shows on the page.
    await page.fill('#token', TOKENS.operator);
    await page.click('#signin-btn');
    await page.waitForSelector('#who.operator', { timeout: 5_000 });
    await haltRow.locator('input').fill(why);
    await haltRow.locator('button.resume').click();
    await page.waitForFunction(
      () =>
        /Engine ack: RESUME vs:venue-a:SOLUSDT APPLIED by reference-engine/.test(
          document.querySelector('#notice')?.textContent ?? '',
        ),
      undefined,
      { timeout: 5_000 },
    );
    await haltRow.waitFor({ state: 'detached', timeout: 5_000 });
    const resumeRow = page.locator('#commands tbody tr', { hasText: 'otto: e2e: pump checked' });
    await expect
      .poll(() => resumeRow.locator('td.ack').textContent(), { timeout: 5_000 })
      .toMatch(/^APPLIED/);
    expect(await resumeRow.locator('td.ack').getAttribute('title')).toMatch(/^APPLIED by reference-engine/);
    // The policy's own commands show their acks too, whichever of command and ack came first.
    const haltAck = page.locator('#commands tbody tr:has(td.act-HALT) td.ack');
    await expect.poll(() => haltAck.first().textContent(), { timeout: 5_000 }).toMatch(/^APPLIED/);
    await waitForOutput(
      () => output,
      (t) => /audit: otto \(operator\) resume vs:venue-a:SOLUSDT -> accepted 202 manual-[0-9a-f]{32}/.test(t),
      5_000,
      'the audit line of the operator resume',
    );

    // The same three requests are sealed into the hash-chained audit file (beside the pipeline's
    // own decisions, alerts and acks, which share the chain), and the chain verifies.
    const lines = readFileSync(auditFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; action: string; data: { user: string; why?: string } });
    const sealed = lines.filter((l) => l.kind === 'desk');
    expect(lines.some((l) => l.kind === 'command' && l.action === 'HALT')).toBe(true);
    expect(sealed.map((l) => [l.data.user, l.action, l.data.why])).toEqual([
      ['anonymous', 'resume:refused', why],
      ['vera', 'resume:refused', why],
      ['otto', 'resume:accepted', why],
    ]);
    expect(await verifyAuditFile(auditFile)).toMatchObject({ ok: true });

    // The chart has data and the history view answers from the query API.
    await page.selectOption('#history-form select[name="kind"]', 'commands');
    await page.click('#history-form button[type="submit"]');
    await page.waitForSelector('#history tbody tr', { timeout: 5_000 });
    expect(await page.textContent('#history tbody')).toMatch(/RESUME.*otto/);
    await page.waitForFunction(
      () => (document.querySelector('#chart-key') as HTMLSelectElement).value !== '',
    );
    await page.screenshot({ path: join(OUT, 'risk-desk.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
