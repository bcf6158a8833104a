/**
 * @module
 * A secret shown once, right after it was made (an API token, a robot's
 * secret): the value with a copy button, the way to use it, and a "Done"
 * button after which the page forgets it — the server never shows it again.
 */
import type { ReactNode } from "react";
import { CopyLine } from "../ui.tsx";

/** The once-only panel for `secret`, labelled `label`; `onDone` forgets it. */
export function ShownOnce(props: { label: string; secret: string; children?: ReactNode; onDone: () => void }) {
  return (
    <div role="status" className="once">
      <p>
        <strong>{props.label}</strong> — copy it now: it is shown only this once.
      </p>
      <p>
        <CopyLine text={props.secret} label={`Copy ${props.label}`} />
      </p>
      {props.children}
      <button type="button" onClick={props.onDone}>
        Done
      </button>
    </div>
  );
}
