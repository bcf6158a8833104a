/**
 * @module
 * Request and answer over one IPC channel of the cluster, in both
 * directions: a worker asks its primary (the whole server's metrics, a
 * connection slot, the shared password memo) and the primary asks a worker
 * (its own metrics). Each side registers handlers by topic; `ask` sends
 * `{ wharf: "ask" }` and resolves with the other side's `{ wharf: "answer" }`.
 * `tell` sends a one-way note (no answer). A channel that closes fails
 * every question still open on it.
 */
import { isClusterMessage } from "./lock-messages.ts";

/** Worker or primary → the other side: answer `id` with the result of `topic`'s handler. */
export interface Ask {
  readonly wharf: "ask";
  readonly id: number;
  readonly topic: string;
  readonly body: unknown;
  /** A note: run the handler, send no answer. */
  readonly oneWay?: boolean;
}

/** The answer to the question `id`; `error` when its handler failed or is unknown. */
export interface Answer {
  readonly wharf: "answer";
  readonly id: number;
  readonly body?: unknown;
  readonly error?: string;
}

/** One end of an IPC channel: a worker's `process`, or the primary's `Worker`. */
export interface CallChannel {
  send(message: Ask | Answer): unknown;
  on(event: "message", listener: (message: unknown) => void): unknown;
}

/** Handlers by topic: what this side answers. */
export type CallHandlers = Readonly<Record<string, (body: unknown) => unknown>>;

/** This side's questions to the other side. */
export interface ClusterCalls {
  ask(topic: string, body?: unknown): Promise<unknown>;
  tell(topic: string, body?: unknown): void;
  /** Fails every open question (the channel closed). */
  close(reason: string): void;
}

/** Wires `handlers` to `channel` and returns the asking side. */
export function createClusterCalls(channel: CallChannel, handlers: CallHandlers): ClusterCalls {
  const open = new Map<number, { resolve: (body: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let closed: string | undefined;
  channel.on("message", (message) => {
    if (!isClusterMessage(message)) return;
    const m = message as unknown as Ask | Answer;
    if (m.wharf === "answer") {
      const waiting = open.get(m.id);
      open.delete(m.id);
      if (m.error === undefined) waiting?.resolve(m.body);
      else waiting?.reject(new Error(m.error));
      return;
    }
    if (m.wharf !== "ask") return;
    const handler = handlers[m.topic];
    const reply = (answer: Omit<Answer, "wharf" | "id">) => {
      if (!m.oneWay && closed === undefined) channel.send({ wharf: "answer", id: m.id, ...answer });
    };
    if (!handler) return reply({ error: `no handler for ${m.topic}` });
    Promise.resolve()
      .then(() => handler(m.body))
      .then(
        (body) => reply({ body }),
        (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
      );
  });
  return {
    ask(topic, body) {
      if (closed !== undefined) return Promise.reject(new Error(closed));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        open.set(id, { resolve, reject });
        channel.send({ wharf: "ask", id, topic, body });
      });
    },
    tell(topic, body) {
      if (closed === undefined) channel.send({ wharf: "ask", id: 0, topic, body, oneWay: true });
    },
    close(reason) {
      closed = reason;
      for (const waiting of open.values()) waiting.reject(new Error(reason));
      open.clear();
    },
  };
}
