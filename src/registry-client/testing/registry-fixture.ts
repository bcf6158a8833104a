/**
 * @module
 * The shared setup of the registry client's integration tests: a real
 * Distribution registry started before the file's tests and stopped after
 * them, holding the test image, plus a client pointed at it.
 */
import { after, before } from "node:test";
import { skipOption } from "../../../test/support/skip-missing-tool.ts";
import { allowLoopback } from "../../net/testing/allow-loopback.ts";
import { createRegistryClient, type RegistryClient } from "../create-registry-client.ts";
import type { RegistryClientOptions } from "../registry-client-options.ts";
import { type DistributionServer, distributionUnavailable, startDistribution } from "./distribution-server.ts";
import { pushTestImage, type TestImage } from "./test-image.ts";

/** What a test file gets: the server, the pushed image, and a client for it. */
export interface RegistryFixture {
  readonly server: DistributionServer;
  readonly image: TestImage;
  /** A client with `insecure: true`, `retries: 0`, loopback allowed (allowLoopback) and the fixture's credentials. */
  readonly client: RegistryClient;
  /** A client for this registry with other options (insecure is always on). */
  clientWith(options: RegistryClientOptions): RegistryClient;
}

/**
 * createRegistryClient with loopback allowed (allowLoopback) unless
 * `options.outbound` says otherwise: for tests whose registries listen on
 * 127.0.0.1, which the default guard refuses.
 */
export function createLoopbackClient(options: RegistryClientOptions = {}): RegistryClient {
  return createRegistryClient({ outbound: allowLoopback, ...options });
}

/** The user of registries started with `basicAuth: true`. */
export const testUser = { username: "wharf-tester", password: "pa55:word-不" };

/** Why the fixture cannot run here (pass as `skip`), or undefined. */
export const skipReason = skipOption(distributionUnavailable());

/**
 * Registers before/after hooks that start a registry (with htpasswd Basic
 * auth for {@link testUser} when `basicAuth`), push the test image to
 * `team/app` with tags `amd64`, `arm64`, `multi` and `extraTags`, and stop
 * the registry. Returns a getter valid inside tests.
 */
export function useRegistryFixture(
  options: { basicAuth?: boolean; extraTags?: readonly string[] } = {},
): () => RegistryFixture {
  let fixture: RegistryFixture | undefined;
  before(async () => {
    if (skipReason !== undefined) return;
    const server = await startDistribution(options.basicAuth ? testUser : undefined);
    const basic = Buffer.from(`${testUser.username}:${testUser.password}`).toString("base64");
    const authorization = options.basicAuth ? `Basic ${basic}` : undefined;
    const target = { host: server.host, ...(authorization !== undefined && { authorization }) };
    const image = await pushTestImage(target, "team/app", options.extraTags);
    const credentials = options.basicAuth ? { [server.host]: testUser } : undefined;
    const clientWith = (more: RegistryClientOptions) =>
      createRegistryClient({
        retries: 0,
        outbound: allowLoopback,
        ...(credentials && { credentials }),
        ...more,
        insecure: true,
      });
    fixture = { server, image, client: clientWith({}), clientWith };
  });
  after(async () => {
    await fixture?.server.stop();
  });
  return () => {
    if (fixture === undefined) throw new Error("the registry fixture is not running");
    return fixture;
  };
}
