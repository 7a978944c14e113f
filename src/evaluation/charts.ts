// Hand-written SVG charts for reports: line charts with 95% bands (learning curves) and bar
// charts with error bars (final metrics per arm). Output is a standalone <svg> string.

/** One point of a line; `low`/`high` draw a shaded band when both are finite. */
export interface LinePoint {
  x: number;
  y: number;
  low?: number;
  high?: number;
}

/** One named line. */
export interface LineSeries {
  name: string;
  points: LinePoint[];
  color?: string;
}

/** Options of a line chart. */
export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  width?: number;
  height?: number;
  /** fixed y range; computed from the data when absent */
  yDomain?: [number, number];
}

/** One bar with its interval. */
export interface Bar {
  series: string;
  value: number;
  low?: number;
  high?: number;
}

/** Options of a grouped bar chart: one group per category, one bar per series in a group. */
export interface BarChartOptions {
  title: string;
  yLabel: string;
  groups: { category: string; bars: Bar[] }[];
  width?: number;
  height?: number;
  yDomain?: [number, number];
}

/** The palette, in series order (colour-blind-safe Okabe–Ito). */
export const PALETTE = [
  "#0072B2",
  "#D55E00",
  "#009E73",
  "#CC79A7",
  "#E69F00",
  "#56B4E9",
  "#000000",
];

/** Fixed colours of the experiment's series, so an arm looks the same in every chart. */
export const SERIES_COLORS: Record<string, string> = {
  base: "#7f7f7f",
  chain: "#0072B2",
  ab: "#D55E00",
  rewrite: "#009E73",
  "chain-all": "#CC79A7",
  "chain-nll": "#E69F00",
  "chain-edit": "#56B4E9",
};

/** The colour of series `name`, the `i`-th of its chart: its fixed colour or the palette's. */
export function colorOf(name: string, i: number): string {
  return SERIES_COLORS[name] ?? PALETTE[i % PALETTE.length];
}

const MARGIN = { top: 34, right: 130, bottom: 44, left: 58 };

