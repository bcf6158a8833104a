/**
 * @module
 * A tiny history router: the path is the state, links push it.
 */
import { useEffect, useState } from "react";

/** The current path; re-renders on navigation. */
export function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    window.addEventListener("popstate", update);
    window.addEventListener("wharf:navigate", update);
    return () => {
      window.removeEventListener("popstate", update);
      window.removeEventListener("wharf:navigate", update);
    };
  }, []);
  return path;
}

/** Goes to `path` inside the portal. */
export function navigate(path: string): void {
  window.history.pushState(null, "", path);
  window.dispatchEvent(new Event("wharf:navigate"));
}
