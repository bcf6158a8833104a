/**
 * @module
 * Reads a password for the CLI: from standard input with `--password-stdin`
 * (the way scripts pass it — never as a flag, which `ps` and shell history
 * would show), or from a hidden prompt when a person is at a terminal.
 */
import { CliError } from "./cli-api.ts";

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new CliError("the password on stdin is longer than 64 KiB");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = process.stdin;
    let typed = "";
    process.stderr.write(question);
    input.setRawMode(true);
    input.resume();
    input.setEncoding("utf8");
    const done = (error?: Error) => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (text: string) => {
      for (const ch of text) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") return done(new CliError("cancelled"));
        if (ch === "\u007f" || ch === "\b") typed = typed.slice(0, -1);
        else typed += ch;
      }
    };
    input.on("data", onData);
  });
}

/** The password from stdin (`fromStdin`) or a hidden prompt; CliError when there is no way to get one. */
export async function readSecret(fromStdin: boolean | undefined, question = "Password: "): Promise<string> {
  let secret: string;
  if (fromStdin) secret = await readAllStdin();
  else if (process.stdin.isTTY) secret = await promptHidden(question);
  else throw new CliError("give the password on standard input with --password-stdin");
  if (secret.length === 0) throw new CliError("the password is empty");
  return secret;
}
