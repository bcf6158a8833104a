/**
 * @module
 * A request refused while its body is still arriving (a quota, a bad digest,
 * a denied push of a large blob) is answered at once; the rest of its body is
 * then read and dropped so the client reads the answer instead of a reset,
 * and the connection stays usable. Unbounded, that drain would let a refused
 * client stream gigabytes for nothing: after the answer, at most
 * `lingerBytes` more are read, for at most `lingerMs`, then the connection is
 * cut (the lingering close of nginx's `lingering_time`).
 */
import type { ServerResponse } from "node:http";
import type { Linger } from "./client-error.ts";

const defaultLinger: Linger = { lingerMs: 10_000, lingerBytes: 8 * 1024 * 1024 };

/** Bounds the drain of `res`'s request when the body is not read whole by the time the answer is written. */
export function boundUnreadBody(res: ServerResponse, linger: Linger = defaultLinger): void {
  const req = res.req;
  if (!req || req.complete) return;
  res.once("finish", () => {
    if (req.complete) return;
    // Node drops an unread body without emitting it ('data' never fires on a
    // dumped request), so the socket's byte counter is watched instead.
    const socket = req.socket;
    const start = socket.bytesRead;
    const started = performance.now();
    const watch = setInterval(() => {
      if (req.complete) return done();
      if (socket.bytesRead - start > linger.lingerBytes || performance.now() - started > linger.lingerMs) {
        socket.destroy();
      }
    }, 50);
    watch.unref();
    function done() {
      clearInterval(watch);
    }
    req.once("end", done);
    socket.once("close", done);
    req.resume();
  });
}
