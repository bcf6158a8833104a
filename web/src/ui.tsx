/**
 * @module
 * Small shared pieces: links, error banners, loading, copy buttons (a line or
 * a block), byte sizes.
 */
import { type ReactNode, useCallback, useEffect, useState } from "react";
import { ApiError } from "./api.ts";
import { navigate } from "./router.ts";

/** A link inside the portal. */
export function Link(props: { to: string; children: ReactNode }) {
  return (
    <a
      href={props.to}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        navigate(props.to);
      }}
    >
      {props.children}
    </a>
  );
}

/** An error message that says what to do next. */
export function ErrorBanner(props: { error: unknown }) {
  if (props.error === undefined) return null;
  const message = props.error instanceof ApiError ? props.error.message : String(props.error);
  return (
    <p role="alert" className="error">
      {message}
    </p>
  );
}

/** Loads `load()` once (and on `reload`), with its error. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the caller lists what load depends on
  useEffect(() => {
    let live = true;
    setError(undefined);
    load().then(
      (v) => live && setValue(v),
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { value, error, reload };
}

/** A line of text with a button that copies it. */
export function CopyLine(props: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <span className="copy">
      <code>{props.text}</code>
      <button
        type="button"
        aria-label={props.label}
        onClick={() => {
          void navigator.clipboard?.writeText(props.text).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </span>
  );
}

/** A block of text (YAML) with a button that copies it. */
export function CopyBlock(props: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="copy-block">
      {/* Focusable: a long block scrolls, and keyboard users must reach it. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region needs keyboard access (axe scrollable-region-focusable) */}
      <pre tabIndex={0}>{props.text}</pre>
      <button
        type="button"
        aria-label={props.label}
        onClick={() => {
          void navigator.clipboard?.writeText(props.text).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {copied ? "Copied" : "Copy"}
      </button>
    </div>
  );
}

/** `1234567` → `1.2 MB`. */
export function bytes(size: number | null): string {
  if (size === null) return "—";
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = size;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
