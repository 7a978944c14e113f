// A tiny hash router: pages live at #/..., so the server only ever serves one HTML file.
import { useEffect, useState } from "react";

/** Goes to `path` (without the leading #); `replace` keeps the history short. */
export function navigate(path: string, replace = false): void {
  const url = `#${path}`;
  if (replace) {
    history.replaceState(null, "", url);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  } else window.location.hash = path;
}

function readRoute(): string[] {
  return window.location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
}

/** The current route as path segments, updated on navigation. */
export function useRoute(): string[] {
  const [route, setRoute] = useState(readRoute);
  useEffect(() => {
    const onChange = () => setRoute(readRoute());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
