/**
 * @module
 * Docker registry bearer tokens (distribution `docs/spec/auth/jwt.md`): a
 * short-lived ES256 JWT whose `access` claim lists exactly what was granted,
 * and a long-lived refresh token that names the credential it came from, so
 * revoking the user, token or robot revokes it too, and carries the user's
 * credentials epoch, so a password change or a disable ends it for good.
 * Verified access tokens are cached until they expire: the hot path pays
 * for ECDSA once per token. Time comes from an injected clock.
 */
import { randomUUID } from "node:crypto";
import { decodeProtectedHeader, jwtVerify, SignJWT } from "jose";
import { type Clock, systemClock } from "../time/clock.ts";
import type { Access, Principal } from "./access.ts";
import type { SigningKeys } from "./signing-keys.ts";

/** The claims Wharf puts in an access token beyond the registered ones. */
export interface AccessClaims {
  readonly access: Access[];
  /** The principal kind and id (`user:3`, `token:12`, `robot:4`, `license:7`, `anonymous:0`). */
  readonly principal: string;
}

/** A verified access token. */
export interface VerifiedToken extends AccessClaims {
  readonly subject: string;
  readonly expiresAt: number;
}

/** Settings for {@link createRegistryTokens}. */
export interface TokenSettings {
  readonly issuer: string;
  readonly service: string;
  readonly ttlSeconds: number;
  readonly refreshTtlSeconds: number;
}

const maxCached = 10_000;

/** `kind:id` for a principal. */
export function principalKey(principal: Principal): string {
  switch (principal.kind) {
    case "anonymous":
      return "anonymous:0";
    case "user":
      return `user:${principal.userId}`;
    case "token":
      return `token:${principal.tokenId}`;
    case "robot":
      return `robot:${principal.robotId}`;
    case "license":
      return `license:${principal.licenseId}`;
  }
}

/** Issuing and verifying tokens. */
export type RegistryTokens = ReturnType<typeof createRegistryTokens>;

/** What a valid refresh token names. */
export interface RefreshClaims {
  /** The `kind:id` it was issued for. */
  readonly principal: string;
  /** The user's credentials epoch when it was issued (0 for tokens without one). */
  readonly epoch: number;
}

/** Creates the token service over the signing keys; `clock` is the time source for issuing and expiry. */
export function createRegistryTokens(keys: SigningKeys, settings: TokenSettings, clock: Clock = systemClock) {
  const verified = new Map<string, VerifiedToken>();

  async function sign(claims: Record<string, unknown>, audience: string, subject: string, ttl: number) {
    const current = await keys.current();
    const now = Math.floor(clock.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "ES256", kid: current.kid, typ: "JWT" })
      .setIssuer(settings.issuer)
      .setAudience(audience)
      .setSubject(subject)
      .setIssuedAt(now)
      .setNotBefore(now - 10)
      .setExpirationTime(now + ttl)
      .setJti(randomUUID())
      .sign(current.key);
  }

  async function verifyJwt(token: string, audience: string) {
    const { kid } = decodeProtectedHeader(token);
    const key = kid ? await keys.verificationKey(kid) : undefined;
    if (!key) throw new Error("unknown signing key");
    const { payload } = await jwtVerify(token, key, {
      issuer: settings.issuer,
      audience,
      algorithms: ["ES256"],
      currentDate: new Date(clock.now()),
    });
    return payload;
  }

  return {
    ttlSeconds: settings.ttlSeconds,
    /** A signed access token granting `access` to `principal`. */
    issueAccess(principal: Principal, access: Access[]): Promise<string> {
      const claims: AccessClaims = { access, principal: principalKey(principal) };
      return sign({ ...claims }, settings.service, principal.name, settings.ttlSeconds);
    },
    /**
     * A refresh token for the credential behind `principal`, stamped with
     * its user's credentials `epoch` (see {@link RefreshClaims}) when it has one.
     */
    issueRefresh(principal: Principal, epoch?: number): Promise<string> {
      return sign(
        { principal: principalKey(principal), typ: "refresh", ...(epoch ? { epoch } : {}) },
        `${settings.service}/refresh`,
        principal.name,
        settings.refreshTtlSeconds,
      );
    },
    /** The verified claims of an access token, or undefined when it is invalid or expired. */
    async verifyAccess(token: string): Promise<VerifiedToken | undefined> {
      const hit = verified.get(token);
      if (hit) {
        if (hit.expiresAt > clock.now()) return hit;
        verified.delete(token);
        return undefined;
      }
      try {
        const payload = await verifyJwt(token, settings.service);
        if (!Array.isArray(payload.access) || typeof payload.principal !== "string") return undefined;
        const result: VerifiedToken = {
          access: payload.access as Access[],
          principal: payload.principal,
          subject: payload.sub ?? "",
          expiresAt: (payload.exp ?? 0) * 1000,
        };
        if (verified.size >= maxCached) verified.clear();
        verified.set(token, result);
        return result;
      } catch {
        return undefined;
      }
    },
    /** What a refresh token was issued for, or undefined when invalid or expired. */
    async verifyRefresh(token: string): Promise<RefreshClaims | undefined> {
      try {
        const payload = await verifyJwt(token, `${settings.service}/refresh`);
        if (payload.typ !== "refresh" || typeof payload.principal !== "string") return undefined;
        const epoch = typeof payload.epoch === "number" && Number.isSafeInteger(payload.epoch) ? payload.epoch : 0;
        return { principal: payload.principal, epoch };
      } catch {
        return undefined;
      }
    },
  };
}
