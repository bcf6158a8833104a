/**
 * @module
 * The one rule for a new password, whether a user is created, changes
 * their own password or has it reset by an administrator.
 */
import { AccountsError } from "./accounts-error.ts";

/** The shortest password accepted. */
export const minPasswordLength = 8;

/** The longest password accepted (scrypt hashes any length; this bounds the work). */
export const maxPasswordLength = 1024;

/** `invalid-input` saying what to change when `password` breaks the policy. */
export function checkPasswordPolicy(password: string): void {
  if (password.length < minPasswordLength) {
    throw new AccountsError("invalid-input", `the password must be at least ${minPasswordLength} characters`);
  }
  if (password.length > maxPasswordLength) {
    throw new AccountsError("invalid-input", `the password must be at most ${maxPasswordLength} characters`);
  }
}
