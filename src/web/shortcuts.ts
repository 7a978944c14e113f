// The annotation page's keyboard shortcuts, listed once for the handler's help and the legend.

/** One shortcut as shown in the legend. */
export interface Shortcut {
  keys: string[];
  action: string;
}

/** Every shortcut of the annotation page. */
export const SHORTCUTS: Shortcut[] = [
  { keys: ["Shift", "← →"], action: "select by character (in the answer)" },
  { keys: ["Ctrl/Alt", "Shift", "← →"], action: "select by word" },
  { keys: ["Shift", "↑ ↓"], action: "select by line" },
  { keys: ["L"], action: "mark selection liked" },
  { keys: ["D"], action: "mark selection disliked, then type the comment" },
  { keys: ["T"], action: "toggle liked / disliked of the current span" },
  { keys: ["C"], action: "write a comment on the current span" },
  { keys: ["S"], action: "write a suggestion for the current span" },
  { keys: ["[", "]"], action: "previous / next span" },
  { keys: ["Del"], action: "delete the current span" },
  { keys: ["U"], action: "bring back the last deleted span" },
  { keys: ["Esc"], action: "leave a field, clear the selection" },
  { keys: ["Enter"], action: "mark item done and open the next" },
  { keys: ["Ctrl", "Enter"], action: "same, from inside a field" },
  { keys: ["J", "K"], action: "next / previous item" },
  { keys: ["E"], action: "focus the answer for keyboard selection" },
  { keys: ["?"], action: "show or hide this list" },
];
