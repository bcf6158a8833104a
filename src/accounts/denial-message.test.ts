import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Access, Principal } from "./access.ts";
import { denialMessage } from "./denial-message.ts";

const alice: Principal = { kind: "user", name: "alice", userId: 2, isAdmin: false };
const robot: Principal = { kind: "robot", name: "acme+ci", robotId: 1, orgId: 1, scopes: [] };
const token: Principal = {
  kind: "token",
  name: "alice",
  userId: 2,
  isAdmin: false,
  tokenId: 3,
  tokenName: "laptop",
  scopes: [],
  api: false,
};
const push: Access[] = [{ type: "repository", name: "acme/app", actions: ["pull", "push"] }];

describe("denialMessage", () => {
  it("names the user, the action, the repository and the role to ask for", () => {
    const granted: Access[] = [{ type: "repository", name: "acme/app", actions: ["pull"] }];
    assert.equal(
      denialMessage(alice, granted, push),
      "user alice may not push to acme/app: ask an owner of acme for write access",
    );
  });

  it("lists every missing action on the repository; delete needs admin", () => {
    const needed: Access[] = [{ type: "repository", name: "acme/app", actions: ["pull", "delete"] }];
    assert.equal(
      denialMessage(alice, [], needed),
      "user alice may not pull and delete on acme/app: ask an owner of acme for admin access",
    );
  });

  it("tells a robot or a token that its scopes may be the limit", () => {
    assert.match(
      denialMessage(robot, [], push),
      /^robot acme\+ci may not pull and push on acme\/app: .*robot whose scopes/,
    );
    assert.match(
      denialMessage(token, [], push),
      /^API token "laptop" of user alice may not .*token whose scopes cover/,
    );
  });
});
