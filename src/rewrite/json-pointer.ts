/**
 * @module
 * RFC 6901 JSON pointers, as kustomize's JSON 6902 patches address fields.
 */
import type { ObjectPath } from "./pod-specs.ts";

/** `["spec", "containers", 0, "image"]` → `/spec/containers/0/image` (with `~` and `/` escaped). */
export function jsonPointer(path: ObjectPath): string {
  return path.map((step) => `/${String(step).replaceAll("~", "~0").replaceAll("/", "~1")}`).join("");
}
