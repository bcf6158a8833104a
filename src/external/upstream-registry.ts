/**
 * @module
 * The directory the pull-through proxy finds upstream registries in: for a
 * path `<wharf>/proxy/<app-slug>/<upstream>/<path>:<tag>`, the external
 * registry named `<upstream>` (a short name, or a host as configured) of the
 * organization that owns the application, with its credentials opened. The
 * proxy owns the port (src/proxy/upstream-registry.ts); this module
 * implements it (createUpstreamDirectory) and re-exports its shapes.
 */
export type { UpstreamDirectory, UpstreamLocation, UpstreamRegistry } from "../proxy/upstream-registry.ts";
