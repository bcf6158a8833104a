/**
 * @module
 * The world the authorization matrix runs in, built through the real
 * management API (as `admin` unless a step must be done by its owner) and the
 * real registry API:
 * - users `owner` (owner of `acme`), `manager` (team `admins`, role admin),
 *   `writer` (team `writers`, role write), `reader` (team `readers`, role
 *   read), `member` (in `acme`, in no team), `outsider` (team `devs`, role
 *   write, of the other organization `other`);
 * - the application `myapp` of `acme`;
 * - the repositories `acme/private`, `acme/public` (made public),
 *   `myapp/worker` and `other/secret`, each holding an image tagged `base`;
 * - credentials: `writer`'s API token scoped `acme/private:pull`; `owner`'s
 *   all-powerful tokens, one expired (1 s lifetime, waited out) and one
 *   revoked (after checking that it worked); the robot `acme+ci` with scope
 *   `acme/*:pull,push`.
 */
import assert from "node:assert/strict";
import { type Credentials, createManagementClient } from "./management-client.ts";
import { basicAuth, pushImageAs } from "./registry-auth.ts";
import { adminPassword, type WharfProcess } from "./start-wharf.ts";

/** The repositories of the matrix. */
export const repositories = ["acme/private", "acme/public", "myapp/worker", "other/secret"] as const;
export type Repository = (typeof repositories)[number];

/** Credentials by subject name (every subject but `anonymous`). */
export type SubjectCredentials = ReadonlyMap<string, Credentials>;

/** What the matrix needs from the world. */
export interface World {
  readonly credentials: SubjectCredentials;
  /** The `base` image of each repository. */
  readonly images: ReadonlyMap<Repository, { readonly digest: string; readonly body: string }>;
}

const admin: Credentials = ["admin", adminPassword];
const password = (user: string): Credentials => [user, `${user}-password-1`];

/** Builds the world on a fresh server started with `auth: true`. */
export async function buildWorld(wharf: WharfProcess): Promise<World> {
  const api = createManagementClient(wharf.url);
  const as = { as: admin };
  for (const user of ["owner", "manager", "writer", "reader", "member", "outsider"]) {
    await api.expect(201, "POST", "/users", { ...as, body: { name: user, password: password(user)[1] } });
  }

  await api.expect(201, "POST", "/orgs", { ...as, body: { name: "acme" } });
  await api.expect(200, "PUT", "/orgs/acme/members/owner", { ...as, body: { owner: true } });
  for (const [team, role, user] of [
    ["admins", "admin", "manager"],
    ["writers", "write", "writer"],
    ["readers", "read", "reader"],
  ] as const) {
    await api.expect(201, "POST", "/orgs/acme/teams", { ...as, body: { name: team, role } });
    await api.expect(204, "PUT", `/orgs/acme/teams/${team}/members/${user}`, as);
  }
  await api.expect(200, "PUT", "/orgs/acme/members/member", as);
  await api.expect(201, "POST", "/orgs/acme/apps", { ...as, body: { slug: "myapp" } });

  await api.expect(201, "POST", "/orgs", { ...as, body: { name: "other" } });
  await api.expect(201, "POST", "/orgs/other/teams", { ...as, body: { name: "devs", role: "write" } });
  await api.expect(204, "PUT", "/orgs/other/teams/devs/members/outsider", as);

  const images = new Map<Repository, { digest: string; body: string }>();
  for (const repository of repositories) {
    images.set(repository, await pushImageAs(wharf.url, basicAuth(...admin), repository, "base"));
  }
  const visibility = await api.expect(200, "PUT", "/repositories/acme/public/visibility", {
    ...as,
    body: { visibility: "public" },
  });
  assert.deepEqual(visibility.body, { repository: "acme/public", visibility: "public" });

  const token = async (owner: string, name: string, scopes: string[], expires?: string) => {
    const created = await api.expect(201, "POST", "/tokens", { as: password(owner), body: { name, scopes, expires } });
    return created.body as { token: string; expiresAt: string | null };
  };
  const scoped = await token("writer", "pull-private", ["acme/private:pull"]);
  const expired = await token("owner", "short-lived", ["*:pull,push,delete"], "1s");
  const revoked = await token("owner", "to-revoke", ["*:pull,push,delete"]);
  const before = await fetch(`${wharf.url}/v2/acme/private/manifests/base`, {
    headers: { authorization: basicAuth("owner", revoked.token), accept: "application/vnd.oci.image.manifest.v1+json" },
  });
  assert.equal(before.status, 200, `the token to revoke did not work before its revocation: ${await before.text()}`);
  await api.expect(204, "DELETE", "/tokens/to-revoke", { as: password("owner") });

  const robot = await api.expect(201, "POST", "/orgs/acme/robots", {
    ...as,
    body: { name: "ci", scopes: ["acme/*:pull,push"] },
  });
  assert.equal(robot.body.username, "acme+ci");

  // Wait until the short-lived token is certainly past its expiry (generously: no timing is asserted).
  const expiresAt = Date.parse(expired.expiresAt ?? "");
  assert.ok(Number.isFinite(expiresAt), `the short-lived token has no expiry: ${expired.expiresAt}`);
  while (Date.now() < expiresAt + 1500) await new Promise((resolve) => setTimeout(resolve, 100));

  const credentials = new Map<string, Credentials>([
    ["owner", password("owner")],
    ["admin-team", password("manager")],
    ["writer", password("writer")],
    ["reader", password("reader")],
    ["member", password("member")],
    ["outsider", password("outsider")],
    ["scoped-token", ["writer", scoped.token]],
    ["expired-token", ["owner", expired.token]],
    ["revoked-token", ["owner", revoked.token]],
    ["robot", ["acme+ci", robot.body.secret as string]],
  ]);
  return { credentials, images };
}
