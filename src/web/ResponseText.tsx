// The response with its spans drawn as layered highlights: a tint for the innermost span,
// one underline band per nesting level, and bars where spans open and close, so nested and
// touching spans stay apart. Text is rendered as React text nodes, never as HTML.
import { type CSSProperties, type RefObject, useMemo } from "react";
import type { Span } from "../feedback/schema.js";
import { buildSegments, type Segment } from "./segments.js";

const COLOR = { liked: "#1a7f37", disliked: "#cf222e" } as const;
const TINT = { liked: "rgba(46, 160, 67, 0.15)", disliked: "rgba(248, 81, 73, 0.15)" } as const;
const ACTIVE_TINT = {
  liked: "rgba(46, 160, 67, 0.34)",
  disliked: "rgba(248, 81, 73, 0.34)",
} as const;

/** Properties of ResponseText. */
export interface ResponseTextProps {
  text: string;
  spans: Span[];
  /** display number of each span (1-based), by index */
  numbers: number[];
  active: number | null;
  onActivate(index: number): void;
  onSelect(): void;
  textRef: RefObject<HTMLElement | null>;
}

function segmentStyle(seg: Segment, spans: Span[], active: number | null): CSSProperties {
  if (seg.covers.length === 0) return {};
  const shadows: string[] = [];
  seg.covers.forEach((i, depth) => {
    shadows.push(`inset 0 -${2 * (depth + 1)}px 0 0 ${COLOR[spans[i].label]}`);
  });
  const opening = seg.opens[seg.opens.length - 1];
  if (opening !== undefined) shadows.unshift(`inset 2px 0 0 0 ${COLOR[spans[opening].label]}`);
  const closing = seg.closes[seg.closes.length - 1];
  if (closing !== undefined) shadows.unshift(`inset -2px 0 0 0 ${COLOR[spans[closing].label]}`);
  const inner = seg.covers[seg.covers.length - 1];
  const isActive = active !== null && seg.covers.includes(active);
  const tintOf = isActive ? spans[active].label : spans[inner].label;
  return {
    background: (isActive ? ACTIVE_TINT : TINT)[tintOf],
    boxShadow: shadows.join(", "),
    paddingBottom: `${2 * seg.covers.length}px`,
  };
}

/** The response text, selectable with mouse and keyboard, with its spans highlighted. */
export function ResponseText(props: ResponseTextProps) {
  const { text, spans, active, numbers } = props;
  // typing a comment changes the spans but not their offsets: keep the cut of a long answer
  const offsets = spans.map((s) => `${s.start}:${s.end}`).join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: offsets stands for the spans' places
  const segments = useMemo(() => buildSegments(text, spans), [text, offsets]);

  function handleClick(event: React.MouseEvent<HTMLElement>) {
    const selection = window.getSelection();
    if (selection && !selection.isCollapsed) return;
    const target = (event.target as HTMLElement).closest<HTMLElement>("[data-seg]");
    if (!target) return;
    const seg = segments[Number(target.dataset.seg)];
    if (!seg || seg.covers.length === 0) return;

    // a click picks the innermost span; clicking again walks outwards
    const at = active === null ? -1 : seg.covers.indexOf(active);
    const pick = at > 0 ? seg.covers[at - 1] : seg.covers[seg.covers.length - 1];
    props.onActivate(pick);
  }

  return (
    <section
      ref={props.textRef}
      className="response"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable so the keyboard can select text
      tabIndex={0}
      aria-label="Response text; select text, then press L or D"
      data-testid="response"
      onMouseUp={props.onSelect}
      onKeyUp={props.onSelect}
      onClick={handleClick}
    >
      {segments.map((seg, k) => {
        const badge = seg.opens.map((i) => numbers[i]).join(",");
        return (
          <span
            key={`${seg.start}-${seg.end}`}
            data-seg={k}
            data-badge={badge || undefined}
            className={seg.code ? "seg code" : "seg"}
            style={segmentStyle(seg, spans, active)}
            title={
              seg.covers.length > 0
                ? seg.covers.map((i) => `#${numbers[i]} ${spans[i].label}`).join(" › ")
                : undefined
            }
          >
            {seg.text}
          </span>
        );
      })}
    </section>
  );
}
