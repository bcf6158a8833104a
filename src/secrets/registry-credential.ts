/**
 * @module
 * The credential a pull secret holds, in the two shapes Docker knows: a
 * username and password (or access token used as a password), and an
 * identity token (an OAuth refresh token a registry handed out at
 * `docker login`, which Docker files with the placeholder username `<token>`).
 * Importing from `config.json` and rendering `.dockerconfigjson` share it.
 */

/** The username Docker's credential helpers store with an identity token. */
export const identityTokenUsername = "<token>";

/** A username and password (or access token used as a password). */
export interface PasswordCredential {
  readonly kind: "password";
  /** The `.dockerconfigjson` `auths` key (see RegistryLocation.key). */
  readonly registryKey: string;
  readonly username: string;
  readonly password: string;
  /** Absent when none was given. */
  readonly email?: string;
}

/** An identity token; `username` is {@link identityTokenUsername} when the real one is unknown. */
export interface IdentityTokenCredential {
  readonly kind: "identity-token";
  readonly registryKey: string;
  readonly username: string;
  readonly identityToken: string;
  readonly email?: string;
}

/** Either kind of credential, told apart by `kind`. */
export type RegistryCredential = PasswordCredential | IdentityTokenCredential;
