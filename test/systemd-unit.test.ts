/**
 * @module
 * examples/systemd/wharf.service: the directives operators rely on are there
 * (DynamicUser, StateDirectory, ProtectSystem=strict, NoNewPrivileges, a
 * restart policy, SIGHUP reload), and `systemd-analyze verify` accepts the
 * unit (run with ExecStart pointed at this checkout's bin/wharf, since
 * /opt/wharf does not exist here).
 */
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runCommand } from "./support/run-command.ts";
import { repoRoot } from "./support/start-wharf.ts";

const unitFile = join(repoRoot, "examples", "systemd", "wharf.service");

function directives(text: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) found.set(match[1]!, [...(found.get(match[1]!) ?? []), match[2]!]);
  }
  return found;
}

test("the systemd unit sandboxes the service and restarts it on failure", async () => {
  const unit = directives(await readFile(unitFile, "utf8"));
  assert.deepEqual(unit.get("DynamicUser"), ["yes"]);
  assert.deepEqual(unit.get("StateDirectory"), ["wharf"]);
  assert.deepEqual(unit.get("ProtectSystem"), ["strict"]);
  assert.deepEqual(unit.get("NoNewPrivileges"), ["yes"]);
  assert.deepEqual(unit.get("Restart"), ["on-failure"]);
  assert.match(unit.get("ExecStart")?.[0] ?? "", /wharf serve --data \$\{STATE_DIRECTORY\}/);
  assert.match(unit.get("ExecReload")?.[0] ?? "", /kill -HUP \$MAINPID/);
});

test("systemd-analyze verify accepts the unit", async (t) => {
  const which = await runCommand("sh", ["-c", "command -v systemd-analyze"]);
  if (which.code !== 0) return t.skip("systemd-analyze is not installed");
  const dir = await mkdtemp(join(tmpdir(), "wharf-unit-"));
  try {
    const text = (await readFile(unitFile, "utf8")).replaceAll("/opt/wharf/bin/wharf", join(repoRoot, "bin", "wharf"));
    await writeFile(join(dir, "wharf.service"), text);
    const result = await runCommand("systemd-analyze", ["verify", join(dir, "wharf.service")]);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /wharf\.service:\d+:/, "no warnings about the unit's lines");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
