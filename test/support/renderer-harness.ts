import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createIpcRouter, type RouterOptions } from '../../electron/main/router';
import { resolveAppResource } from '../../electron/main/app-protocol';
import type { Clock, Session } from '../../app/ports';
import type { HandlerContext } from '../../electron/main/handlers';
import { drillCardSource, pcscCardSource } from '../../app/cards/card-sources';
import { desktopKeySources } from '../../app/presence/key-sources';
import { DrillTouchPad } from '../../app/presence/drill-touch';
import { readHead } from '../../db/ledger';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { openTestSession } from './session';

export const RENDERER_ROOT = fileURLToPath(new URL('../../dist/renderer', import.meta.url));
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The page is served from this origin; the router trusts only it, as main trusts app://keyward. */
export const TEST_ORIGIN = 'http://keyward.test';
/** How long one Playwright step waits by default: less than a test's timeout (30 s), so a stall names its step; the first verification on a thread of a test process loads its code through tsx and can take 15 s under load. */
export const STEP_TIMEOUT_MS = 25_000;

export async function ensureRendererBuilt(): Promise<void> {
  if (existsSync(`${RENDERER_ROOT}/index.html`)) return;
  const { build } = await import('vite');
  await build({ configFile: fileURLToPath(new URL('../../renderer/vite.config.ts', import.meta.url)), logLevel: 'warn' });
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface RendererPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Requests the page tried to send anywhere but its own origin. */
  readonly blockedRequests: string[];
  readonly consoleErrors: string[];
  /** Moves main's clock (the router's session) forward; the page's own clock is `page.clock`. */
  advanceClock(ms: number): void;
}

export interface RendererOptions {
  readonly network?: RouterOptions['network'];
  readonly reports?: RouterOptions['reports'];
  readonly files?: RouterOptions['files'];
  /** Main's key sources instead of the desktop's (USB and drill), given the touch pad the drill prompt answers. */
  readonly keySources?: (touchPad: DrillTouchPad) => HandlerContext['keySources'];
  /** Installs Playwright's clock in the page before it loads, at main's time, so a test can run the renderer's timers on. */
  readonly pageClock?: boolean;
}

/** The session's clock, plus however far a test has moved it on. */
function adjustable(inner: Clock): { clock: Clock; advance: (ms: number) => void } {
  let offset = 0;
  return {
    clock: { now: () => new Date(inner.now().getTime() + offset), utcOffsetMinutes: (at) => inner.utcOffsetMinutes(at) },
    advance: (ms) => {
      offset += ms;
    },
  };
}

/**
 * Opens the built renderer in Chromium, wired to the real IPC router over the session's real
 * SQLite file. The init script stands in for the preload: the same narrow `keyward` object,
 * forwarding to main's router through a Playwright binding.
 */
