/**
 * @module
 * Refuses to run on a Node.js older than 24, with one line saying how to get it.
 */

/** Exits with a one-line message when the running Node.js is older than `major`. */
export function requireNode(major = 24): void {
  const running = Number(process.versions.node.split(".")[0]);
  if (running < major) {
    process.stderr.write(
      `wharf: Node.js ${major} or newer is required (this is ${process.version}); run 'npm ci' (it installs Node ${major}) and use bin/wharf, or install Node.js ${major} LTS.\n`,
    );
    process.exit(1);
  }
}
