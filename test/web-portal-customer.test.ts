/**
 * @module
 * The portal's newer pages end to end, in headless Debian Chromium driven
 * by playwright-core against a real Wharf (accounts on):
 * - API tokens: created with the token shown once (copy button), usable at
 *   once, gone from the page after "Done", revoked and then refused;
 * - robots: created with the secret shown once and its username, revoked;
 * - services (seed 000's form): image, docker secret, ports, env, replicas;
 *   a bad env line says what to write; the rendered YAML to copy;
 * - the audit log with filters on actor, action, target prefix and time;
 * - the customer view: a license holder signs in with the customer's e-mail
 *   and the license id, sees what it may pull, the pull Secret, the
 *   kubectl/helm lines and its release's bundle (downloadable with the
 *   session); the vendor revokes the license in the portal and the
 *   customer's next load says the license is revoked and what to do;
 * - axe-core finds no serious or critical violation on the sign-in page,
 *   the organization (repositories, secrets), repository, application
 *   (licenses), tokens, robots, services, audit and customer pages.
 * Skips (fails under CI) when Chromium is missing.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { createManagementClient } from "./support/management-client.ts";
import {
  launchChromium,
  missingChromium,
  seriousAxeViolations,
  signInThroughForm,
  webDir,
} from "./support/portal-browser.ts";
import { basicAuth, pushImageAs } from "./support/registry-auth.ts";
import { skipOption } from "./support/skip-missing-tool.ts";
import { adminPassword, useWharf } from "./support/start-wharf.ts";

const email = "ops@globex.example";

describe("web portal: tokens, robots, services, audit, customer view, axe", {
  skip: skipOption(missingChromium()),
}, () => {
  const wharf = useWharf({ auth: true });
  const admin = ["admin", adminPassword] as const;
  let browser: Browser;
  let page: Page;
  let licenseId: string;
  let handle: string;

  /** With PORTAL_TEST_SCREENSHOTS=DIR, a full-page screenshot of `target` named `name`. */
  async function shot(target: Page, name: string) {
    const dir = process.env.PORTAL_TEST_SCREENSHOTS;
    if (dir) await target.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
  }

  async function assertAccessible(target: Page, what: string) {
    assert.deepEqual(await seriousAxeViolations(target), [], `axe-core on ${what}`);
  }

  before(async () => {
    assert.ok(existsSync(join(webDir, "index.html")), "dist/web is missing: run npm run build (scripts/build.sh)");
    const api = createManagementClient(wharf.url);
    await api.expect(201, "POST", "/orgs", { as: admin, body: { name: "acme" } });
    await api.expect(201, "POST", "/orgs/acme/apps", { as: admin, body: { slug: "shop" } });
    await pushImageAs(wharf.url, basicAuth(...admin), "acme/web", "1.0");
    await pushImageAs(wharf.url, basicAuth(...admin), "shop/app", "1.0");
    await api.expect(201, "POST", "/apps/shop/releases", {
      as: admin,
      body: { version: "1.0.0", channels: ["stable"], images: [{ source: "shop", name: "app", tag: "1.0" }] },
    });
    await api.expect(201, "POST", "/apps/shop/customers", { as: admin, body: { name: "globex", email } });
    const made = await api.expect(201, "POST", "/apps/shop/licenses", {
      as: admin,
      body: { customer: "globex", channel: "stable" },
    });
    licenseId = made.body.licenseId;
    handle = made.body.id;
    await api.expect(201, "POST", "/orgs/acme/secrets", {
      as: admin,
      body: { name: "hub-creds", kind: "docker-hub", username: "robot", password: "hub-password-1" },
    });
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
  });

  after(async () => {
    await browser?.close();
  });

  test("the sign-in page passes axe-core and tells customers how to sign in", async () => {
    await page.goto(wharf.url);
    await page.getByText("the license id as password").waitFor();
    await assertAccessible(page, "the sign-in page");
    await signInThroughForm(page, wharf.url, ...admin);
  });

  test("API tokens: the token is shown once with a copy button, works, and is refused once revoked", async () => {
    await page.getByRole("link", { name: "API tokens" }).click();
    await page.getByRole("heading", { name: "API tokens", level: 1 }).waitFor();
    await page.getByText("(this session: revoking it signs you out)").waitFor();
    await page.getByLabel("Token name").fill("ci");
    await page.getByLabel("Token scopes (comma-separated)").fill("api, acme/*:pull");
    await page.getByRole("button", { name: "Create token" }).click();
    const shown = page.getByRole("status");
    await shown.getByRole("button", { name: "Copy the token ci" }).waitFor();
    const token = (await shown.locator("code").first().textContent()) ?? "";
    assert.match(token, /^wharf_pat_/);
    const works = await fetch(`${wharf.url}/api/v1/user`, { headers: { authorization: basicAuth("admin", token) } });
    assert.equal(works.status, 200);
    await works.arrayBuffer();
    await shot(page, "tokens");
    await shown.getByRole("button", { name: "Done" }).click();
    await shown.waitFor({ state: "detached" });
    assert.doesNotMatch(await page.content(), new RegExp(token), "the token is not shown again");
    const row = page.getByRole("row").filter({ hasText: /^ci/ });
    await row.getByRole("cell", { name: "active" }).waitFor();
    await row.getByRole("button", { name: "Revoke ci" }).click();
    await row.getByRole("cell", { name: "revoked" }).waitFor();
    const refused = await fetch(`${wharf.url}/api/v1/user`, { headers: { authorization: basicAuth("admin", token) } });
    assert.equal(refused.status, 401);
    await refused.arrayBuffer();
  });

  test("robots: the secret is shown once with its username; revoking refuses it", async () => {
    await page.goto(`${wharf.url}/orgs/acme`);
    await page.getByRole("link", { name: "Robots" }).click();
    await page.getByRole("heading", { name: "Robots of acme", level: 1 }).waitFor();
    await page.getByLabel("Robot name").fill("deployer");
    await page.getByRole("button", { name: "Create robot" }).click();
    const shown = page.getByRole("status");
    await shown.getByText("acme+deployer", { exact: true }).waitFor();
    const secret = (await shown.locator(".copy code").first().textContent()) ?? "";
    assert.match(secret, /^wharf_robot_/);
    const pull = async () =>
      (
        await fetch(`${wharf.url}/v2/acme/web/tags/list`, {
          headers: { authorization: basicAuth("acme+deployer", secret) },
        })
      ).status;
    assert.equal(await pull(), 200);
    await shown.getByRole("button", { name: "Done" }).click();
    const row = page.getByRole("row").filter({ hasText: "deployer" });
    await row.getByRole("cell", { name: "acme/*:pull" }).waitFor();
    await shot(page, "robots");
    await row.getByRole("button", { name: "Revoke deployer" }).click();
    await row.getByRole("cell", { name: "revoked" }).waitFor();
    assert.equal(await pull(), 401);
  });

  test("services: seed 000's form (image, docker secret, ports, env, replicas) and the YAML to copy", async () => {
    await page.goto(`${wharf.url}/orgs/acme/services`);
    await page.getByRole("heading", { name: "Services of acme", level: 1 }).waitFor();
    await page.getByLabel("Service name").fill("basic");
    await page.getByLabel(/^Docker image/).fill("spaceuptech/basic-service");
    await page.getByLabel("Docker secret (for private images)").selectOption("hub-creds");
    await page.getByLabel(/^Ports/).fill("8080, 53/udp");
    await page.getByLabel(/^Environment variables/).fill("MODE=production\nnot a pair");
    await page.getByLabel("Replicas").fill("3");
    await page.getByRole("button", { name: "Add service" }).click();
    await page.getByRole("alert").filter({ hasText: "one KEY=value per line" }).waitFor();
    await page.getByLabel(/^Environment variables/).fill("MODE=production");
    await page.getByRole("button", { name: "Add service" }).click();
    const row = page.getByRole("row").filter({ hasText: "basic" });
    await row.getByText("docker.io/spaceuptech/basic-service:latest").waitFor();
    await row.getByRole("cell", { name: "8080/TCP, 53/UDP" }).waitFor();
    await row.getByRole("button", { name: "Render YAML of basic" }).click();
    await page.getByRole("button", { name: "Copy the YAML of basic" }).waitFor();
    const yaml = (await page.getByRole("region", { name: "Kubernetes YAML of basic" }).textContent()) ?? "";
    assert.match(yaml, /kind: Deployment/);
    assert.match(yaml, /replicas: 3/);
    assert.match(yaml, /image: docker\.io\/spaceuptech\/basic-service:latest/);
    assert.match(yaml, /imagePullSecrets:/);
    assert.match(yaml, /MODE/);
    assert.doesNotMatch(yaml, /hub-password-1/, "the Secret is base64, never the password in clear");
    await shot(page, "services");
  });

  test("the audit log filters by actor, action, target and time", async () => {
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.getByRole("heading", { name: "Audit log", level: 1 }).waitFor();
    const table = page.getByRole("table", { name: "Audit events" });
    await table.getByRole("cell", { name: "token.create" }).first().waitFor();
    await page.getByLabel("Action", { exact: true }).fill("robot.create");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await table.getByRole("cell", { name: "robot.create" }).waitFor();
    // The filtered page comes from the server: the old rows stay until it arrives.
    await table.getByRole("cell", { name: "token.create" }).first().waitFor({ state: "detached" });
    await page.getByLabel("Target starts with").fill("robot:acme+dep");
    await page.getByLabel("Actor", { exact: true }).fill("admin");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /^1 event$/ })
      .waitFor();
    await page.getByLabel("Action", { exact: true }).fill("");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: /^2 events$/ })
      .waitFor();
    await shot(page, "audit");
    await page.getByLabel("Actor", { exact: true }).fill("nobody-at-all");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.getByRole("status").filter({ hasText: "0 events" }).waitFor();
    await page.getByLabel("Actor", { exact: true }).fill("");
    await page.getByLabel("To", { exact: true }).fill("2001-01-01T00:00");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.getByRole("status").filter({ hasText: "0 events" }).waitFor();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await table.getByRole("cell", { name: "token.create" }).first().waitFor();
  });

  test("axe-core: no serious or critical violations on the vendor's main pages", async () => {
    const pages = [
      ["/orgs/acme", "acme", "link", "acme/web"],
      ["/repositories/acme/web", "acme/web", "cell", "1.0"],
      ["/apps/shop", "shop", "cell", "globex"],
      ["/tokens", "API tokens", "cell", "ci"],
      ["/orgs/acme/robots", "Robots of acme", "cell", "deployer"],
      ["/orgs/acme/services", "Services of acme", "cell", "basic"],
      ["/audit", "Audit log", "cell", "robot.create"],
    ] as const;
    for (const [path, heading, role, text] of pages) {
      await page.goto(`${wharf.url}${path}`);
      await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
      await page.getByRole(role, { name: text, exact: true }).first().waitFor();
      await assertAccessible(page, path);
    }
  });

  test("the customer view: what to pull, the pull Secret, kubectl/helm lines, bundles; revoked, it says so", async () => {
    const customer = await (await browser.newContext()).newPage();
    await signInThroughForm(customer, wharf.url, email, licenseId);
    await customer.getByRole("heading", { name: "Your license for shop", level: 1 }).waitFor();
    await customer.getByText(`(license ${handle})`).waitFor();
    assert.equal(await customer.getByRole("link", { name: "Audit log" }).count(), 0, "no vendor pages");
    const repos = customer.getByRole("table", { name: "Entitled repositories" });
    await repos.getByText(`docker pull ${wharf.host}/shop/app:1.0`).waitFor();
    const secret = (await customer.getByRole("region", { name: "Kubernetes pull Secret" }).textContent()) ?? "";
    assert.match(secret, /kind: Secret/);
    assert.match(secret, /name: shop-registry/);
    await customer.getByText(`kubectl apply -n default -f shop-registry.yaml`).waitFor();
    await customer.getByText(/^kubectl create secret docker-registry shop-registry -n default/).waitFor();
    await customer.getByText(`helm registry login ${wharf.host} --username ${email} --password ${licenseId}`).waitFor();
    await customer.getByLabel("Kubernetes namespace").fill("shop-prod");
    await customer.getByRole("button", { name: "Use namespace" }).click();
    await customer.getByText("kubectl apply -n shop-prod -f shop-registry.yaml").waitFor();
    const [saved] = await Promise.all([
      customer.waitForEvent("download"),
      customer.getByRole("button", { name: "Download shop-registry.yaml" }).click(),
    ]);
    assert.equal(saved.suggestedFilename(), "shop-registry.yaml");
    assert.match(await readFile(await saved.path(), "utf8"), /namespace: shop-prod/);
    const bundle = customer.getByRole("link", { name: "Download the bundle of 1.0.0" });
    const href = (await bundle.getAttribute("href")) ?? "";
    assert.equal(href, "/api/v1/apps/shop/releases/1.0.0/bundle");
    const status = await customer.evaluate(`fetch(${JSON.stringify(href)}, { method: "HEAD" }).then((r) => r.status)`);
    assert.equal(status, 200, "the session downloads its release's bundle");
    await assertAccessible(customer, "the customer view");
    await shot(customer, "customer-view");
    // The vendor revokes the license in the portal.
    await page.goto(`${wharf.url}/apps/shop`);
    const row = page.getByRole("row").filter({ hasText: handle });
    await row.getByRole("button", { name: `Revoke ${handle}` }).click();
    await row.getByRole("cell", { name: "revoked" }).waitFor();
    await customer.reload();
    await customer
      .getByRole("alert")
      .filter({ hasText: "revoked or expired: ask your vendor for a new license, then sign in with it" })
      .waitFor();
    await customer.getByRole("button", { name: "Sign in" }).waitFor();
    assert.doesNotMatch(await customer.content(), /Your license for shop/);
    await shot(customer, "customer-revoked");
    await customer.context().close();
  });
});
