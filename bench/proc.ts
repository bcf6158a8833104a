/**
 * @module
 * Child processes the benchmark starts (the registries): spawn with piped
 * output, keep the tail of stderr for error messages, stop by PID (SIGTERM,
 * then SIGKILL after a grace period). Every live child is tracked so that a
 * signal or a crash of the benchmark still stops it.
 */
import { type ChildProcess, spawn } from "node:child_process";

/** A process this benchmark started and must stop. */
export interface Managed {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Undefined while running; a description of how it ended otherwise. */
  exitInfo(): string | undefined;
  /** What the process wrote (stderr and stdout), condensed to one line for messages. */
  outputSummary(): string;
  /** Calls `onLine` for every stdout line (used to spot the "listening" line). */
  onStdoutLine(onLine: (line: string) => void): void;
  /** Resolves once the process has exited. */
  exited: Promise<void>;
  stop(): Promise<void>;
}

const KEEP_CHARS = 2048;
const SUMMARY_CHARS = 500;
const STOP_GRACE_MS = 5000;
const live = new Set<ChildProcess>();

/**
 * Starts `command args` in `cwd` with stdin closed and stdout/stderr piped,
 * with `env` as its environment (default: this process's).
 */
export function spawnManaged(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Managed {
  const child = spawn(command, args, { cwd, env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  if (child.pid === undefined) {
    child.once("error", () => {});
    throw new Error(`could not start ${command}`);
  }
  live.add(child);
  let exit: string | undefined;
  const output = captureOutput(child);
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = signal ? `killed by ${signal}` : `exited with code ${code}`;
      live.delete(child);
      resolve();
    });
  });
  child.once("error", (err) => {
    exit = `failed: ${err.message}`;
    live.delete(child);
  });
  return {
    pid: child.pid,
    child,
    exited,
    exitInfo: () => exit,
    outputSummary: output.summary,
    onStdoutLine: output.onLine,
    stop: () => stopChild(child, exited),
  };
}

/** Keeps the first and last 2 KiB of a child's output and splits its stdout into lines. */
function captureOutput(child: ChildProcess) {
  let head = "";
  let tail = "";
  const lineHandlers: ((line: string) => void)[] = [];
  const keep = (chunk: Buffer) => {
    const text = chunk.toString("utf8");
    if (head.length < KEEP_CHARS) head += text.slice(0, KEEP_CHARS - head.length);
    else tail = (tail + text).slice(-KEEP_CHARS);
  };
  child.stderr?.on("data", keep);
  child.stdout?.on("data", splitLines(keep, lineHandlers));
  return {
    summary: () => summarize(tail ? `${head}\n…\n${tail}` : head),
    onLine: (onLine: (line: string) => void) => {
      lineHandlers.push(onLine);
    },
  };
}

/** One line: stack-frame lines dropped, the rest joined with " / " and capped. */
function summarize(output: string): string {
  const lines = output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("at "));
  const text = lines.join(" / ");
  return text.length > SUMMARY_CHARS ? `${text.slice(0, SUMMARY_CHARS)}…` : text;
}

function splitLines(keep: (chunk: Buffer) => void, handlers: ((line: string) => void)[]) {
  let pending = "";
  return (chunk: Buffer) => {
    keep(chunk);
    pending += chunk.toString("utf8");
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) for (const handler of handlers) handler(line);
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  signalPid(child.pid, "SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), STOP_GRACE_MS);
  });
  const stopped = await Promise.race([exited.then(() => true), grace]);
  clearTimeout(timer);
  if (!stopped) {
    signalPid(child.pid, "SIGKILL");
    await exited;
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** Synchronously SIGKILLs every child still running (for signal and crash paths). */
export function killAllNow(): void {
  for (const child of live) if (child.pid !== undefined) signalPid(child.pid, "SIGKILL");
  live.clear();
}

/** Stops every child still running, politely first. */
export async function stopAll(): Promise<void> {
  const stops: Promise<void>[] = [];
  for (const child of live) {
    stops.push(stopChild(child, new Promise((resolve) => child.once("exit", () => resolve()))));
  }
  await Promise.all(stops);
}
