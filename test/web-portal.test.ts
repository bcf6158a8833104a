/**
 * @module
 * The web portal end to end: headless Debian Chromium driven by
 * playwright-core against a real Wharf with accounts on. The admin signs in,
 * creates an organization, sees an image pushed with skopeo on its
 * repository page (tag, digest, pull line), switches it public and private
 * (anonymous pulls follow), adds a member and a team with a role, creates
 * an application, a pull secret (a bad name shows the server's rule first),
 * checks a pull secret against this registry (the one-line answer) and
 * downloads it as a Kubernetes Secret, a customer and a license (its id
 * shown once), revokes the license (the registry refuses it at once), sees
 * a release with its channel and pinned digests and a license that follows
 * the channel, a license's pull history and its extension, and signs out (the
 * session's token no longer works). CSRF: a
 * state-changing call with the session cookie but without `X-CSRF-Token` is
 * refused, from Node and from the page itself. External registries: add
 * one, test it, see the one-line answer. Static files: CSP, content types,
 * immutable hashed assets, SPA fallback, at most 200 KB of gzipped JS.
 * Accessibility (own checks over the ARIA snapshot; the axe-core scan is in
 * web-portal-customer.test.ts): keyboard sign-in in tab order, a skip link,
 * every control named and labelled, landmarks and one h1 per main page,
 * focus moved on navigation. Skips (fails under CI) when
 * Chromium or skopeo is missing.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { loopbackCidrs } from "../src/net/testing/allow-loopback.ts";
import { type ClientSandbox, createClientSandbox } from "./support/container-clients.ts";
import { type BuiltImage, buildImage, mediaTypes, seededBytes, writeOciLayout } from "./support/oci-layout.ts";
import { chromiumPath, launchChromium, webDir } from "./support/portal-browser.ts";
import { basicAuth, requestToken } from "./support/registry-auth.ts";
import { skipOption } from "./support/skip-missing-tool.ts";
import { adminPassword, useWharf } from "./support/start-wharf.ts";

function missingTool(): string | undefined {
  if (!existsSync(chromiumPath)) return "chromium is not installed (Debian package chromium)";
  if (!existsSync("/usr/bin/skopeo")) return "skopeo is not installed";
  return undefined;
}

describe("web portal", { skip: skipOption(missingTool()) }, () => {
  // Loopback allowed: the pull-secret check talks to this very Wharf.
  const wharf = useWharf({ auth: true, outboundAllow: loopbackCidrs });
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let box: ClientSandbox;
  let scratch: string;
  let image: BuiltImage;

  before(async () => {
    assert.ok(existsSync(join(webDir, "index.html")), "dist/web is missing: run npm run build (scripts/build.sh)");
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    box = await createClientSandbox("wharf-portal-box-");
    scratch = await mkdtemp(join(tmpdir(), "wharf-portal-"));
    image = buildImage({
      architecture: "amd64",
      layers: [[{ name: "usr/share/web/index.html", content: seededBytes("portal image", 50_000) }]],
    });
    await writeOciLayout(join(scratch, "source"), [{ tag: "app", item: image }]);
  });

  /** With PORTAL_TEST_SCREENSHOTS=DIR, a full-page screenshot named `name` (the README's come from here). */
  async function shot(name: string) {
    const dir = process.env.PORTAL_TEST_SCREENSHOTS;
    if (dir) await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  }

  afterEach(async (t) => {
    if (page) await shot(t.name.slice(0, 40));
  });

  after(async () => {
    await browser?.close();
    await box?.remove();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  /** The session cookies of the browser, as a Cookie header. */
  async function cookieHeader(): Promise<{ cookie: string; csrf: string }> {
    const cookies = await context.cookies(wharf.url);
    return {
      cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; "),
      csrf: cookies.find((c) => c.name === "wharf_csrf")?.value ?? "",
    };
  }

  /** A management API call from Node with the browser's session (cookie and CSRF token). */
  async function sessionCall(method: string, path: string, body?: unknown): Promise<Response> {
    const { cookie, csrf } = await cookieHeader();
    return fetch(`${wharf.url}/api/v1${path}`, {
      method,
      headers: { cookie, "x-csrf-token": csrf, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  test("serves the portal with a strict CSP, content types, immutable assets and SPA fallback", async () => {
    const index = await fetch(`${wharf.url}/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get("content-type") ?? "", /^text\/html/);
    assert.equal(index.headers.get("cache-control"), "no-cache");
    const csp = index.headers.get("content-security-policy") ?? "";
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const html = await index.text();
    assert.doesNotMatch(html, /<script>/, "no inline script (the CSP would block it)");
    const scripts = (await readdir(join(webDir, "assets"))).filter((f) => f.endsWith(".js"));
    let gzipped = 0;
    for (const file of scripts) gzipped += gzipSync(await readFile(join(webDir, "assets", file))).length;
    assert.ok(gzipped <= 200_000, `the portal's JavaScript is ${gzipped} bytes gzipped; keep it within 200 KB`);
    const script = scripts[0]!;
    const asset = await fetch(`${wharf.url}/assets/${script}`);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get("content-type") ?? "", /^text\/javascript/);
    assert.equal(asset.headers.get("cache-control"), "public, max-age=31536000, immutable");
    await asset.arrayBuffer();
    const deep = await fetch(`${wharf.url}/orgs/acme`, { headers: { accept: "text/html" } });
    assert.equal(deep.status, 200);
    assert.equal(await deep.text(), html);
    const missingAsset = await fetch(`${wharf.url}/assets/nope.js`, { headers: { accept: "text/html" } });
    assert.equal(missingAsset.status, 404);
    await missingAsset.arrayBuffer();
    const traversal = await fetch(`${wharf.url}/%2e%2e/package.json`);
    assert.equal(traversal.status, 404);
    await traversal.arrayBuffer();
    const post = await fetch(`${wharf.url}/`, { method: "POST" });
    assert.equal(post.status, 404);
    await post.arrayBuffer();
  });

  test("a wrong password is refused with a message; the right one signs in", async () => {
    await page.goto(wharf.url);
    await page.getByLabel("Username").fill("admin");
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").filter({ hasText: "username or password is not valid" }).waitFor();
    await page.getByLabel("Password").fill(adminPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("Signed in as").waitFor();
    const session = (await context.cookies(wharf.url)).find((c) => c.name === "wharf_session");
    assert.ok(session, "the session cookie is set");
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, "Strict");
  });

  test("the admin creates an organization and sees a pushed image with its tag, digest, size and pull line", async () => {
    await page.getByLabel("Organization name").fill("acme");
    await page.getByRole("button", { name: "Create organization" }).click();
    await page.getByRole("link", { name: "acme" }).click();
    await page.getByRole("heading", { name: "acme", level: 1 }).waitFor();
    await box.skopeoOk([
      "copy",
      "--preserve-digests",
      "--dest-tls-verify=false",
      "--dest-creds",
      `admin:${adminPassword}`,
      `oci:${join(scratch, "source")}:app`,
      `docker://${wharf.host}/acme/web:1.0`,
    ]);
    await page.reload();
    await page.getByRole("link", { name: "acme/web" }).click();
    const row = page.getByRole("row").filter({ hasText: "1.0" });
    await row.getByText(image.manifest.digest).waitFor();
    await row.getByText(`docker pull ${wharf.host}/acme/web:1.0`).waitFor();
    await row.getByRole("cell", { name: "kB" }).waitFor();
  });

  test("a repository's visibility switch: public pulls need no sign-in, private ones do", async () => {
    await page.getByRole("button", { name: "Make public" }).click();
    await page.getByRole("status").filter({ hasText: "acme/web is public" }).waitFor();
    const open = await fetch(`${wharf.url}/v2/acme/web/tags/list`);
    assert.equal(open.status, 200, "anonymous pulls of a public repository");
    await open.arrayBuffer();
    await page.getByRole("button", { name: "Make private" }).click();
    await page.getByRole("status").filter({ hasText: "acme/web is private" }).waitFor();
    const closed = await fetch(`${wharf.url}/v2/acme/web/tags/list`);
    assert.equal(closed.status, 401);
    await closed.arrayBuffer();
  });

  test("members and teams: add a member, create a team with a role, put the member in it", async () => {
    const made = await sessionCall("POST", "/users", { name: "bob", password: "bob-password-1" });
    assert.equal(made.status, 201);
    await made.arrayBuffer();
    await page.goto(`${wharf.url}/orgs/acme`);
    const members = page.getByRole("list", { name: "Members" });
    await members.getByText("admin (owner)").waitFor();
    await page.getByLabel("Member user name").fill("nobody");
    await page.getByRole("button", { name: "Add member" }).click();
    await page.getByRole("alert").filter({ hasText: "nobody" }).waitFor();
    await page.getByLabel("Member user name").fill("bob");
    await page.getByRole("button", { name: "Add member" }).click();
    await members.getByText("bob (member)").waitFor();
    await page.getByLabel("Team name").fill("devs");
    await page.getByLabel("Team role").selectOption("write");
    await page.getByRole("button", { name: "Create team" }).click();
    const row = page.getByRole("row").filter({ hasText: "devs" });
    await row.getByRole("cell", { name: "write" }).waitFor();
    await page.getByLabel("Team", { exact: true }).selectOption("devs");
    await page.getByLabel("User to add to the team").fill("bob");
    await page.getByRole("button", { name: "Add to team" }).click();
    await row.getByRole("cell", { name: "bob" }).waitFor();
    const teams = await sessionCall("GET", "/orgs/acme/teams");
    const listed = (await teams.json()) as { teams: { name: string; role: string; members: string[] }[] };
    assert.deepEqual(listed.teams, [{ name: "devs", role: "write", members: ["bob"] }]);
  });

  test("pull secrets: a bad name shows the server's rule, a good one is listed without its password", async () => {
    await page.goto(`${wharf.url}/orgs/acme`);
    await page.getByLabel("Secret name").fill("Bad_Name");
    await page.getByLabel("Username", { exact: true }).fill("robot");
    await page.getByLabel("Password", { exact: true }).fill("hub-password-1");
    await page.getByRole("button", { name: "Create secret" }).click();
    await page.getByRole("alert").filter({ hasText: 'secret name "Bad_Name" is invalid' }).waitFor();
    await page.getByLabel("Secret name").fill("hub-creds");
    await page.getByRole("button", { name: "Create secret" }).click();
    await page.getByRole("cell", { name: "hub-creds", exact: true }).waitFor();
    assert.doesNotMatch(await page.content(), /hub-password-1/);
  });

  test("pull secrets: check against this registry (the one-line answer) and download as a Kubernetes Secret", async () => {
    await page.getByLabel("Secret name").fill("wharf-self");
    await page.getByLabel("Kind").selectOption("private-registry");
    await page.getByLabel("Registry (private registries)").fill(`http://${wharf.host}`);
    await page.getByLabel("Plain HTTP registry (insecure)").check();
    await page.getByLabel("Username", { exact: true }).fill("admin");
    await page.getByLabel("Password", { exact: true }).fill(adminPassword);
    await page.getByRole("button", { name: "Create secret" }).click();
    const row = page.getByRole("row").filter({ hasText: "wharf-self" });
    await row.getByLabel("Image to pull with wharf-self").fill(`${wharf.host}/acme/web:1.0`);
    await row.getByRole("button", { name: "Check wharf-self" }).click();
    await row.locator("output").filter({ hasText: /^ok: / }).waitFor();
    await row.getByLabel("Image to pull with wharf-self").fill(`${wharf.host}/acme/nothing:1.0`);
    await row.getByRole("button", { name: "Check wharf-self" }).click();
    await row
      .locator("output")
      .filter({ hasText: /^E_[A-Z_]+: \S/ })
      .waitFor();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      row.getByRole("button", { name: "Download wharf-self as a Kubernetes Secret" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "wharf-self-secret.yaml");
    const yaml = await readFile(await download.path(), "utf8");
    assert.match(yaml, /kind: Secret/);
    assert.match(yaml, /type: kubernetes\.io\/dockerconfigjson/);
    assert.doesNotMatch(await page.content(), new RegExp(adminPassword), "the password never lands on the page");
  });

  test("external registries: add one and test it, with the server's one-line answer", async () => {
    await page.getByLabel("Registry host or URL").fill("169.254.169.254:9");
    await page.getByLabel("Short name (optional)").fill("dead");
    await page.getByLabel("Plain HTTP", { exact: true }).check();
    await page.getByRole("button", { name: "Add registry" }).click();
    const row = page.getByRole("row").filter({ hasText: "dead" });
    await row.getByRole("cell", { name: "anonymous" }).waitFor();
    await row.getByRole("button", { name: "Test dead" }).click();
    // Link-local (cloud metadata) is never allowed by default: a failure code and what to change, never a blank.
    await row
      .locator("output")
      .filter({ hasText: /^[A-Z][A-Z_]+: \S/ })
      .waitFor();
    assert.match((await row.locator("output").textContent()) ?? "", /outbound\.allow/);
  });

  test("customers and licenses: the id is shown once, revoking refuses it at the registry", async () => {
    await page.getByLabel("Application slug").fill("shop");
    await page.getByRole("button", { name: "Create application" }).click();
    await page.getByRole("link", { name: "shop" }).click();
    await page.getByLabel("Customer name").fill("globex");
    await page.getByRole("button", { name: "Add customer" }).click();
    await page.getByText("globex (0 active licenses)").waitFor();
    await page.getByLabel("For customer").fill("globex");
    await page.getByRole("button", { name: "Create license" }).click();
    const shown = page.getByRole("status");
    const licenseId = (await shown.locator("code").first().textContent()) ?? "";
    assert.match(licenseId, /^wharf_lic_/);
    await shown.getByText("What the customer may pull: shop/*").waitFor();
    const secretYaml = (await shown.getByRole("region", { name: "Kubernetes pull Secret" }).textContent()) ?? "";
    assert.match(secretYaml, /kind: Secret/);
    assert.match(secretYaml, /kubernetes\.io\/dockerconfigjson/);
    await shot("license created");
    const basic = basicAuth(licenseId, licenseId);
    const token = (scope: string) =>
      requestToken(
        wharf.url,
        [
          ["service", "wharf"],
          ["scope", scope],
        ],
        basic,
      );
    const before = await token("repository:shop/app:pull");
    assert.equal(before.status, 200);
    await before.arrayBuffer();
    await shown.getByRole("button", { name: "Done" }).click();
    await shown.waitFor({ state: "detached" });
    assert.doesNotMatch(await page.content(), new RegExp(licenseId), "the id is not shown again");
    await page.reload();
    const row = page.getByRole("row").filter({ hasText: "globex" });
    await row.getByRole("cell", { name: "active" }).waitFor();
    await row.getByRole("button", { name: /^Revoke / }).click();
    await row.getByRole("cell", { name: "revoked" }).waitFor();
    const afterRevoke = await token("repository:shop/app:pull");
    assert.equal(afterRevoke.status, 401);
    await afterRevoke.arrayBuffer();
  });

  test("releases: listed with their channels, shown with their digests; a license follows a channel", async () => {
    await box.skopeoOk([
      "copy",
      "--preserve-digests",
      "--dest-tls-verify=false",
      "--dest-creds",
      `admin:${adminPassword}`,
      `oci:${join(scratch, "source")}:app`,
      `docker://${wharf.host}/shop/app:1.0`,
    ]);
    const made = await sessionCall("POST", "/apps/shop/releases", {
      version: "1.0.0",
      channels: ["stable"],
      images: [{ source: "shop", name: "app", tag: "1.0" }],
    });
    assert.equal(made.status, 201, await made.text());
    await page.goto(`${wharf.url}/apps/shop`);
    const row = page.getByRole("row").filter({ hasText: "1.0.0" });
    await row.getByRole("cell", { name: "stable" }).waitFor();
    await row.getByRole("link", { name: "1.0.0" }).click();
    await page.getByRole("heading", { name: "shop 1.0.0", level: 1 }).waitFor();
    const pinned = page.getByRole("row").filter({ hasText: "app" });
    await pinned.getByText(image.manifest.digest).waitFor();
    await pinned.getByRole("cell", { name: "1.0", exact: true }).waitFor();
    await page.getByRole("link", { name: "Download the airgap bundle" }).waitFor();
    await shot("release");
    await page.getByRole("link", { name: "← shop" }).click();
    await page.getByLabel("For customer").fill("globex");
    await page.getByLabel("Release channel (optional, e.g. stable)").fill("stable");
    await page.getByRole("button", { name: "Create license" }).click();
    await page.getByRole("status").getByRole("button", { name: "Done" }).click();
    const license = page.getByRole("row").filter({ hasText: "globex" }).filter({ hasText: "stable" });
    await license.getByRole("cell", { name: "active" }).waitFor();
  });

  test("licenses: pull history shows what a license pulled; extend sets a new expiry", async () => {
    await page.getByLabel("Customer name").fill("initech");
    await page.getByRole("button", { name: "Add customer" }).click();
    await page.getByLabel("For customer").fill("initech");
    await page.getByLabel("Release channel (optional, e.g. stable)").fill("");
    await page.getByRole("button", { name: "Create license" }).click();
    const shown = page.getByRole("status");
    const licenseId = (await shown.locator("code").first().textContent()) ?? "";
    await shown.getByRole("button", { name: "Done" }).click();
    const row = page.getByRole("row").filter({ hasText: "initech" });
    const handle = (await row.locator("code").first().textContent()) ?? "";
    assert.match(handle, /^lic_/);
    const granted = await requestToken(
      wharf.url,
      [
        ["service", "wharf"],
        ["scope", "repository:shop/app:pull"],
      ],
      basicAuth(licenseId, licenseId),
    );
    const { token } = (await granted.json()) as { token: string };
    const manifest = await fetch(`${wharf.url}/v2/shop/app/manifests/1.0`, {
      headers: { authorization: `Bearer ${token}`, accept: mediaTypes.manifest },
    });
    assert.equal(manifest.status, 200, await manifest.text());
    // The pull is recorded once the response is written: ask until it is there (bounded, no clock).
    for (let attempt = 0; attempt < 50; attempt++) {
      const answer = await sessionCall("GET", `/apps/shop/licenses/${handle}/pulls`);
      if (((await answer.json()) as { pulls: unknown[] }).pulls.length > 0) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await row.getByRole("button", { name: `Pull history of ${handle}` }).click();
    const pulls = page.getByRole("table", { name: `Pulls of ${handle}` });
    await pulls.getByText(image.manifest.digest).waitFor();
    await pulls.getByText("shop/app:1.0").waitFor();
    await row.getByRole("cell", { name: "never" }).waitFor();
    await row.getByLabel(`New lifetime of ${handle} (e.g. 90d, never)`).fill("soon");
    await row.getByRole("button", { name: `Extend ${handle}` }).click();
    await page.getByRole("alert").filter({ hasText: "soon" }).waitFor();
    await row.getByLabel(`New lifetime of ${handle} (e.g. 90d, never)`).fill("90d");
    await row.getByRole("button", { name: `Extend ${handle}` }).click();
    await row.getByRole("cell", { name: "never" }).waitFor({ state: "detached" });
    const shownLicense = (await (await sessionCall("GET", `/apps/shop/licenses/${handle}`)).json()) as {
      expiresAt: string | null;
    };
    assert.ok(shownLicense.expiresAt, "the license now expires");
    await shot("licenses");
  });

  test("CSRF: the session cookie without the X-CSRF-Token header changes nothing", async () => {
    const { cookie, csrf } = await cookieHeader();
    const refused = await fetch(`${wharf.url}/api/v1/orgs`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ name: "forged" }),
    });
    assert.equal(refused.status, 403);
    assert.match(((await refused.json()) as { errors: { message: string }[] }).errors[0]!.message, /CSRF/);
    const wrong = await fetch(`${wharf.url}/api/v1/orgs`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", "x-csrf-token": `${csrf.slice(0, -2)}xx` },
      body: JSON.stringify({ name: "forged" }),
    });
    assert.equal(wrong.status, 403);
    await wrong.arrayBuffer();
    const fromPage = await page.evaluate(async () => {
      const res = await fetch("/api/v1/orgs", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "forged" }),
      });
      return res.status;
    });
    assert.equal(fromPage, 403);
    const reads = await fetch(`${wharf.url}/api/v1/orgs`, { headers: { cookie } });
    const names = ((await reads.json()) as { organizations: { name: string }[] }).organizations.map((o) => o.name);
    assert.deepEqual(names, ["acme"], "no forged organization exists");
  });

  test("signing out revokes the session", async () => {
    const { cookie } = await cookieHeader();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    const stale = await fetch(`${wharf.url}/api/v1/orgs`, { headers: { cookie } });
    assert.equal(stale.status, 401);
    await stale.arrayBuffer();
    assert.equal((await context.cookies(wharf.url)).filter((c) => c.value !== "").length, 0);
  });

  /**
   * What our own accessibility checks of the current page find (beside the
   * axe-core scan of web-portal-customer.test.ts: checks over Playwright's ARIA snapshot,
   * which computes roles and accessible names as browsers do): form controls
   * and buttons without a name, missing landmarks, not exactly one level-1
   * heading.
   */
  async function accessibilityProblems(): Promise<string[]> {
    const tree = await page.locator("body").ariaSnapshot();
    const problems: string[] = [];
    for (const line of tree.split("\n")) {
      if (/^\s*- (textbox|combobox|checkbox|radio|button|link|spinbutton|listbox)(\s*\[.*\])?:?\s*$/.test(line)) {
        problems.push(`no accessible name: ${line.trim()}`);
      }
    }
    for (const landmark of [/^\s*- banner/m, /^\s*- main/m, /^\s*- navigation "Main"/m]) {
      if (!landmark.test(tree)) problems.push(`missing landmark ${landmark.source}`);
    }
    const h1 = tree.split("\n").filter((l) => /- heading .*\[level=1\]/.test(l)).length;
    if (h1 !== 1) problems.push(`${h1} level-1 headings`);
    // Strings, not functions: the tests compile without the DOM library.
    const unlabelled = (await page.evaluate(
      `[...document.querySelectorAll("input, select, textarea")]
        .filter((el) => el.labels.length === 0 && !el.getAttribute("aria-label"))
        .map((el) => el.outerHTML.slice(0, 80))`,
    )) as string[];
    for (const el of unlabelled) problems.push(`no <label>: ${el}`);
    return problems;
  }

  /** The accessible name of the focused element, after pressing Tab. */
  async function tabTo(): Promise<string> {
    await page.keyboard.press("Tab");
    return page.evaluate(`(() => {
      const el = document.activeElement;
      if (!el) return "";
      return el.labels?.[0]?.textContent?.trim() || el.getAttribute("aria-label") || el.textContent?.trim() || "";
    })()`);
  }

  test("accessibility: keyboard sign-in in tab order, a skip link, labels and landmarks on every main page", async () => {
    await page.goto(wharf.url);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    assert.equal(await tabTo(), "Username");
    await page.keyboard.type("admin");
    assert.equal(await tabTo(), "Password");
    await page.keyboard.type(adminPassword);
    assert.equal(await tabTo(), "Sign in");
    await page.keyboard.press("Enter");
    await page.getByText("Signed in as").waitFor();
    await page.goto(`${wharf.url}/orgs/acme`);
    await page.getByRole("heading", { name: "acme", level: 1 }).waitFor();
    await page.getByRole("link", { name: "acme/web" }).waitFor();
    assert.equal(await tabTo(), "Skip to content");
    assert.equal(await tabTo(), "Wharf");
    assert.equal(await tabTo(), "API tokens");
    assert.equal(await tabTo(), "Audit log");
    assert.equal(await tabTo(), "Sign out");
    for (let back = 0; back < 4; back++) await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Enter");
    assert.equal(await tabTo(), "Services", "after the skip link, the first stop is the page's first link");
    const pages = [
      ["/", "Organizations"],
      ["/orgs/acme", "acme"],
      ["/repositories/acme/web", "acme/web"],
      ["/apps/shop", "shop"],
      ["/apps/shop/releases/1.0.0", "shop 1.0.0"],
    ] as const;
    for (const [path, heading] of pages) {
      await page.goto(`${wharf.url}${path}`);
      await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
      await page.getByRole("row").or(page.getByRole("listitem")).first().waitFor();
      assert.deepEqual(await accessibilityProblems(), [], `accessibility problems on ${path}`);
    }
    // Navigating inside the portal moves the focus to the new page's main region.
    await page.goto(`${wharf.url}/`);
    await page.getByRole("link", { name: "acme", exact: true }).click();
    await page.getByRole("heading", { name: "acme", level: 1 }).waitFor();
    assert.equal(await page.evaluate("document.activeElement?.id"), "main");
    assert.equal(await page.title(), "orgs/acme · Wharf");
  });
});
