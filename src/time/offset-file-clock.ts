/**
 * @module
 * A clock for end-to-end tests of the real server process: the wall clock
 * plus an offset in milliseconds that the test writes to a file (read on
 * every call, so a write takes effect on the next request). `wharf serve`
 * uses it only when `WHARF_TEST_CLOCK_FILE` names such a file, and says so
 * in its log; tests move time forward with it instead of sleeping.
 */
import { readFileSync } from "node:fs";
import type { Clock } from "./clock.ts";

/** The wall clock shifted by the integer in `file` (0 while it is missing or not an integer). */
export function offsetFileClock(file: string): Clock {
  return {
    now() {
      let offset = 0;
      try {
        const text = readFileSync(file, "utf8").trim();
        if (/^-?\d{1,15}$/.test(text)) offset = Number(text);
      } catch {
        // No file yet: no offset.
      }
      return Date.now() + offset;
    },
  };
}
