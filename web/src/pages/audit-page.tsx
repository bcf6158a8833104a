/**
 * @module
 * `/audit`: the audit log over `GET /audit`, newest first, with filters.
 * The API filters by actor, action (exact), target prefix and start time,
 * 200 events a page (`next` is the cursor of the older page); the page
 * narrows a page by end time only. A server administrator reads everyone's
 * events, anyone else only their own (the API decides; asking for another
 * actor says so).
 */
import { type FormEvent, useState } from "react";
import { api } from "../api.ts";
import { ErrorBanner, useLoad } from "../ui.tsx";

interface AuditEvent {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly detail?: unknown;
  readonly remote: string | null;
}

interface Filters {
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly from: string;
  readonly to: string;
}

const none: Filters = { actor: "", action: "", target: "", from: "", to: "" };

function query(f: Filters, cursor: string | undefined): string {
  const q = new URLSearchParams({ limit: "200", since: f.from ? new Date(f.from).toISOString() : "30d" });
  if (f.actor.trim()) q.set("actor", f.actor.trim());
  if (f.action.trim()) q.set("action", f.action.trim());
  if (f.target.trim()) q.set("targetPrefix", f.target.trim());
  if (cursor !== undefined) q.set("cursor", cursor);
  return q.toString();
}

function matches(e: AuditEvent, f: Filters): boolean {
  return !f.to || Date.parse(e.at) <= Date.parse(new Date(f.to).toISOString());
}

/** The audit log page. */
export function AuditPage(props: { isAdmin: boolean }) {
  const [form, setForm] = useState(none);
  const [applied, setApplied] = useState(none);
  // The cursors of the pages shown so far; the last one is the page on screen (undefined: the newest).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const events = useLoad(
    () => api<{ events: AuditEvent[]; next?: string }>("GET", `/audit?${query(applied, cursor)}`),
    [applied, cursor],
  );
  const next = events.value?.next;
  const shown = events.value?.events.filter((e) => matches(e, applied));
  const field = (key: keyof Filters) => ({
    name: key,
    value: form[key],
    onChange: (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value }),
  });
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setApplied(form);
    setCursors([undefined]);
  };
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <p>
        {props.isAdmin ? "Every account's events" : "Your own events"}, newest first (the last 30 days unless you pick a
        start).
      </p>
      <form onSubmit={apply} aria-label="Filter the audit log">
        <label>
          Actor
          <input {...field("actor")} placeholder={props.isAdmin ? "any" : "you"} />
        </label>
        <label>
          Action
          <input {...field("action")} placeholder="e.g. license.revoke" />
        </label>
        <label>
          Target starts with
          <input {...field("target")} placeholder="e.g. repository:acme/" />
        </label>
        <label>
          From
          <input {...field("from")} type="datetime-local" />
        </label>
        <label>
          To
          <input {...field("to")} type="datetime-local" />
        </label>
        <button type="submit">Apply filters</button>
        <button
          type="button"
          onClick={() => {
            setForm(none);
            setApplied(none);
            setCursors([undefined]);
          }}
        >
          Clear filters
        </button>
      </form>
      <ErrorBanner error={events.error} />
      {shown && (
        <p role="status">
          {shown.length} event{shown.length === 1 ? "" : "s"}
          {cursors.length > 1 || next ? ` on page ${cursors.length}` : ""}
        </p>
      )}
      {(cursors.length > 1 || next) && (
        <nav aria-label="Audit pages">
          <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            Newer events
          </button>
          <button type="button" disabled={!next} onClick={() => next && setCursors([...cursors, next])}>
            Older events
          </button>
        </nav>
      )}
      <table aria-label="Audit events">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Detail</th>
            <th scope="col">From</th>
          </tr>
        </thead>
        <tbody>
          {shown?.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: events have no id; the list is replaced whole
            <tr key={i}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>{e.target}</td>
              <td>
                <code>{e.detail === undefined ? "" : JSON.stringify(e.detail)}</code>
              </td>
              <td>{e.remote ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
