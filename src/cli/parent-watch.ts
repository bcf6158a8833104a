/**
 * @module
 * Stopping the server when the process that started it is gone. `npm start`
 * runs `sh -c "bin/wharf serve"`; a SIGTERM to npm ends npm and that shell
 * but not the server, which the kernel hands to init (or a subreaper) and
 * which would keep the port and the database open as an orphan. So when
 * `wharf serve` runs under an npm script (npm sets `npm_lifecycle_event`),
 * or with `--exit-with-parent`, it remembers its parent's pid and checks
 * once a second whether it changed — the parent died and the server was
 * re-parented — and then shuts down as on SIGTERM. It is off otherwise:
 * under systemd or as a container's PID 1 the supervisor signals the server
 * itself, and `nohup wharf serve &` must survive its shell.
 */

/** How often the parent is checked. */
const everyMs = 1000;

/** True when `wharf serve` should stop with its parent: asked to, or started by an npm script. */
export function shouldExitWithParent(flag: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  return flag === true || (env.npm_lifecycle_event !== undefined && env.npm_lifecycle_event !== "");
}

/**
 * Calls `onOrphaned` once when the parent pid differs from the one at the
 * call (`readPpid` is `process.ppid` by default). Returns a function that
 * stops watching. The timer does not keep the process alive.
 */
export function watchParent(onOrphaned: () => void, readPpid: () => number = () => process.ppid): () => void {
  const original = readPpid();
  const timer = setInterval(() => {
    if (readPpid() === original) return;
    clearInterval(timer);
    onOrphaned();
  }, everyMs).unref();
  return () => clearInterval(timer);
}
