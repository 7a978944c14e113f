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

/** The current route as path segments, updated on navigation. */
export function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, "").split("/").filter(Boolean);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = () => setRoute(read());
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
