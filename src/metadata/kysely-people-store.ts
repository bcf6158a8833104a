/**
 * @module
 * Users, organizations, members and teams over Kysely.
 */
import { type Kysely, type Selectable, sql } from "kysely";
import type { Role } from "../accounts/roles.ts";
import type { OrganizationStore, TeamRow, TeamStore, UserRow, UserStore } from "./accounts-metadata.ts";
import type { Database, TeamsTable, UsersTable } from "./database-schema.ts";

/** The people roles: users, organizations and members, teams. */
type PeopleStore = UserStore & OrganizationStore & TeamStore;

function toUser(row: Selectable<UsersTable>): UserRow {
  return {
    id: Number(row.id),
    name: row.name,
    email: row.email,
    passwordHash: row.password_hash,
    isAdmin: Number(row.is_admin) === 1,
    disabled: Number(row.disabled) === 1,
    credentialsEpoch: Number(row.credentials_epoch ?? 0),
  };
}

function toTeam(row: Selectable<TeamsTable>): TeamRow {
  return { id: Number(row.id), orgId: Number(row.org_id), name: row.name, role: row.role as Role };
}

/** Creates the people half of the accounts store. */
export function createPeopleStore(db: Kysely<Database>): PeopleStore {
  return {
    async createUser(name, email, passwordHash, isAdmin) {
      const row = await db
        .insertInto("users")
        .values({
          name,
          email,
          password_hash: passwordHash,
          is_admin: isAdmin ? 1 : 0,
          disabled: 0,
          created_at: Date.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    },
    async findUser(name) {
      const row = await db.selectFrom("users").selectAll().where("name", "=", name).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },
    async findUserById(id) {
      const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toUser(row) : undefined;
    },
    async listUsers() {
      return (await db.selectFrom("users").selectAll().orderBy("name").execute()).map(toUser);
    },
    async setUserPassword(id, passwordHash) {
      await db
        .updateTable("users")
        .set({ password_hash: passwordHash, credentials_epoch: sql<number>`credentials_epoch + 1` })
        .where("id", "=", id)
        .execute();
    },
    async setUserDisabled(id, disabled) {
      const epoch = disabled ? sql<number>`credentials_epoch + 1` : sql<number>`credentials_epoch`;
      await db
        .updateTable("users")
        .set({ disabled: disabled ? 1 : 0, credentials_epoch: epoch })
        .where("id", "=", id)
        .execute();
    },
    async countUsers() {
      const row = await db
        .selectFrom("users")
        .select((e) => e.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async createOrganization(name, ownerId) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto("organizations")
          .values({ name, created_at: Date.now() })
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx.insertInto("organization_members").values({ org_id: row.id, user_id: ownerId, owner: 1 }).execute();
        return { id: Number(row.id), name: row.name };
      });
    },
    async findOrganization(name) {
      const row = await db
        .selectFrom("organizations")
        .select(["id", "name"])
        .where("name", "=", name)
        .executeTakeFirst();
      return row ? { id: Number(row.id), name: row.name } : undefined;
    },
    async listOrganizations(userId) {
      let query = db.selectFrom("organizations as o").select(["o.id", "o.name"]).orderBy("o.name");
      if (userId !== undefined) {
        query = query.innerJoin("organization_members as m", "m.org_id", "o.id").where("m.user_id", "=", userId);
      }
      return (await query.execute()).map((r) => ({ id: Number(r.id), name: r.name }));
    },
    async membership(orgId, userId) {
      const row = await db
        .selectFrom("organization_members")
        .select("owner")
        .where("org_id", "=", orgId)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      if (!row) return undefined;
      return Number(row.owner) === 1 ? "owner" : "member";
    },
    async setMembership(orgId, userId, owner) {
      await db
        .insertInto("organization_members")
        .values({ org_id: orgId, user_id: userId, owner: owner ? 1 : 0 })
        .onConflict((c) => c.columns(["org_id", "user_id"]).doUpdateSet({ owner: owner ? 1 : 0 }))
        .execute();
    },
    async removeMember(orgId, userId) {
      await db.transaction().execute(async (trx) => {
        const teamIds = trx.selectFrom("teams").select("id").where("org_id", "=", orgId);
        await trx.deleteFrom("team_members").where("user_id", "=", userId).where("team_id", "in", teamIds).execute();
        await trx
          .deleteFrom("organization_members")
          .where("org_id", "=", orgId)
          .where("user_id", "=", userId)
          .execute();
      });
    },
    async listMembers(orgId) {
      const rows = await db
        .selectFrom("organization_members as m")
        .innerJoin("users as u", "u.id", "m.user_id")
        .select(["u.name", "m.owner"])
        .where("m.org_id", "=", orgId)
        .orderBy("u.name")
        .execute();
      return rows.map((r) => ({ name: r.name, owner: Number(r.owner) === 1 }));
    },
    async createTeam(orgId, name, role) {
      const row = await db
        .insertInto("teams")
        .values({ org_id: orgId, name, role, created_at: Date.now() })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toTeam(row);
    },
    async findTeam(orgId, name) {
      const row = await db
        .selectFrom("teams")
        .selectAll()
        .where("org_id", "=", orgId)
        .where("name", "=", name)
        .executeTakeFirst();
      return row ? toTeam(row) : undefined;
    },
    async listTeams(orgId) {
      const teams = (
        await db.selectFrom("teams").selectAll().where("org_id", "=", orgId).orderBy("name").execute()
      ).map(toTeam);
      const members = await db
        .selectFrom("team_members as tm")
        .innerJoin("teams as t", "t.id", "tm.team_id")
        .innerJoin("users as u", "u.id", "tm.user_id")
        .select(["tm.team_id", "u.name"])
        .where("t.org_id", "=", orgId)
        .orderBy("u.name")
        .execute();
      return teams.map((t) => ({
        ...t,
        members: members.filter((m) => Number(m.team_id) === t.id).map((m) => m.name),
      }));
    },
    async setTeamRole(teamId, role) {
      await db.updateTable("teams").set({ role }).where("id", "=", teamId).execute();
    },
    async deleteTeam(teamId) {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom("team_members").where("team_id", "=", teamId).execute();
        await trx.deleteFrom("repository_grants").where("team_id", "=", teamId).execute();
        await trx.deleteFrom("teams").where("id", "=", teamId).execute();
      });
    },
    async addTeamMember(teamId, userId) {
      await db
        .insertInto("team_members")
        .values({ team_id: teamId, user_id: userId })
        .onConflict((c) => c.columns(["team_id", "user_id"]).doNothing())
        .execute();
    },
    async removeTeamMember(teamId, userId) {
      await db.deleteFrom("team_members").where("team_id", "=", teamId).where("user_id", "=", userId).execute();
    },
    async teamsOfUser(orgId, userId) {
      const rows = await db
        .selectFrom("teams as t")
        .innerJoin("team_members as tm", "tm.team_id", "t.id")
        .selectAll("t")
        .where("t.org_id", "=", orgId)
        .where("tm.user_id", "=", userId)
        .orderBy("t.name")
        .execute();
      return rows.map(toTeam);
    },
  } satisfies PeopleStore;
}
