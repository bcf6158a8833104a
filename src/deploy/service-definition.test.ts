/**
 * @module
 * The rules of a service definition, as tables: names, images (Docker Hub
 * by default, any registry by prefix, stored normalized), secret names,
 * replicas, ports, environment and command — every refusal naming its rule,
 * all of them at once.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isDomainError } from "../errors/domain-error.ts";
import { parseServiceDefinition, type ServiceInput } from "./service-definition.ts";
import { validateServiceName } from "./service-name.ts";
import { normalizePorts } from "./service-ports.ts";

function refusal(input: ServiceInput): string {
  try {
    parseServiceDefinition(input);
  } catch (error) {
    assert.ok(isDomainError(error, "invalid-input"));
    return error.message;
  }
  assert.fail(`accepted ${JSON.stringify(input)}`);
}

describe("service names", () => {
  test("accept DNS labels that start with a letter", () => {
    for (const name of ["a", "web", "basic-service", "api2", "a".repeat(63)])
      assert.equal(validateServiceName(name), undefined);
  });

  test("refuse naming each broken rule", () => {
    const table: [string, string][] = [
      ["", "is empty"],
      ["a".repeat(64), "at most 63 characters (got 64)"],
      ["Web", 'contains "W"'],
      ["web.app", 'contains "."'],
      ["web_app", 'contains "_"'],
      ["1web", "must begin with a lower-case letter"],
      ["-web", "must begin with a lower-case letter"],
      ["web-", "must end with a lower-case letter or digit"],
    ];
    for (const [name, part] of table)
      assert.ok(validateServiceName(name)?.includes(part), `${name}: ${validateServiceName(name)}`);
  });
});

describe("parseServiceDefinition", () => {
  test("normalizes images: Docker Hub by default, any registry by prefix", () => {
    const table: [string, string][] = [
      ["spaceuptech/basic-service", "docker.io/spaceuptech/basic-service:latest"],
      ["alpine:3.19", "docker.io/library/alpine:3.19"],
      [" gcr.io/project/basic-service ", "gcr.io/project/basic-service:latest"],
      [
        "123.dkr.ecr.eu-west-1.amazonaws.com/basic-service:1.0",
        "123.dkr.ecr.eu-west-1.amazonaws.com/basic-service:1.0",
      ],
      [`localhost:5000/app@sha256:${"a".repeat(64)}`, `localhost:5000/app@sha256:${"a".repeat(64)}`],
    ];
    for (const [image, expected] of table) assert.equal(parseServiceDefinition({ name: "web", image }).image, expected);
  });

  test("fills defaults and keeps what was given", () => {
    assert.deepEqual(parseServiceDefinition({ name: "web", image: "nginx", secretName: "" }), {
      name: "web",
      image: "docker.io/library/nginx:latest",
      secretName: null,
      replicas: 1,
      ports: [],
      env: {},
      command: [],
    });
    const full = parseServiceDefinition({
      name: "api",
      image: "quay.io/acme/api:2",
      secretName: "quay-io",
      replicas: 0,
      ports: [8080, { port: 53, protocol: "udp", name: "dns" }],
      env: { MODE: "prod", _X: "" },
      command: ["/api", "--listen", ":8080"],
    });
    assert.deepEqual(full.ports, [
      { port: 8080, name: null, protocol: "TCP" },
      { port: 53, name: "dns", protocol: "UDP" },
    ]);
    assert.deepEqual(
      [full.secretName, full.replicas, full.env, full.command],
      ["quay-io", 0, { MODE: "prod", _X: "" }, ["/api", "--listen", ":8080"]],
    );
  });

  test("refuses every broken rule in one message", () => {
    const message = refusal({
      name: "Web",
      image: "Alpine",
      secretName: "Bad_Secret",
      replicas: 1001,
      ports: [0, 70000, { port: 80, protocol: "SCTP" }, { port: 81, name: "HTTP" }],
      env: { "1BAD": "x", "A-B": "y" },
      command: ["", "x"],
    });
    for (const part of [
      'service name "Web"',
      "repository name must be lowercase",
      'secret name "Bad_Secret"',
      "replicas must be a whole number from 0 to 1000 (got 1001)",
      "port 0 must be",
      "port 70000 must be",
      'protocol "SCTP": use TCP or UDP',
      'port name "HTTP" is invalid',
      'environment variable name "1BAD"',
      'environment variable name "A-B"',
      "the command's first argument (the program) is empty",
    ]) {
      assert.ok(message.includes(part), `${message}\nlacks ${part}`);
    }
  });

  test("refuses odd values a JSON body could carry", () => {
    assert.match(refusal({ name: "web", image: "nginx", replicas: 1.5 }), /replicas must be a whole number/);
    assert.match(refusal({ name: "web", image: "" }), /image reference is empty/);
    assert.match(refusal({ name: "web", image: "nginx", env: { A: 1 as never } }), /A must have a string value/);
    assert.match(refusal({ name: "web", image: "nginx", command: [1 as never] }), /must be a string/);
    assert.match(
      refusal({ name: 7 as never, image: null as never, ports: {} as never }),
      /name must be a string; image must be a string.*ports must be a list/,
    );
    assert.match(
      refusal({ name: "web", image: "nginx", ports: [null as never, "80" as never] }),
      /port null must be.*port "80" must be/,
    );
    assert.match(refusal({ name: "web", image: "nginx", env: { BIG: "x".repeat(300_000) } }), /more than 262144/);
  });
});

describe("ports", () => {
  test("refuse duplicates of a port or a name, allowing one port for TCP and UDP", () => {
    assert.deepEqual(normalizePorts([53, { port: 53, protocol: "UDP" }]).problems, []);
    assert.deepEqual(normalizePorts([80, { port: 80 }]).problems, ["port 80/TCP is given twice: give each port once"]);
    assert.deepEqual(
      normalizePorts([
        { port: 80, name: "web" },
        { port: 81, name: "web" },
      ]).problems,
      ['port name "web" is used twice: give each port its own name'],
    );
    assert.deepEqual(normalizePorts([{ port: 80, name: "tcp-81" }, 81]).problems, [
      'port name "tcp-81" is used twice: give each port its own name',
    ]);
  });

  test("refuse port names outside the IANA service-name form", () => {
    for (const name of ["a".repeat(16), "80", "-web", "web-", "we--b", "web_1"]) {
      assert.equal(normalizePorts([{ port: 80, name }]).problems.length, 1, name);
    }
    assert.deepEqual(normalizePorts([{ port: 80, name: "http-2" }]).problems, []);
  });
});
