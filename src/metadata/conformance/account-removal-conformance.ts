/**
 * @module
 * The conformance suite of {@link AccountRemoval}: each delete takes with it
 * everything its contract names and nothing else, and leaves nothing behind
 * that a later account of the same name would inherit (license field
 * definitions, chart channel promotions); forgetting repositories by
 * namespace takes exactly the names under it. Deletes are idempotent, also
 * when two run at once.
 */
import assert from "node:assert/strict";
import { describe } from "node:test";
import type { AccountRemoval } from "../account-removal.ts";
import type { AccountsMetadata } from "../accounts-metadata.ts";
import type { createChartChannelStore, LicenseFieldsStore } from "../kysely-license-fields-store.ts";
import type { CustomerStore } from "../licensing-metadata.ts";
import type { SecretsMetadata } from "../secrets-metadata.ts";
import { fixtureTest, type RoleFixture, type RoleFixtureFactory } from "./role-fixture.ts";

/** The removal under test, and the stores its cascades reach (to fill and observe them). */
export interface AccountRemovalUnderTest {
  readonly removal: AccountRemoval;
  readonly accounts: AccountsMetadata;
  readonly secrets: SecretsMetadata;
  readonly customers: Pick<CustomerStore, "createCustomer" | "listCustomers">;
  readonly fields: Pick<LicenseFieldsStore, "addField" | "listFields">;
  readonly channels: Pick<ReturnType<typeof createChartChannelStore>, "promote" | "list" | "ofRepository">;
}

const field = { name: "seats", type: "integer", choices: null, createdAt: 1 };
const spec = { image: "quay.io/acme/web:1", secretName: "quay", replicas: 1, ports: [], env: {}, command: [] };
const sealed = () => ({ ciphertext: "c", keyVersion: 1 });
const quay = {
  kind: "private-registry" as const,
  registryUrl: "https://quay.io",
  registryKey: "quay.io",
  insecure: false,
  credential: "password" as const,
  username: "u",
  email: null,
};

/** An application `slug` of `orgId` with a customer, a license field and a chart promotion. */
async function application(f: AccountRemovalUnderTest, orgId: number, slug: string): Promise<void> {
  await f.accounts.createNamespace({ name: slug, kind: "application", userId: null, orgId });
  await f.customers.createCustomer(slug, "globex", null, 1);
  await f.fields.addField(slug, field);
  await f.channels.promote({ repository: `${slug}/chart`, channel: "stable", tag: "1.0.0", promotedAt: 1 });
}

async function isEmptyApplication(f: AccountRemovalUnderTest, slug: string): Promise<boolean> {
  const rows = await Promise.all([f.customers.listCustomers(slug), f.fields.listFields(slug), f.channels.list(slug)]);
  return rows.every((r) => r.length === 0);
}

