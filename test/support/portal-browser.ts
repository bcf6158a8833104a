/**
 * @module
 * Headless Debian Chromium for the portal's browser tests, driven by
 * playwright-core: where it is, the flags it needs here (root, no
 * network), what a test lacks without it, signing in through the form, and
 * an axe-core scan of the current page. axe-core is evaluated through the
 * DevTools protocol, which the portal's strict CSP (no inline scripts)
 * does not govern, so the page is scanned exactly as it is served.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { repoRoot } from "./start-wharf.ts";

/** Debian's Chromium. */
export const chromiumPath = "/usr/bin/chromium";

/** Flags for Chromium as root on a machine without a network. */
export const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** The built portal. */
export const webDir = join(repoRoot, "dist", "web");

/** Why the browser tests cannot run here, or undefined. */
export function missingChromium(): string | undefined {
  if (!existsSync(chromiumPath)) return "chromium is not installed (Debian package chromium)";
  return undefined;
}

/** Starts headless Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumArgs });
}

/** Signs in through the portal's form at `url` and waits for the header. */
export async function signInThroughForm(page: Page, url: string, username: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Signed in as").waitFor();
}

let axeSource: string | undefined;

/**
 * The axe-core violations of impact `serious` or `critical` on the current
 * page (WCAG 2.x A and AA rules and axe's best practices), one line each:
 * rule, impact, help and the first offending nodes.
 */
export async function seriousAxeViolations(page: Page): Promise<string[]> {
  axeSource ??= await readFile(join(repoRoot, "node_modules", "axe-core", "axe.min.js"), "utf8");
  if (!(await page.evaluate("typeof window.axe === 'object'"))) await page.evaluate(axeSource);
  // A string, not a function: the tests compile without the DOM library.
  return (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then((result) =>
    result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => v.id + " (" + v.impact + "): " + v.help + " at " +
        v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")))`)) as string[];
}
