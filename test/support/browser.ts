import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

/** Debian's Chromium (package `chromium`); .ci/run installs it when it is missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium as the machine notes prescribe. Each launch gets a fresh,
 * temporary profile (Playwright's own), removed when the browser closes.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * axe-core's WCAG 2.2 AA rules on the page as it is now; returns the violations,
 * summarised. axe needs scripts to run in the page, so a page from a context
 * with JavaScript off is audited as a snapshot: the same DOM and URL, opened
 * in `auditor` (a context with JavaScript) with the site's own scripts
 * blocked, so what axe sees is what a browser without JavaScript shows.
 */
export async function axeViolations(page: Page, auditor?: BrowserContext): Promise<string[]> {
  let target = page;
  if (auditor) {
    const html = await page.content();
    const url = page.url();
    target = await auditor.newPage();
    await target.route('**/*.js', (route) => route.abort());
    await target.route(url, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }),
    );
    await target.goto(url);
  }
  const result = await new AxeBuilder({ page: target }).withTags(AXE_TAGS).analyze();
  if (target !== page) await target.close();
  return result.violations.map(
    (v) => `${v.id} (${v.impact ?? '?'}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/** What a page did that the tests check: requests, console messages (CSP reports land there). */
export interface Watch {
  requests: string[];
  console: string[];
}

export async function watchedPage(context: BrowserContext): Promise<{ page: Page; watch: Watch }> {
  const page = await context.newPage();
  const watch: Watch = { requests: [], console: [] };
  page.on('request', (r) => watch.requests.push(r.url()));
  page.on('console', (m) => watch.console.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => watch.console.push(`pageerror: ${e.message}`));
  return { page, watch };
}

/** Polls `condition` until it holds; fails with `what` when the deadline passes. */
export async function waitFor(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
