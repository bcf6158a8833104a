/**
 * @module
 * The public/private switch of one repository, over
 * `PUT /repositories/{name}/visibility`. The API does not report a
 * repository's own setting (only its namespace's), so the switch offers both
 * and states the server's answer.
 */
import { useState } from "react";
import { api } from "../api.ts";
import { ErrorBanner } from "../ui.tsx";

/** Buttons that make repository `name` public (anonymous pulls) or private. */
export function VisibilitySwitch(props: { name: string }) {
  const [answer, setAnswer] = useState("");
  const [error, setError] = useState<unknown>();
  const set = async (visibility: "public" | "private") => {
    setError(undefined);
    setAnswer("");
    try {
      const path = props.name.split("/").map(encodeURIComponent).join("/");
      await api("PUT", `/repositories/${path}/visibility`, { visibility });
      setAnswer(
        visibility === "public"
          ? `${props.name} is public: anyone may pull it without signing in.`
          : `${props.name} is private: pulls need a grant.`,
      );
    } catch (e) {
      setError(e);
    }
  };
  return (
    <fieldset>
      <legend>Visibility</legend>
      <button type="button" onClick={() => void set("public")}>
        Make public
      </button>{" "}
      <button type="button" onClick={() => void set("private")}>
        Make private
      </button>{" "}
      <output aria-live="polite">{answer}</output>
      <ErrorBanner error={error} />
    </fieldset>
  );
}