export async function openRenderer(browser: Browser, session: Session, options: RendererOptions = {}): Promise<RendererPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const blockedRequests: string[] = [];
  const consoleErrors: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (!url.startsWith(`${TEST_ORIGIN}/`)) {
      blockedRequests.push(url);
      return route.abort('blockedbyclient');
    }
    const resource = resolveAppResource(url.replace(TEST_ORIGIN, 'app://keyward'), RENDERER_ROOT);
    if (resource.status !== 200) return route.fulfill({ status: resource.status, body: resource.reason });
    try {
      return await route.fulfill({ status: 200, headers: resource.headers, body: await readFile(resource.path) });
    } catch {
      return route.fulfill({ status: 404, body: 'not found' });
    }
  });

  const opened: { page?: Page } = {};
  // Main's events reach the page as the preload would deliver them: by name, to its listeners.
  const emit = (event: string, payload: unknown) => {
    void opened.page?.evaluate(([e, p]) => (window as unknown as { __keywardEmit: (e: unknown, p: unknown) => void }).__keywardEmit(e, p), [event, payload] as const).catch(() => undefined);
  };
  const drillTouch = new DrillTouchPad((waiting) => emit('drill:touch', waiting));
  const time = adjustable(session.clock);
  const router = createIpcRouter({
    session: { db: session.db, actor: session.actor, clock: time.clock },
    trustedOrigin: TEST_ORIGIN,
    keySources: options.keySources?.(drillTouch) ?? desktopKeySources(session.db, drillTouch),
    drillTouch,
    cardSources: { real: () => pcscCardSource(), drill: () => drillCardSource(session.db) },
    network: options.network,
    reports: options.reports,
    files: options.files,
    emit,
    onLedgerAppended: () => emit('ledger:appended', readHead(session.db)),
  });
  await context.exposeBinding('__keywardMain', async (source, channel: unknown, args: unknown) => router.handle(channel, args, { url: source.frame.url() }));
  await context.addInitScript(() => {
    const listeners = new Map<string, Set<(payload: unknown) => void>>();
    const main = (c: unknown, a: unknown) => (window as unknown as { __keywardMain: (c: unknown, a: unknown) => Promise<unknown> }).__keywardMain(c, a);
    Object.defineProperty(window, '__keywardEmit', {
      value: (event: string, payload: unknown) => listeners.get(event)?.forEach((listener) => listener(payload)),
    });
    Object.defineProperty(window, 'keyward', {
      value: Object.freeze({
        invoke: (channel: unknown, args: unknown) => main(channel, args),
        on: (event: string, listener: (payload: unknown) => void) => {
          if (!listeners.has(event)) listeners.set(event, new Set());
          listeners.get(event)!.add(listener);
          return () => listeners.get(event)?.delete(listener);
        },
      }),
    });
  });

  const page = await context.newPage();
  // A step that stalls fails on its own, naming the locator it waited for, well before the test's timeout.
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  opened.page = page;
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  if (options.pageClock) await page.clock.install({ time: time.clock.now() });
  await page.goto(`${TEST_ORIGIN}/index.html`);
  return { page, context, blockedRequests, consoleErrors, advanceClock: time.advance };
}

type TestSession = ReturnType<typeof openTestSession>;

/**
 * The hooks of a Chromium suite: one browser for the file, and for each test a fresh database
 * (prepared by `prepare`) with a page on the real router. Read `suite.s` and `suite.ui` in tests.
 */
export function chromiumSuite(prepare: (s: TestSession) => void | Promise<void> = () => undefined, options: (s: TestSession) => RendererOptions = () => ({})) {
  let browser: Browser | undefined;
  const current: { s?: TestSession; ui?: RendererPage } = {};
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await ensureRendererBuilt();
    browser = await launchChromium();
  });
  afterAll(async () => browser?.close());
  beforeEach(async () => {
    current.s = openTestSession();
    await prepare(current.s);
    current.ui = await openRenderer(browser!, current.s, options(current.s));
  });
  afterEach(async () => {
    await current.ui?.context.close();
    current.s?.close();
  });
  return {
    get s(): TestSession {
      return current.s!;
    },
    get ui(): RendererPage {
      return current.ui!;
    },
  };
}

/** Where the UI tests leave their screenshots (looked at by a person, not compared). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/', import.meta.url));

/**
 * Answers a drill key's request for a touch as the custodian would: waits for the prompt that
 * names the key, then presses Touch (or refuses), and waits for the prompt to go.
 */
export async function touchDrillKey(page: Page, label: string, answer: 'touch' | 'refuse' = 'touch'): Promise<void> {
  const prompt = page.getByRole('alertdialog', { name: `Drill: the key labelled ${label} is blinking` });
  await prompt.waitFor();
  await prompt.getByRole('button', { name: answer === 'touch' ? `Touch ${label}` : 'Refuse the touch' }).click();
  await prompt.waitFor({ state: 'detached' });
}

/**
 * Waits until the focus is on the element whose text is `text`, and every closed dialog is empty.
 * A modal dialog closed with Escape is hidden, and Chromium gives the focus back to its opener, at
 * once; its close event comes a task later, and the dialog's handler then empties it. An emptied
 * dialog says the screen has settled: the next key goes where the test put the focus.
 */
export async function focusReturnsTo(page: Page, text: string): Promise<void> {
  await page.waitForFunction(() => [...document.querySelectorAll('dialog')].every((dialog) => dialog.open || dialog.childElementCount === 0));
  await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(text);
}
