/**
 * @module
 * The names Docker Hub goes by. Docker's reference grammar gives Docker Hub
 * special treatment — it is the registry a bare name like `alpine` means, its
 * official images live under `library/`, and the host a client talks to
 * (`registry-1.docker.io`) is not the host written in references
 * (`docker.io`). Keeping every one of those spellings here means the parser,
 * the familiar-name shortener and the pull-host lookup cannot drift apart.
 */

/**
 * Docker Hub's names, as Docker's `distribution/reference` uses them.
 * - `domain`: the canonical host written in normalized references.
 * - `aliases`: hosts that mean Docker Hub and are rewritten to `domain` when
 *   parsed (`index.docker.io`, the legacy "Docker Index", and
 *   `registry-1.docker.io`, the real API host). Compared case-sensitively,
 *   as Docker does.
 * - `pullHost`: the host that actually serves the Registry HTTP API v2.
 * - `officialPrefix`: the namespace a single-component Docker Hub name gets.
 * - `defaultTag`: the tag meant when a reference has neither tag nor digest.
 */
export const dockerHub = {
  domain: "docker.io",
  aliases: ["index.docker.io", "registry-1.docker.io"],
  pullHost: "registry-1.docker.io",
  officialPrefix: "library/",
  defaultTag: "latest",
} as const;