/** Registers the suite under `describe(name)`. */
export function runAccountRemovalConformance(name: string, create: RoleFixtureFactory<AccountRemovalUnderTest>): void {
  describe(`account removal conformance: ${name}`, () => {
    const test = (title: string, body: (f: RoleFixture<AccountRemovalUnderTest>) => Promise<void>) =>
      fixtureTest(create, { users: 2, orgs: 2, teams: 1 }, title, body);

    test("a user goes with tokens, memberships, grants and personal namespace; the name is free again", async ({
      store: f,
      users,
      orgs,
      teams,
    }) => {
      const { accounts: a } = f;
      const [ann, bob] = users as [number, number];
      const [acme] = orgs as [number];
      const [devs] = teams as [number];
      const alice = await a.createUser("alice", null, "h", false);
      await a.createNamespace({ name: "alice", kind: "user", userId: alice.id, orgId: null });
      await a.createToken(alice.id, "ci", "hash-a", [], null);
      await a.createToken(bob, "ci", "hash-b", [], null);
      await a.setMembership(acme, alice.id, false);
      await a.addTeamMember(devs, alice.id);
      await a.addTeamMember(devs, bob);
      await a.setGrant({ repository: "acme/app", teamId: null, userId: alice.id, role: "write" });
      await a.setGrant({ repository: "acme/app", teamId: null, userId: bob, role: "read" });
      await Promise.all([f.removal.deleteUser(alice.id), f.removal.deleteUser(alice.id)]);
      assert.equal(await a.findUserById(alice.id), undefined);
      assert.equal(await a.findNamespace("alice"), undefined);
      assert.equal(await a.findTokenByHash("hash-a"), undefined);
      assert.equal(await a.membership(acme, alice.id), undefined);
      assert.deepEqual((await a.listTeams(acme))[0]?.members, ["seed-user-1"]);
      assert.deepEqual(
        (await a.grantsFor("acme/app")).map((g) => g.userId),
        [bob],
      );
      assert.ok(await a.findTokenByHash("hash-b"));
      assert.equal(await a.membership(acme, ann), "owner");
      const again = await a.createUser("alice", null, "h", false);
      await a.createNamespace({ name: "alice", kind: "user", userId: again.id, orgId: null });
    });

    test("an organization goes with members, teams, their grants, robots, namespaces, secrets and services", async ({
      store: f,
      users,
      orgs,
      teams,
    }) => {
      const { accounts: a, secrets: s } = f;
      const [ann, bob] = users as [number, number];
      const [acme, beta] = orgs as [number, number];
      const [devs] = teams as [number];
      await a.createNamespace({ name: "acme", kind: "organization", userId: null, orgId: acme });
      await a.createNamespace({ name: "beta", kind: "organization", userId: null, orgId: beta });
      await application(f, acme, "acme-app");
      await application(f, beta, "beta-app");
      await a.setMembership(acme, bob, false);
      await a.addTeamMember(devs, bob);
      await a.setGrant({ repository: "acme/app", teamId: devs, userId: null, role: "write" });
      await a.setGrant({ repository: "acme/app", teamId: null, userId: bob, role: "read" });
      await a.createRobot(acme, "ci", "robot-a", []);
      await a.createRobot(beta, "ci", "robot-b", []);
      for (const org of [acme, beta]) {
        await s.createSecret(org, "quay", quay, sealed);
        await s.createService(org, { ...spec, name: "web" });
      }
      await Promise.all([f.removal.deleteOrganization(acme), f.removal.deleteOrganization(acme)]);
      assert.equal(await a.findOrganization("seed-org-0"), undefined);
      assert.deepEqual(await a.listTeams(acme), []);
      assert.deepEqual(await a.listMembers(acme), []);
      assert.deepEqual(await a.listNamespaces(acme), []);
      assert.equal(await a.findRobotByHash("robot-a"), undefined);
      assert.deepEqual(
        (await a.grantsFor("acme/app")).map((g) => g.userId),
        [bob],
        "grants to users stay until the repository is forgotten",
      );
      assert.deepEqual([await s.listSecrets(acme), await s.listServices(acme)], [[], []]);
      assert.deepEqual([await f.customers.listCustomers("acme-app"), await f.fields.listFields("acme-app")], [[], []]);
      // Repositories are forgotten by name, as the delete service does for each namespace.
      await f.removal.forgetRepositories("acme-app", "namespace");
      assert.ok(await isEmptyApplication(f, "acme-app"), "nothing of the application is left");
      assert.equal(await a.membership(beta, ann), "owner");
      assert.ok(await a.findRobotByHash("robot-b"));
      assert.equal((await s.listServices(beta)).length, 1);
      assert.equal((await f.fields.listFields("beta-app")).length, 1);
      assert.equal((await f.channels.list("beta-app")).length, 1);
      const renewed = await a.createOrganization("seed-org-0", ann);
      await a.createNamespace({ name: "acme-app", kind: "application", userId: null, orgId: renewed.id });
      assert.ok(await isEmptyApplication(f, "acme-app"), "a new application of the same slug starts empty");
    });

    test("an application's namespace goes with its customers and license fields, only its own", async ({
      store: f,
      orgs,
    }) => {
      const [acme] = orgs as [number];
      await application(f, acme, "app-one");
      await application(f, acme, "app-two");
      await f.removal.deleteNamespace("app-one");
      await f.removal.deleteNamespace("app-one");
      assert.equal(await f.accounts.findNamespace("app-one"), undefined);
      assert.deepEqual([await f.customers.listCustomers("app-one"), await f.fields.listFields("app-one")], [[], []]);
      assert.equal((await f.fields.listFields("app-two")).length, 1);
      assert.equal((await f.customers.listCustomers("app-two")).length, 1);
    });

    test("forgetting a repository takes its visibility, grants and chart promotions, nothing else", async ({
      store: f,
      users,
    }) => {
      const { accounts: a } = f;
      const [ann] = users as [number];
      for (const repository of ["acme/app", "acme/app2", "acme/app/sub"]) {
        await a.setRepositoryPublic(repository, true);
        await a.setGrant({ repository, teamId: null, userId: ann, role: "read" });
        await f.channels.promote({ repository, channel: "stable", tag: "1", promotedAt: 1 });
      }
      await f.removal.forgetRepositories("acme/app", "repository");
      assert.equal(await a.repositoryPublic("acme/app"), undefined);
      assert.deepEqual(await a.grantsFor("acme/app"), []);
      assert.deepEqual(await f.channels.ofRepository("acme/app"), []);
      for (const kept of ["acme/app2", "acme/app/sub"]) {
        assert.equal(await a.repositoryPublic(kept), true);
        assert.equal((await a.grantsFor(kept)).length, 1);
        assert.equal((await f.channels.ofRepository(kept)).length, 1);
      }
    });

    test("forgetting a namespace takes exactly the names under it", async ({ store: f, users }) => {
      const { accounts: a } = f;
      const [ann] = users as [number];
      const under = ["acme", "acme/app", "acme/a/b/c", "acme/~z"];
      const outside = ["acme-x/app", "acmeb/app", "acm/app", "acme0/app", "xacme/app"];
      for (const repository of [...under, ...outside]) {
        await a.setRepositoryPublic(repository, true);
        await a.setGrant({ repository, teamId: null, userId: ann, role: "read" });
        await f.channels.promote({ repository, channel: "stable", tag: "1", promotedAt: 1 });
      }
      await f.removal.forgetRepositories("acme", "namespace");
      for (const gone of under) {
        assert.equal(await a.repositoryPublic(gone), undefined, gone);
        assert.deepEqual(await a.grantsFor(gone), [], gone);
        assert.deepEqual(await f.channels.ofRepository(gone), [], gone);
      }
      for (const kept of outside) {
        assert.equal(await a.repositoryPublic(kept), true, kept);
        assert.equal((await a.grantsFor(kept)).length, 1, kept);
        assert.equal((await f.channels.ofRepository(kept)).length, 1, kept);
      }
    });
  });
}
