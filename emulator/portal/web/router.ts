/**
 * The page's routes live in the URL's fragment (`#/jobs/…`): links are plain anchors, the back
 * button and bookmarks work, and the server serves one page for all of them.
 */
import { useEffect, useState } from "preact/hooks";

/** A route: its path segments after `#/`, and its query. */
export interface Route {
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
}

/** The route of a fragment. */
export function parseRoute(hash: string): Route {
  const [path, query] = hash.replace(/^#\/?/, "").split("?");
  return {
    segments: path.split("/").filter(Boolean).map(decodeURIComponent),
    query: new URLSearchParams(query ?? ""),
  };
}

/** A fragment link to a route. */
export function href(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join("/")}`;
}

/** The current route, updated on every navigation. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = (): void => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
