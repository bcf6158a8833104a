/**
 * @module
 * The request body of a blob upload as the upload service reads it.
 */
import type { IncomingMessage } from "node:http";

/**
 * Iterates `req` without destroying it when the reader stops early. The
 * upload service stops reading when the store fails (a full disk) or a limit
 * is hit; destroying the request there would cut the socket, and the client
 * would see a reset instead of the error. Left intact and flowing, the rest
 * of the body is read and discarded while the error is written, so the
 * client (still sending) gets to read it.
 */
export function uploadBody(req: IncomingMessage): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const chunks: AsyncIterator<Uint8Array> = req.iterator({ destroyOnReturn: false });
      return {
        next: () => chunks.next(),
        async return(value?: unknown) {
          await chunks.return?.();
          if (!req.complete) req.resume();
          return { done: true, value };
        },
      };
    },
  };
}
