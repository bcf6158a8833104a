import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { AccountsMetadata } from "../metadata/accounts-metadata.ts";
import { createAccountsMetadata } from "../metadata/kysely-accounts-metadata.ts";
import { forEachMetadataBackend, type MetadataDatabase } from "../metadata/testing/metadata-backends.ts";
import { anonymous, type Principal } from "./access.ts";
import { createPermissionResolver, type PermissionResolver } from "./permission-resolver.ts";
import { parseScopePattern } from "./scope-pattern.ts";

forEachMetadataBackend((backend) =>
  describe(`permission resolver (${backend.name})`, () => {
    let opened: MetadataDatabase;
    let store: AccountsMetadata;
    let resolver: PermissionResolver;
    const users: Record<string, Principal> = {};

    async function user(name: string, isAdmin = false): Promise<number> {
      const row = await store.createUser(name, null, "unused", isAdmin);
      await store.createNamespace({ name, kind: "user", userId: row.id, orgId: null });
      users[name] = { kind: "user", name, userId: row.id, isAdmin };
      return row.id;
    }

    async function actions(who: Principal, repository: string): Promise<string> {
      return [...(await resolver.actionsOn(who, repository))].sort().join(",");
    }

    before(async () => {
      opened = await backend.create();
      store = createAccountsMetadata(opened.db);
      resolver = createPermissionResolver(store);
      const owner = await user("owner");
      const writer = await user("writer");
      const reader = await user("reader");
      const member = await user("member");
      await user("outsider");
      await user("root", true);
      const acme = await store.createOrganization("acme", owner);
      await store.createNamespace({ name: "acme", kind: "organization", userId: null, orgId: acme.id });
      await store.createNamespace({ name: "myapp", kind: "application", userId: null, orgId: acme.id });
      const writers = await store.createTeam(acme.id, "writers", "write");
      const readers = await store.createTeam(acme.id, "readers", "read");
      for (const [team, id] of [
        [writers, writer],
        [readers, reader],
      ] as const) {
        await store.setMembership(acme.id, id, false);
        await store.addTeamMember(team.id, id);
      }
      await store.setMembership(acme.id, member, false);
      await store.setGrant({ repository: "acme/locked", teamId: writers.id, userId: null, role: "read" });
      await store.setGrant({ repository: "acme/special", teamId: null, userId: reader, role: "admin" });
      await store.setNamespacePublic("myapp", true);
      await store.setRepositoryPublic("myapp/internal", false);
    });

    after(() => opened.cleanup());

    describe("permission resolver", () => {
      it("gives each principal exactly its role's actions in an organization", async () => {
        const table: [string, string, string][] = [
          ["owner", "acme/app", "delete,pull,push"],
          ["writer", "acme/app", "pull,push"],
          ["reader", "acme/app", "pull"],
          ["member", "acme/app", ""],
          ["outsider", "acme/app", ""],
          ["root", "acme/app", "delete,pull,push"],
          ["writer", "myapp/worker", "pull,push"],
          ["outsider", "myapp/worker", "pull"],
        ];
        for (const [who, repo, expected] of table)
          assert.equal(await actions(users[who]!, repo), expected, `${who} on ${repo}`);
      });

      it("lets a per-repository grant override the team default, both ways", async () => {
        assert.equal(await actions(users.writer!, "acme/locked"), "pull");
        assert.equal(await actions(users.reader!, "acme/special"), "delete,pull,push");
        assert.equal(await actions(users.owner!, "acme/locked"), "delete,pull,push");
      });

      it("keeps private repositories private and public ones pull-only", async () => {
        assert.equal(await actions(anonymous, "acme/app"), "");
        assert.equal(await actions(anonymous, "myapp/worker"), "pull");
        assert.equal(await actions(anonymous, "myapp/internal"), "");
        assert.equal(await actions(users.outsider!, "myapp/internal"), "");
      });

      it("gives users their own namespace and nobody else's", async () => {
        assert.equal(await actions(users.outsider!, "outsider/tool"), "delete,pull,push");
        assert.equal(await actions(users.owner!, "outsider/tool"), "");
        assert.equal(await actions(users.owner!, "nobody/x"), "");
        assert.equal(await actions(users.root!, "nobody/x"), "delete,pull,push");
      });

      it("narrows tokens to their scopes and never beyond their owner", async () => {
        const writer = users.writer!;
        if (writer.kind !== "user") throw new Error("setup");
        const token: Principal = {
          kind: "token",
          name: "writer",
          userId: writer.userId,
          isAdmin: false,
          tokenId: 1,
          tokenName: "ci",
          api: false,
          scopes: [parseScopePattern("acme/*:pull,delete"), parseScopePattern("outsider/*:pull,push")],
        };
        assert.equal(await actions(token, "acme/app"), "pull");
        assert.equal(await actions(token, "outsider/tool"), "");
        assert.equal(await actions(token, "myapp/worker"), "pull");
      });

      it("keeps robots inside their organization", async () => {
        const acme = await store.findOrganization("acme");
        const robot: Principal = {
          kind: "robot",
          name: "acme+ci",
          robotId: 1,
          orgId: acme!.id,
          scopes: [parseScopePattern("*:pull,push")],
        };
        assert.equal(await actions(robot, "acme/app"), "pull,push");
        assert.equal(await actions(robot, "myapp/worker"), "pull,push");
        assert.equal(await actions(robot, "outsider/tool"), "");
      });

      it("reports organization roles for management", async () => {
        const acme = (await store.findOrganization("acme"))!;
        assert.equal(await resolver.organizationRole(users.owner!, acme.id), "owner");
        assert.equal(await resolver.organizationRole(users.writer!, acme.id), "member");
        assert.equal(await resolver.organizationRole(users.outsider!, acme.id), undefined);
        assert.equal(await resolver.organizationRole(users.root!, acme.id), "owner");
        assert.equal(await resolver.organizationRole(anonymous, acme.id), undefined);
      });
    });
  }),
);
