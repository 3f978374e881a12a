import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createIpcRouter } from '../../electron/main/router';
import { resolveAppResource } from '../../electron/main/app-protocol';
import type { Session } from '../../app/ports';

export const RENDERER_ROOT = fileURLToPath(new URL('../../dist/renderer', import.meta.url));
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The page is served from this origin; the router trusts only it, as main trusts app://keyward. */
export const TEST_ORIGIN = 'http://keyward.test';

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
}

/**
 * Opens the built renderer in Chromium, wired to the real IPC router over the session's real
 * SQLite file. The init script stands in for the preload: the same narrow `keyward` object,
 * forwarding to main's router through a Playwright binding.
 */
export async function openRenderer(browser: Browser, session: Session): Promise<RendererPage> {
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

  let appended = false;
  const router = createIpcRouter({ session, trustedOrigin: TEST_ORIGIN, onLedgerAppended: () => (appended = true) });
  await context.exposeBinding('__keywardMain', async (source, channel: unknown, args: unknown) => {
    appended = false;
    const reply = await router.handle(channel, args, { url: source.frame.url() });
    return { reply, appended };
  });
  await context.addInitScript(() => {
    const listeners = new Set<() => void>();
    const main = (c: unknown, a: unknown) => (window as unknown as { __keywardMain: (c: unknown, a: unknown) => Promise<{ reply: unknown; appended: boolean }> }).__keywardMain(c, a);
    Object.defineProperty(window, 'keyward', {
      value: Object.freeze({
        invoke: async (channel: unknown, args: unknown) => {
          const { reply, appended } = await main(channel, args);
          if (appended) queueMicrotask(() => listeners.forEach((listener) => listener()));
          return reply;
        },
        on: (_event: string, listener: () => void) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      }),
    });
  });

  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(`${TEST_ORIGIN}/index.html`);
  return { page, context, blockedRequests, consoleErrors };
}