/** Renders a line chart with a legend on the right. */
export function renderLineChart(o: LineChartOptions): string {
  const width = o.width ?? 560;
  const height = o.height ?? 320;
  const pw = width - MARGIN.left - MARGIN.right;
  const ph = height - MARGIN.top - MARGIN.bottom;
  const xs = o.series.flatMap((s) => s.points.map((p) => p.x)).filter(Number.isFinite);
  const ys = o.series.flatMap((s) =>
    s.points.flatMap((p) => [p.y, p.low ?? p.y, p.high ?? p.y]).filter(Number.isFinite),
  );
  const [x0, x1] = paddedDomain(xs, false);
  const [y0, y1] = o.yDomain ?? paddedDomain(ys, true);
  const sx = (x: number) => MARGIN.left + ((x - x0) / (x1 - x0 || 1)) * pw;
  const sy = (y: number) => MARGIN.top + ph - ((y - y0) / (y1 - y0 || 1)) * ph;

  const parts: string[] = [
    frame(o.title, width, height),
    ...axes(o.xLabel, o.yLabel, width, height),
  ];
  parts.push(...ticks([x0, x1], "x", sx, sy(y0), MARGIN.left));
  parts.push(...ticks([y0, y1], "y", sy, MARGIN.left, MARGIN.left + pw));
  o.series.forEach((s, i) => {
    const color = s.color ?? colorOf(s.name, i);
    const pts = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    const band = pts.filter((p) => Number.isFinite(p.low) && Number.isFinite(p.high));
    if (band.length >= 2) {
      const upper = band.map((p) => `${f(sx(p.x))},${f(sy(p.high!))}`);
      const lower = band.map((p) => `${f(sx(p.x))},${f(sy(p.low!))}`).reverse();
      parts.push(
        `<polygon points="${[...upper, ...lower].join(" ")}" fill="${color}" fill-opacity="0.15" stroke="none"/>`,
      );
    }
    if (pts.length >= 2) {
      const d = pts.map((p, k) => `${k ? "L" : "M"}${f(sx(p.x))},${f(sy(p.y))}`).join("");
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`);
    }
    for (const p of pts) {
      parts.push(`<circle cx="${f(sx(p.x))}" cy="${f(sy(p.y))}" r="3" fill="${color}"/>`);
    }
    parts.push(legendItem(s.name, color, width - MARGIN.right + 12, MARGIN.top + 8 + i * 18));
  });
  parts.push("</svg>");
  return parts.join("\n");
}

/** Renders a grouped bar chart with 95% error bars and a legend on the right. */
export function renderBarChart(o: BarChartOptions): string {
  const width = o.width ?? 560;
  const height = o.height ?? 320;
  const pw = width - MARGIN.left - MARGIN.right;
  const ph = height - MARGIN.top - MARGIN.bottom;
  const names = [...new Set(o.groups.flatMap((g) => g.bars.map((b) => b.series)))];
  const ys = o.groups.flatMap((g) =>
    g.bars.flatMap((b) => [b.value, b.low ?? b.value, b.high ?? b.value]).filter(Number.isFinite),
  );
  const [y0, y1] = o.yDomain ?? paddedDomain([0, ...ys], true);
  const sy = (y: number) => MARGIN.top + ph - ((y - y0) / (y1 - y0 || 1)) * ph;
  const groupW = pw / Math.max(1, o.groups.length);
  const barW = (groupW * 0.8) / Math.max(1, names.length);

  const parts: string[] = [frame(o.title, width, height), ...axes("", o.yLabel, width, height)];
  parts.push(...ticks([y0, y1], "y", sy, MARGIN.left, MARGIN.left + pw));
  o.groups.forEach((g, gi) => {
    const gx = MARGIN.left + gi * groupW + groupW * 0.1;
    parts.push(text(g.category, gx + groupW * 0.4, height - MARGIN.bottom + 16, "middle", 11));
    for (const b of g.bars) {
      const i = names.indexOf(b.series);
      const color = colorOf(b.series, i);
      const x = gx + i * barW;
      const top = sy(Math.max(b.value, y0));
      const base = sy(Math.max(y0, Math.min(0, y1)));
      if (!Number.isFinite(b.value)) continue;
      const yTop = Math.min(top, base);
      parts.push(
        `<rect x="${f(x)}" y="${f(yTop)}" width="${f(barW * 0.9)}" height="${f(Math.abs(base - top))}" fill="${color}"><title>${esc(b.series)}: ${b.value.toFixed(3)}</title></rect>`,
      );
      if (Number.isFinite(b.low) && Number.isFinite(b.high)) {
        const cx = x + barW * 0.45;
        const lo = sy(Math.max(y0, b.low!));
        const hi = sy(Math.min(y1, b.high!));
        parts.push(
          `<path d="M${f(cx)},${f(lo)}V${f(hi)}M${f(cx - 4)},${f(lo)}H${f(cx + 4)}M${f(cx - 4)},${f(hi)}H${f(cx + 4)}" stroke="#333" stroke-width="1.2"/>`,
        );
      }
    }
  });
  names.forEach((n, i) => {
    parts.push(legendItem(n, colorOf(n, i), width - MARGIN.right + 12, MARGIN.top + 8 + i * 18));
  });
  parts.push("</svg>");
  return parts.join("\n");
}

function frame(title: string, width: number, height: number): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    text(title, MARGIN.left, 20, "start", 14, "bold"),
  ].join("\n");
}

function axes(xLabel: string, yLabel: string, width: number, height: number): string[] {
  const x1 = width - MARGIN.right;
  const yb = height - MARGIN.bottom;
  const out = [`<path d="M${MARGIN.left},${MARGIN.top}V${yb}H${x1}" fill="none" stroke="#333"/>`];
  if (xLabel)
    out.push(text(xLabel, MARGIN.left + (x1 - MARGIN.left) / 2, height - 8, "middle", 12));
  const cy = MARGIN.top + (yb - MARGIN.top) / 2;
  out.push(
    `<text x="14" y="${f(cy)}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${f(cy)})">${esc(yLabel)}</text>`,
  );
  return out;
}

function ticks(
  domain: [number, number],
  axis: "x" | "y",
  scale: (v: number) => number,
  at: number,
  gridEnd: number,
): string[] {
  const out: string[] = [];
  for (const v of niceTicks(domain[0], domain[1], 5)) {
    const p = scale(v);
    if (axis === "x") {
      out.push(`<path d="M${f(p)},${f(at)}v5" stroke="#333"/>`);
      out.push(text(tickLabel(v), p, at + 17, "middle", 11));
    } else {
      out.push(`<path d="M${f(at)},${f(p)}H${f(gridEnd)}" stroke="#e5e5e5"/>`);
      out.push(text(tickLabel(v), at - 6, p + 4, "end", 11));
    }
  }
  return out;
}

function legendItem(name: string, color: string, x: number, y: number): string {
  return `<rect x="${f(x)}" y="${f(y - 9)}" width="12" height="12" fill="${color}"/>\n${text(name, x + 17, y + 1, "start", 12)}`;
}

function text(s: string, x: number, y: number, anchor: string, size: number, weight = "normal") {
  return `<text x="${f(x)}" y="${f(y)}" text-anchor="${anchor}" font-size="${size}" font-weight="${weight}">${esc(s)}</text>`;
}

/** Round tick values covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) {
    out.push(Number(v.toPrecision(12)));
  }
  return out;
}

function paddedDomain(values: number[], pad: boolean): [number, number] {
  if (values.length === 0) return [0, 1];
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  } else if (pad) {
    const p = (hi - lo) * 0.05;
    lo -= p;
    hi += p;
  }
  return [lo, hi];
}

function tickLabel(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 10 ? v.toFixed(1) : Number(v.toPrecision(3)).toString();
}

function f(v: number): string {
  return Number.isFinite(v) ? v.toFixed(1) : "0";
}

function esc(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
