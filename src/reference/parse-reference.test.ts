/**
 * @module
 * The table test of image-reference parsing: every spelling the product's
 * source documents use, Docker's own edge cases (host heuristic, `library/`,
 * bare `localhost`, tag plus digest, 64-hex IDs, length counted after
 * normalization) and the refusals, each with the exact parts printed by
 * `wharf ref` or the exact error substring.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { describeReference } from "./describe-reference.ts";
import type { ImageReference } from "./image-reference.ts";
import { parseReference } from "./parse-reference.ts";

const hex = "7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa";
const d256 = `sha256:${hex}`;
const d512 =
  "sha512:15e8756ea1c62b00a65b734a5ae52c731c992425f717d1a68bb4d027edb04cdf88a31c5c349cc677920745e61d76988e5f41d01418c40678ba84fcadb7c6eaa1";
const d384 = "sha384:6355f43c0a8fe17d1f53b79a1f34ce3855bb144f2c1594909b2ac389abee6c51608c1604d8e73e1f2cad57cf65cc70ff";
const hub = "docker.io";

/** input, domain, path, written tag ("" = none), digest ("" = none), familiar, full reference. */
type Valid = readonly [string, string, string, string, string, string, string];

// biome-ignore format: one case per line reads as a table
const valid: readonly Valid[] = [
  // The seed documents.
  ["spaceuptech/basic-service", hub, "spaceuptech/basic-service", "", "", "spaceuptech/basic-service", "docker.io/spaceuptech/basic-service:latest"],
  ["gcr.io/my-project-123/basic-service", "gcr.io", "my-project-123/basic-service", "", "", "gcr.io/my-project-123/basic-service", "gcr.io/my-project-123/basic-service:latest"],
  ["123456789012.dkr.ecr.us-east-1.amazonaws.com/basic-service", "123456789012.dkr.ecr.us-east-1.amazonaws.com", "basic-service", "", "", "123456789012.dkr.ecr.us-east-1.amazonaws.com/basic-service", "123456789012.dkr.ecr.us-east-1.amazonaws.com/basic-service:latest"],
  ["registry.acme.com/engineering/web-app:1.0", "registry.acme.com", "engineering/web-app", "1.0", "", "registry.acme.com/engineering/web-app:1.0", "registry.acme.com/engineering/web-app:1.0"],
  ["quay.io/namespace/imagename:2.0.0", "quay.io", "namespace/imagename", "2.0.0", "", "quay.io/namespace/imagename:2.0.0", "quay.io/namespace/imagename:2.0.0"],
  ["namespace/imagename:2.0.0", hub, "namespace/imagename", "2.0.0", "", "namespace/imagename:2.0.0", "docker.io/namespace/imagename:2.0.0"],
  ["alpine", hub, "library/alpine", "", "", "alpine", "docker.io/library/alpine:latest"],
  ["alpine:3.5", hub, "library/alpine", "3.5", "", "alpine:3.5", "docker.io/library/alpine:3.5"],
  ["alpine:latest", hub, "library/alpine", "latest", "", "alpine:latest", "docker.io/library/alpine:latest"],
  ["fredysa/alpine:1.0", hub, "fredysa/alpine", "1.0", "", "fredysa/alpine:1.0", "docker.io/fredysa/alpine:1.0"],
  ["docker.io/fredysa/alpine", hub, "fredysa/alpine", "", "", "fredysa/alpine", "docker.io/fredysa/alpine:latest"],
  ["library/alpine", hub, "library/alpine", "", "", "alpine", "docker.io/library/alpine:latest"],
  ["redis:3.2-alpine", hub, "library/redis", "3.2-alpine", "", "redis:3.2-alpine", "docker.io/library/redis:3.2-alpine"],
  ["postgres:9.4", hub, "library/postgres", "9.4", "", "postgres:9.4", "docker.io/library/postgres:9.4"],
  ["busybox", hub, "library/busybox", "", "", "busybox", "docker.io/library/busybox:latest"],
  ["registry.replicated.com/myapp/worker:1.0.1", "registry.replicated.com", "myapp/worker", "1.0.1", "", "registry.replicated.com/myapp/worker:1.0.1", "registry.replicated.com/myapp/worker:1.0.1"],
  ["worker", hub, "library/worker", "", "", "worker", "docker.io/library/worker:latest"],
  ["proxy.replicated.com/proxy/my-kots-app/quay.io/my-org/api", "proxy.replicated.com", "proxy/my-kots-app/quay.io/my-org/api", "", "", "proxy.replicated.com/proxy/my-kots-app/quay.io/my-org/api", "proxy.replicated.com/proxy/my-kots-app/quay.io/my-org/api:latest"],
  ["proxy.replicated.com/proxy/my-kots-app/quay.io/my-org/api:v1.0.1", "proxy.replicated.com", "proxy/my-kots-app/quay.io/my-org/api", "v1.0.1", "", "proxy.replicated.com/proxy/my-kots-app/quay.io/my-org/api:v1.0.1", "proxy.replicated.com/proxy/my-kots-app/quay.io/my-org/api:v1.0.1"],
  ["quay.io/my-org/api:v1.0.1", "quay.io", "my-org/api", "v1.0.1", "", "quay.io/my-org/api:v1.0.1", "quay.io/my-org/api:v1.0.1"],
  ["localhost:5000/foo", "localhost:5000", "foo", "", "", "localhost:5000/foo", "localhost:5000/foo:latest"],
  ["index.docker.io/library/ubuntu", hub, "library/ubuntu", "", "", "ubuntu", "docker.io/library/ubuntu:latest"],
  // Docker Hub spellings.
  ["index.docker.io/ubuntu", hub, "library/ubuntu", "", "", "ubuntu", "docker.io/library/ubuntu:latest"],
  ["index.docker.io/fredysa/alpine:1.0", hub, "fredysa/alpine", "1.0", "", "fredysa/alpine:1.0", "docker.io/fredysa/alpine:1.0"],
  ["registry-1.docker.io/library/busybox", hub, "library/busybox", "", "", "busybox", "docker.io/library/busybox:latest"],
  ["registry-1.docker.io/busybox:1.36", hub, "library/busybox", "1.36", "", "busybox:1.36", "docker.io/library/busybox:1.36"],
  ["docker.io/alpine", hub, "library/alpine", "", "", "alpine", "docker.io/library/alpine:latest"],
  ["docker.io/library/alpine:edge", hub, "library/alpine", "edge", "", "alpine:edge", "docker.io/library/alpine:edge"],
  ["library/foo/bar", hub, "library/foo/bar", "", "", "library/foo/bar", "docker.io/library/foo/bar:latest"],
  ["docker.io/library/foo/bar:1", hub, "library/foo/bar", "1", "", "library/foo/bar:1", "docker.io/library/foo/bar:1"],
  ["foo/bar/baz/qux", hub, "foo/bar/baz/qux", "", "", "foo/bar/baz/qux", "docker.io/foo/bar/baz/qux:latest"],
  ["mysql:8", hub, "library/mysql", "8", "", "mysql:8", "docker.io/library/mysql:8"],
  ["elasticsearch:8.13.4", hub, "library/elasticsearch", "8.13.4", "", "elasticsearch:8.13.4", "docker.io/library/elasticsearch:8.13.4"],
  // Digests, alone and with tags (both kept, as Docker's Parse does).
  [`alpine@${d256}`, hub, "library/alpine", "", d256, `alpine@${d256}`, `docker.io/library/alpine@${d256}`],
  [`alpine:3.5@${d256}`, hub, "library/alpine", "3.5", d256, `alpine:3.5@${d256}`, `docker.io/library/alpine:3.5@${d256}`],
  [`docker.io/library/busybox:latest@${d256}`, hub, "library/busybox", "latest", d256, `busybox:latest@${d256}`, `docker.io/library/busybox:latest@${d256}`],
  [`gcr.io/my-project-123/app@${d512}`, "gcr.io", "my-project-123/app", "", d512, `gcr.io/my-project-123/app@${d512}`, `gcr.io/my-project-123/app@${d512}`],
  [`quay.io/namespace/imagename@${d256}`, "quay.io", "namespace/imagename", "", d256, `quay.io/namespace/imagename@${d256}`, `quay.io/namespace/imagename@${d256}`],
  [`registry.replicated.com/myapp/worker:1.0.1@${d256}`, "registry.replicated.com", "myapp/worker", "1.0.1", d256, `registry.replicated.com/myapp/worker:1.0.1@${d256}`, `registry.replicated.com/myapp/worker:1.0.1@${d256}`],
  [`localhost:5000/foo@${d512}`, "localhost:5000", "foo", "", d512, `localhost:5000/foo@${d512}`, `localhost:5000/foo@${d512}`],
  // 64 hex is refused only alone: as a tag, a path component or after sha256: it is a name.
  [`${hex}:v1`, hub, `library/${hex}`, "v1", "", `${hex}:v1`, `docker.io/library/${hex}:v1`],
  [`library/${hex}`, hub, `library/${hex}`, "", "", hex, `docker.io/library/${hex}:latest`],
  [`sha256:${hex}`, hub, "library/sha256", hex, "", `sha256:${hex}`, `docker.io/library/sha256:${hex}`],
  // The host heuristic: localhost, ".", ":" or upper case makes a host; a name without "/" never has one.
  ["localhost/foo", "localhost", "foo", "", "", "localhost/foo", "localhost/foo:latest"],
  ["localhost/library/alpine", "localhost", "library/alpine", "", "", "localhost/library/alpine", "localhost/library/alpine:latest"],
  ["localhost", hub, "library/localhost", "", "", "localhost", "docker.io/library/localhost:latest"],
  ["localhost:5000", hub, "library/localhost", "5000", "", "localhost:5000", "docker.io/library/localhost:5000"],
  ["example.com", hub, "library/example.com", "", "", "example.com", "docker.io/library/example.com:latest"],
  ["example.com:5000", hub, "library/example.com", "5000", "", "example.com:5000", "docker.io/library/example.com:5000"],
  ["docker.io", hub, "library/docker.io", "", "", "docker.io", "docker.io/library/docker.io:latest"],
  ["localhost:5000/foo/bar:tag", "localhost:5000", "foo/bar", "tag", "", "localhost:5000/foo/bar:tag", "localhost:5000/foo/bar:tag"],
  ["example:5000/foo", "example:5000", "foo", "", "", "example:5000/foo", "example:5000/foo:latest"],
  ["127.0.0.1:5000/foo", "127.0.0.1:5000", "foo", "", "", "127.0.0.1:5000/foo", "127.0.0.1:5000/foo:latest"],
  ["192.168.1.10/team/app:2", "192.168.1.10", "team/app", "2", "", "192.168.1.10/team/app:2", "192.168.1.10/team/app:2"],
  ["[::1]:5000/foo", "[::1]:5000", "foo", "", "", "[::1]:5000/foo", "[::1]:5000/foo:latest"],
  ["[::1]/foo", "[::1]", "foo", "", "", "[::1]/foo", "[::1]/foo:latest"],
  ["[2001:db8::1]:443/team/app:v2", "[2001:db8::1]:443", "team/app", "v2", "", "[2001:db8::1]:443/team/app:v2", "[2001:db8::1]:443/team/app:v2"],
  ["[ABCD::1]/foo", "[ABCD::1]", "foo", "", "", "[ABCD::1]/foo", "[ABCD::1]/foo:latest"],
  ["Registry.Example.com/app", "Registry.Example.com", "app", "", "", "Registry.Example.com/app", "Registry.Example.com/app:latest"],
  ["Foo/bar", "Foo", "bar", "", "", "Foo/bar", "Foo/bar:latest"],
  ["LOCALHOST:5000/app:v1", "LOCALHOST:5000", "app", "v1", "", "LOCALHOST:5000/app:v1", "LOCALHOST:5000/app:v1"],
  ["my-registry.local:8443/a/b/c/d", "my-registry.local:8443", "a/b/c/d", "", "", "my-registry.local:8443/a/b/c/d", "my-registry.local:8443/a/b/c/d:latest"],
  ["example.com:99999/x", "example.com:99999", "x", "", "", "example.com:99999/x", "example.com:99999/x:latest"],
  ["xn--bcher-kva.example/app", "xn--bcher-kva.example", "app", "", "", "xn--bcher-kva.example/app", "xn--bcher-kva.example/app:latest"],
  ["1.2.3.4/foo", "1.2.3.4", "foo", "", "", "1.2.3.4/foo", "1.2.3.4/foo:latest"],
  ["a/b", hub, "a/b", "", "", "a/b", "docker.io/a/b:latest"],
  // Well-known registries.
  ["ghcr.io/owner/repo:sha-abc1234", "ghcr.io", "owner/repo", "sha-abc1234", "", "ghcr.io/owner/repo:sha-abc1234", "ghcr.io/owner/repo:sha-abc1234"],
  ["mcr.microsoft.com/dotnet/sdk:8.0", "mcr.microsoft.com", "dotnet/sdk", "8.0", "", "mcr.microsoft.com/dotnet/sdk:8.0", "mcr.microsoft.com/dotnet/sdk:8.0"],
  ["public.ecr.aws/nginx/nginx:1.25", "public.ecr.aws", "nginx/nginx", "1.25", "", "public.ecr.aws/nginx/nginx:1.25", "public.ecr.aws/nginx/nginx:1.25"],
  ["nvcr.io/nvidia/pytorch:24.01-py3", "nvcr.io", "nvidia/pytorch", "24.01-py3", "", "nvcr.io/nvidia/pytorch:24.01-py3", "nvcr.io/nvidia/pytorch:24.01-py3"],
  ["registry.gitlab.com/group/sub/project/image:main", "registry.gitlab.com", "group/sub/project/image", "main", "", "registry.gitlab.com/group/sub/project/image:main", "registry.gitlab.com/group/sub/project/image:main"],
  ["registry.k8s.io/pause:3.9", "registry.k8s.io", "pause", "3.9", "", "registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.9"],
  ["proxy.replicated.com/proxy/my-kots-app/index.docker.io/library/postgres:9.4", "proxy.replicated.com", "proxy/my-kots-app/index.docker.io/library/postgres", "9.4", "", "proxy.replicated.com/proxy/my-kots-app/index.docker.io/library/postgres:9.4", "proxy.replicated.com/proxy/my-kots-app/index.docker.io/library/postgres:9.4"],
  ["wharf.example.com/proxy/app/docker.io/library/redis:3.2-alpine", "wharf.example.com", "proxy/app/docker.io/library/redis", "3.2-alpine", "", "wharf.example.com/proxy/app/docker.io/library/redis:3.2-alpine", "wharf.example.com/proxy/app/docker.io/library/redis:3.2-alpine"],
  // Path-component separators: ".", "_", "__", dashes.
  ["a", hub, "library/a", "", "", "a", "docker.io/library/a:latest"],
  ["0", hub, "library/0", "", "", "0", "docker.io/library/0:latest"],
  ["a.b", hub, "library/a.b", "", "", "a.b", "docker.io/library/a.b:latest"],
  ["a_b/c__d", hub, "a_b/c__d", "", "", "a_b/c__d", "docker.io/a_b/c__d:latest"],
  ["foo-bar--baz/a---b", hub, "foo-bar--baz/a---b", "", "", "foo-bar--baz/a---b", "docker.io/foo-bar--baz/a---b:latest"],
  ["x-y_z__w/v.1-2_3", hub, "x-y_z__w/v.1-2_3", "", "", "x-y_z__w/v.1-2_3", "docker.io/x-y_z__w/v.1-2_3:latest"],
  // Tags keep their case; "_" may start one.
  ["alpine:UPPER_Tag", hub, "library/alpine", "UPPER_Tag", "", "alpine:UPPER_Tag", "docker.io/library/alpine:UPPER_Tag"],
  ["alpine:_tag", hub, "library/alpine", "_tag", "", "alpine:_tag", "docker.io/library/alpine:_tag"],
  ["alpine:1.0-rc.1_b", hub, "library/alpine", "1.0-rc.1_b", "", "alpine:1.0-rc.1_b", "docker.io/library/alpine:1.0-rc.1_b"],
  [`alpine:${"t".repeat(128)}`, hub, "library/alpine", "t".repeat(128), "", `alpine:${"t".repeat(128)}`, `docker.io/library/alpine:${"t".repeat(128)}`],
  // Length limits: 255 characters of path after normalization, domain not counted.
  [`a/${"b".repeat(253)}`, hub, `a/${"b".repeat(253)}`, "", "", `a/${"b".repeat(253)}`, `docker.io/a/${"b".repeat(253)}:latest`],
  ["c".repeat(247), hub, `library/${"c".repeat(247)}`, "", "", "c".repeat(247), `docker.io/library/${"c".repeat(247)}:latest`],
  [`example.com/${"d".repeat(255)}`, "example.com", "d".repeat(255), "", "", `example.com/${"d".repeat(255)}`, `example.com/${"d".repeat(255)}:latest`],
];

