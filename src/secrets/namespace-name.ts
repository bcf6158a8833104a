/**
 * @module
 * The name rule of a Kubernetes namespace (an RFC 1123 label), checked before
 * Wharf renders a pull secret into it, so a typo is caught here rather than
 * as a rejected `kubectl apply` on the customer's cluster.
 */

/** The longest namespace name Kubernetes accepts. */
export const maxNamespaceLength = 63;

const label = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/**
 * Undefined when `namespace` is a valid Kubernetes namespace name, else what
 * to change. Rules: not empty; at most 63 characters; lower-case letters,
 * digits and '-' only (no '.'); begins and ends with a letter or digit.
 */
export function validateNamespaceName(namespace: string): string | undefined {
  const quoted = JSON.stringify(namespace.length > 100 ? `${namespace.slice(0, 100)}…` : namespace);
  if (namespace === "") return 'namespace is empty: give one such as "default"';
  if (namespace.length > maxNamespaceLength) {
    return `namespace ${quoted} must be at most ${maxNamespaceLength} characters (got ${namespace.length})`;
  }
  if (label.test(namespace)) return undefined;
  return `namespace ${quoted} is invalid: use lower-case letters, digits and '-', beginning and ending with a letter or digit`;
}
