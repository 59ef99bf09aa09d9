// Launching Debian's Chromium through playwright-core, the way TOOLCHAIN.md
// says works here (no browser download), plus small helpers shared by tests.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROXY_URL = requiredEnv('PROXY_URL');
export const PAGES_URL = requiredEnv('PAGES_URL');
export const PARTNER_KEY = 'pk_demo_0000000000000000';
export const OUTPUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-output');
mkdirSync(OUTPUT_DIR, { recursive: true });

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the browser tests through \`make test\``);
  return value;
}

export async function launchChromium() {
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-profile-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 900 },
    locale: 'ru-RU',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/** The proxy's layout document, read the way the widget reads it. */
export async function fetchLayout(eventId, showId) {
  const response = await fetch(`${PROXY_URL}/v1/events/${eventId}/shows/${showId}/layout`, {
    headers: { 'X-Partner-Key': PARTNER_KEY },
  });
  if (!response.ok) throw new Error(`layout ${response.status}`);
  return response.json();
}

/** "4 500,50 ₽" → 450050 (minor units). */
export function parseRoubles(text) {
  const normalised = text.replace(/[\s\u00a0\u202f₽]/g, '').replace(',', '.');
  const value = Number.parseFloat(normalised);
  if (Number.isNaN(value)) throw new Error(`not a rouble amount: ${JSON.stringify(text)}`);
  return Math.round(value * 100);
}
