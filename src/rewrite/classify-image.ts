/**
 * @module
 * Can a customer pull this image without credentials? One anonymous
 * manifest HEAD per distinct reference answers it, through the registry
 * client's token dance. Unlike KOTS, which proxies on *any* error, a
 * missing, unreachable or rate-limiting registry is reported as such: a
 * misspelt image must fail the rewrite, not be silently proxied.
 */
import type { OutboundGuard } from "../net/outbound-guard.ts";
import { userSideGuard } from "../net/user-side-guard.ts";
import type { ImageReference } from "../reference/image-reference.ts";
import { referenceString } from "../reference/reference-string.ts";
import { createRegistryClient } from "../registry-client/create-registry-client.ts";
import type { FailureKind } from "../registry-client/registry-result.ts";

/**
 * What a probe found: `public` (anonymous pull works), `private` (401/403
 * after the anonymous token), `missing` (404), `rate-limited` (429),
 * `unreachable` (DNS, connect, TLS, 5xx, malformed answers). `vendor`
 * (already on the Wharf host) is decided without a probe.
 */
export type ImageClass = "public" | "private" | "missing" | "rate-limited" | "unreachable" | "vendor";

/** A probe's answer: the class, why (for failures), and the digest when the manifest was readable. */
export interface ImageVerdict {
  readonly class: ImageClass;
  readonly reason?: string;
  readonly digest?: string;
}

/** Classifies one normalized reference; never rejects. */
export type Classifier = (reference: ImageReference) => Promise<ImageVerdict>;

/** Settings of {@link createRegistryClassifier}. */
export interface ClassifierOptions {
  /** Registry hosts (`host:port` as written in the images) probed over plain HTTP. */
  readonly insecureHosts?: readonly string[];
  /** Probes in flight at once; default 8. */
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  /** Where probes may connect; the rewriter runs on the user's side, so by default anywhere. */
  readonly outbound?: OutboundGuard;
}

const classOf: Record<FailureKind, ImageClass> = {
  unauthorized: "private",
  forbidden: "private",
  "not-found": "missing",
  "rate-limited": "rate-limited",
  unreachable: "unreachable",
  tls: "unreachable",
  protocol: "unreachable",
  "forbidden-target": "unreachable",
} as Record<FailureKind, ImageClass>;

/**
 * A classifier over an anonymous registry client: at most `concurrency`
 * probes at once, one probe per distinct reference (the answer is cached
 * for the classifier's life, failures included).
 */
export function createRegistryClassifier(options: ClassifierOptions = {}): Classifier {
  const insecure = new Set((options.insecureHosts ?? []).map((h) => h.toLowerCase()));
  const client = createRegistryClient({
    insecure: (host) => insecure.has(host.toLowerCase()),
    retries: 1,
    timeoutMs: options.timeoutMs ?? 15_000,
    maxRetryAfterSeconds: 0,
    outbound: options.outbound ?? userSideGuard,
  });
  const limit = createLimiter(options.concurrency ?? 8);
  const cache = new Map<string, Promise<ImageVerdict>>();
  return (reference) => {
    const key = referenceString(reference);
    let verdict = cache.get(key);
    if (verdict === undefined) {
      verdict = limit(async () => {
        const head = await client.headManifest(reference);
        if (head.ok) return { class: "public", digest: head.value.digest } as const;
        const { kind, message } = head.failure;
        return { class: classOf[kind] ?? "unreachable", reason: message };
      });
      cache.set(key, verdict);
    }
    return verdict;
  };
}

/** Runs at most `size` tasks at once, in arrival order. */
export function createLimiter(size: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}
