/**
 * A real headless browser for the tests of pages: Debian's Chromium (`apt-get install chromium`,
 * installed by `.ci/run`), driven by playwright-core, which downloads no browser of its own.
 */
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium, unless `CHROMIUM_PATH` names another Chromium-based browser (CI's Chrome). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Flags that keep the browser from reaching the network on its own or needing a sandbox. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Launches Debian's Chromium headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true });
}