/** input, substring the error must contain. */
type Invalid = readonly [string, string];

// biome-ignore format: one case per line reads as a table
const invalid: readonly Invalid[] = [
  ["", "the image reference is empty"],
  [hex, "ambiguous with an image ID"],
  // Upper case in the path, wherever the path comes from.
  ["Alpine", 'repository name must be lowercase: "Alpine" contains upper case; write "alpine"'],
  ["Alpine:3.5", 'write "alpine:3.5"'],
  [`ALPINE@${d256}`, "repository name must be lowercase"],
  ["fredysa/Alpine:1.0", 'repository name must be lowercase: "fredysa/Alpine" contains upper case; write "fredysa/alpine:1.0"'],
  ["gcr.io/My-Project-123/basic-service", 'write "gcr.io/my-project-123/basic-service"'],
  ["docker.io/Library/alpine", 'write "docker.io/library/alpine"'],
  ["localhost:5000/Foo", 'write "localhost:5000/foo"'],
  ["Registry.Example.com/App", 'write "Registry.Example.com/app"'],
  ["Foo_Bar/x", 'repository name must be lowercase: "Foo_Bar/x" contains upper case; write "foo_bar/x"'],
  ["ÅLPINE", "repository name must be lowercase"],
  // Tags.
  ["alpine:", "the tag is empty"],
  ["alpine:-tag", 'invalid tag "-tag"'],
  ["alpine:.tag", 'invalid tag ".tag"'],
  ["alpine:tag!", 'invalid tag "tag!"'],
  ["alpine:tåg", 'invalid tag "tåg"'],
  [`alpine:${"t".repeat(129)}`, "129 characters long, more than 128"],
  ["[::1]", 'contains ":"'],
  ["alpine:a:b", 'repository name "library/alpine:a" contains ":"'],
  // Digests.
  ["alpine@", "the digest is empty"],
  ["alpine@sha256:abc", 'invalid digest "sha256:abc"'],
  [`alpine@sha256:${hex.toUpperCase()}`, "sha256:<64 lowercase hex digits>"],
  [`alpine@sha256:${hex.slice(1)}`, "invalid digest"],
  [`alpine@sha256:${hex}0`, "invalid digest"],
  [`alpine@md5:${hex.slice(0, 32)}`, "invalid digest"],
  [`alpine@${d384}`, "invalid digest"],
  [`alpine@${hex}`, "invalid digest"],
  [`alpine@${d256}@${d256}`, "invalid digest"],
  [`foo/bar:1.0@sha256:bad`, 'invalid digest "sha256:bad"'],
  ["foo/b@r", 'invalid digest "r"'],
  // Missing name.
  [":tag", "the repository name is missing"],
  [`@${d256}`, "the repository name is missing"],
  [`:v1@${d256}`, "the repository name is missing"],
  // Hosts and ports.
  ["https://registry.acme.com/engineering/web-app:1.0", 'remove "https://"'],
  ["http://localhost:5000/foo", 'remove "http://"'],
  ["localhost:abc/foo", 'port "abc" of registry host "localhost:abc" must be a number'],
  ["localhost:/foo", 'port "" of registry host "localhost:" must be a number'],
  ["example.com:-1/foo", "must be a number"],
  ["foo:bar/baz", 'port "bar" of registry host "foo:bar"'],
  ["[::1]:/foo", "must be a number"],
  ["[::1/foo", "not a valid IPv6 address"],
  ["[fe80::1%eth0]:5000/foo", "not a valid IPv6 address"],
  ["[::g]/foo", "not a valid IPv6 address"],
  ["[::1]x/foo", "not a valid IPv6 address"],
  ["-example.com/foo", '"-example" must be letters, digits and "-"'],
  ["example-.com/foo", '"example-" must be letters'],
  ["example..com/foo", "empty part between dots"],
  [".example.com/foo", "empty part between dots"],
  ["example.com./foo", "empty part between dots"],
  ["foo_bar.com/foo", '"foo_bar" must be letters, digits and "-"'],
  [":5000/foo", "has no host name before its port"],
  // Docker reads these as host-less names; Wharf refuses a first part with "." that is no host.
  ["x.y-z_w__v/1", 'registry host "x.y-z_w__v" is not a valid host name'],
  // Path components.
  ["foo//bar", "has an empty component"],
  ["foo/bar/", "has an empty component"],
  ["/foo", "has an empty component"],
  ["alpine/", "has an empty component"],
  ["localhost:5000/", "has an empty component"],
  ["foo/-bar", 'component "-bar" is invalid'],
  ["foo/bar-", 'component "bar-" is invalid'],
  ["foo/bar..baz", 'component "bar..baz" is invalid'],
  ["foo/bar___baz", 'component "bar___baz" is invalid'],
  ["foo/.bar", 'component ".bar" is invalid'],
  ["foo/bar_", 'component "bar_" is invalid'],
  ["foo bar", 'component "foo bar" is invalid'],
  [" alpine", 'component " alpine" is invalid'],
  ["alpine ", 'component "alpine " is invalid'],
  ["ålpine", 'component "ålpine" is invalid'],
  ["a+b/c", 'component "a+b" is invalid'],
  // Length, counted on the normalized path.
  ["c".repeat(248), "256 characters long; it must not be more than 255"],
  [`a/${"b".repeat(254)}`, "256 characters long"],
  [`example.com/${"d".repeat(256)}`, "256 characters long"],
];

