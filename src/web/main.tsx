// Entry of the annotation page, built by Vite (src/web/vite.config.ts) into dist/web.
import { createRoot } from "react-dom/client";
import { App } from "./App.js";
import "./styles.css";

const root = document.getElementById("root");
if (!root) throw new Error("main: the page has no #root element");
createRoot(root).render(<App />);
