/**
 * @module
 * What a registry handler receives: the raw request and response, the
 * parsed route parameters, the authenticated subject, and the services.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../../log/create-logger.ts";
import type { RepositoryCatalog } from "../../metadata/registry-metadata.ts";
import type { Repository, RepositoryResolver } from "../../registry/repository.ts";
import type { Authorizer, Subject } from "../authorizer.ts";
import type { WharfMetrics } from "../metrics.ts";

/** The services and settings registry handlers use. */
export interface RegistryServices {
  /** Resolves a repository name (after authorization) to the repository that serves it. */
  readonly repositories: RepositoryResolver;
  readonly catalog: RepositoryCatalog;
  readonly authorizer: Authorizer;
  readonly metrics: WharfMetrics;
  readonly maxManifestBytes: number;
  /** Called after a successful pull, push or delete (the audit log). */
  readonly onAudited?: (event: { actor: string; action: string; target: string; remote?: string }) => void;
  /** Called after every manifest or blob GET served (the per-license pull audit); bytes from Content-Length. */
  readonly onPulled?: (event: {
    subject: Subject;
    repository: string;
    reference: string;
    digest: string | undefined;
    kind: "manifest" | "blob";
    bytes: number;
    remote: string | undefined;
  }) => void;
}

/** One request on its way through a registry handler. */
export interface RegistryContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly query: URLSearchParams;
  readonly log: Logger;
  /** The repository name from the path ("" for `/v2/` and the catalog). */
  readonly name: string;
  /** The last path segment: digest, reference or upload id ("" when none). */
  readonly segment: string;
  readonly subject: Subject;
  /** The repository the name resolved to (for `/v2/` and the catalog: the local one named ""). */
  readonly repository: Repository;
  readonly services: RegistryServices;
}
