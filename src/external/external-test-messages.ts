/**
 * @module
 * The words of `wharf external test`. Each registry-client failure kind
 * becomes the same stable code `wharf secret check` gives (failureCheckCodes)
 * and a sentence in the vendor's terms — the external registry, its host,
 * the image — saying what to try; the client's own message (host, request,
 * status) follows in parentheses.
 */
import type { RegistryFailure } from "../registry-client/registry-result.ts";
import { failureCheckCodes } from "../secrets/check-outcome.ts";
import type { ExternalTestCode } from "./test-external-registry.ts";

/** The registry being tested, as the sentences name it. */
export interface TestedRegistry {
  readonly name: string;
  readonly host: string;
  readonly insecure: boolean;
  readonly anonymous: boolean;
}

/** What failed: the login (`GET /v2/`), or reading the manifest of `image`. */
export type TestStep = { readonly step: "login" } | { readonly step: "image"; readonly image: string };

/** The code and sentence for a failed step. */
export function testFailureMessage(
  registry: TestedRegistry,
  step: TestStep,
  failure: RegistryFailure,
): { code: ExternalTestCode; message: string } {
  const code = failureCheckCodes[failure.kind];
  const reason = failure.message;
  const what = step.step === "login" ? `log in to ${registry.host}` : `pull ${step.image}`;
  const creds = registry.anonymous
    ? `anonymous requests of external registry ${registry.name}`
    : `the username or password of external registry ${registry.name}`;
  switch (failure.kind) {
    case "unauthorized": {
      const fix = registry.anonymous ? ": add a username and password" : ": update them";
      return { code, message: `could not ${what}: the registry refused ${creds}${fix} (${reason})` };
    }
    case "forbidden":
      return {
        code,
        message: `could not ${what}: the registry accepted external registry ${registry.name}'s credentials but denies them access (${reason})`,
      };
    case "not-found": {
      const hint =
        step.step === "login"
          ? `${registry.host} has no registry API at /v2/: check the registry URL`
          : "the registry has no such repository or tag; check the name, tag and prefix";
      return { code, message: `could not ${what}: ${hint} (${reason})` };
    }
    case "rate-limited": {
      const after = failure.retryAfterSeconds === undefined ? "later" : `in ${failure.retryAfterSeconds} s`;
      return { code, message: `could not ${what}: the registry is limiting requests; try again ${after} (${reason})` };
    }
    case "unreachable":
      return { code, message: `could not reach ${registry.host}: ${reason}` };
    case "tls": {
      const hint = registry.insecure
        ? ""
        : `; if it serves plain http, mark external registry ${registry.name} insecure`;
      return { code, message: `could not ${what}: TLS with the registry failed (${reason})${hint}` };
    }
    case "protocol":
      return {
        code,
        message: `could not ${what}: ${registry.host} answered in a way that is not the registry API (${reason})`,
      };
    case "forbidden-target":
      return { code, message: `could not ${what}: refused by the outbound guard (${reason})` };
  }
}