describe("parseReference: valid references", () => {
  for (const [input, domain, path, tag, digest, familiar, reference] of valid) {
    test(input.length > 80 ? `${input.slice(0, 80)}…` : input, () => {
      const result = parseReference(input);
      assert.ok(result.ok, result.ok ? "" : result.error);
      const expected: ImageReference = {
        domain,
        path,
        ...(tag !== "" && { tag }),
        ...(digest !== "" && { digest }),
      };
      assert.deepEqual(result.reference, expected);
      assert.deepEqual(describeReference(result.reference), {
        name: `${domain}/${path}`,
        domain,
        path,
        tag: tag !== "" || digest !== "" ? tag : "latest",
        digest,
        familiar,
        reference,
        pullHost: domain === "docker.io" ? "registry-1.docker.io" : domain,
      });
    });
  }
});

describe("parseReference: refused references", () => {
  for (const [input, message] of invalid) {
    test(input.length > 80 ? `${input.slice(0, 80)}…` : JSON.stringify(input), () => {
      const result = parseReference(input);
      assert.equal(result.ok, false, `${JSON.stringify(input)} was accepted`);
      if (result.ok) return;
      assert.ok(result.error.startsWith("invalid image reference"), result.error);
      assert.ok(result.error.includes(message), `${result.error}\n  should contain: ${message}`);
    });
  }
});

test("the table holds at least 100 cases", () => {
  assert.ok(valid.length + invalid.length >= 100, `${valid.length + invalid.length} cases`);
});

test("parsed references are frozen", () => {
  const result = parseReference("alpine:3.5");
  assert.ok(result.ok);
  assert.ok(Object.isFrozen(result.reference));
});

test("parseReference never throws, whatever it is given", () => {
  const alphabet = "aZ0-_.:/@[]%! ";
  for (let i = 0; i < 2000; i++) {
    let text = "";
    for (let j = 0; j < (i % 40) + 1; j++) text += alphabet[(i * 7 + j * 13 + j * j) % alphabet.length];
    const result = parseReference(text);
    assert.equal(typeof result.ok, "boolean");
  }
  assert.equal(parseReference(undefined as unknown as string).ok, false);
  assert.equal(parseReference(42 as unknown as string).ok, false);
});

test("a long input is shortened in the error message", () => {
  const result = parseReference(`${"x".repeat(5000)}!`);
  assert.ok(!result.ok);
  assert.ok(result.error.length < 1000, `${result.error.length} characters`);
});
