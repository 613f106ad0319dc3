// A small SVG charting helper: bar, line and scatter charts with nice axes and threshold lines.
// Each draw function clears the <svg> and draws it at its current on-screen width, so call it
// again when the data or the size changes (see `redrawOnResize`).

const SVG_NS = "http://www.w3.org/2000/svg";

function node(tag, attrs = {}, text = null) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== null && value !== undefined) element.setAttribute(key, String(value));
  }
  if (text !== null) element.textContent = text;
  return element;
}

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min, max, count = 5) {
  if (!(max > min)) return [min];
  const raw = (max - min) / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) {
    ticks.push(Math.round(v / step) * step);
  }
  return ticks;
}

function extent(values, { pad = 0.08, includeZero = false } = {}) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (!finite.length) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (includeZero) lo = Math.min(lo, 0);
  if (hi === lo) {
    hi += Math.abs(hi) * 0.1 || 1;
    lo -= includeZero ? 0 : Math.abs(lo) * 0.1 || 1;
  }
  const margin = (hi - lo) * pad;
  return [includeZero && lo === 0 ? 0 : lo - margin, hi + margin];
}

/**
 * Set up an empty chart: size, margins, scales, grid and axes.
 *
 * @returns {root, x(v), y(v), left, right, top, bottom, width, height}
 */
function frame(svg, { aspect, x, y, xLabel, yLabel, xTicks, xFormat, yFormat }) {
  const width = Math.max(280, Math.round(svg.clientWidth || svg.parentElement?.clientWidth || 640));
  // <svg data-fill-height> takes its height from CSS (e.g. a share of the screen), else from aspect
  const height = "fillHeight" in svg.dataset && svg.clientHeight > 80 ? Math.round(svg.clientHeight) : Math.round(width / aspect);
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("class", "chart");
  const m = { left: 56, right: 16, top: 16, bottom: xLabel ? 48 : 30 };
  const plot = {
    left: m.left,
    right: width - m.right,
    top: m.top,
    bottom: height - m.bottom,
    width,
    height,
  };
  plot.x = (v) => plot.left + ((v - x[0]) / (x[1] - x[0])) * (plot.right - plot.left);
  plot.y = (v) => plot.bottom - ((v - y[0]) / (y[1] - y[0])) * (plot.bottom - plot.top);
  const defs = node("defs");
  const hatchId = `hatch-${svg.id || "chart"}`;
  const hatch = node("pattern", { id: hatchId, width: 8, height: 8, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
  hatch.append(node("rect", { width: 8, height: 8, fill: "#2d333b" }), node("line", { x1: 0, y1: 0, x2: 0, y2: 8, stroke: "#8b949e", "stroke-width": 3 }));
  defs.append(hatch);
  svg.append(defs);
  const grid = node("g", { class: "grid" });
  for (const t of niceTicks(y[0], y[1], 5)) {
    const py = plot.y(t);
    grid.append(node("line", { x1: plot.left, x2: plot.right, y1: py, y2: py }));
    svg.append(node("text", { x: plot.left - 8, y: py + 4, "text-anchor": "end" }, (yFormat ?? String)(t)));
  }
  svg.append(grid);
  for (const t of xTicks ?? []) {
    const px = plot.x(t);
    // labels near the right edge end there, so they are not cut off
    const anchor = px > plot.right - 45 ? "end" : "middle";
    svg.append(node("text", { x: Math.min(px, plot.right), y: plot.bottom + 18, "text-anchor": anchor }, (xFormat ?? String)(t)));
  }
  svg.append(node("line", { class: "axis", x1: plot.left, x2: plot.right, y1: plot.bottom, y2: plot.bottom }));
  if (xLabel) svg.append(node("text", { x: (plot.left + plot.right) / 2, y: height - 8, "text-anchor": "middle" }, xLabel));
  if (yLabel) {
    svg.append(node("text", { x: 14, y: (plot.top + plot.bottom) / 2, "text-anchor": "middle", transform: `rotate(-90 14 ${(plot.top + plot.bottom) / 2})` }, yLabel));
  }
  plot.root = svg;
  plot.hatch = `url(#${hatchId})`;
  return plot;
}

function thresholdLines(plot, thresholds) {
  for (const { value, label } of thresholds ?? []) {
    if (!Number.isFinite(value)) continue;
    const py = plot.y(value);
    plot.root.append(node("line", { class: "threshold", x1: plot.left, x2: plot.right, y1: py, y2: py }));
    if (label) plot.root.append(node("text", { class: "threshold-label", x: plot.right - 4, y: py - 6, "text-anchor": "end" }, label));
  }
}

/**
 * Bars: bars = [{label, value, color, failed, provisional, title}], value in the y unit (null: no bar
 * height, drawn hatched at the bottom as "failed/unmeasured"); a provisional bar (a rep live mode has
 * not confirmed yet) is drawn lighter.
 */
export function drawBars(svg, { bars, yLabel, thresholds = [], aspect = 2.2, yFormat, minY = 0, maxY = null }) {
  const values = bars.map((b) => b.value).concat(thresholds.map((t) => t.value));
  let [, hi] = extent(values, { includeZero: true });
  if (maxY !== null) hi = Math.max(hi, maxY);
  const plot = frame(svg, { aspect, x: [0, Math.max(1, bars.length)], y: [minY, hi], yLabel, yFormat });
  const slot = (plot.right - plot.left) / Math.max(1, bars.length);
  const barWidth = Math.min(slot * 0.78, 140);
  const fontPx = Math.max(11, Math.min(28, barWidth * 0.3));
  bars.forEach((bar, i) => {
    const cx = plot.left + slot * (i + 0.5);
    const measured = Number.isFinite(bar.value);
    const top = measured ? plot.y(Math.max(bar.value, minY)) : plot.bottom - 12;
    const rect = node("rect", {
      x: cx - barWidth / 2,
      y: top,
      width: barWidth,
      height: Math.max(2, plot.bottom - top),
      rx: 4,
      fill: bar.failed || !measured ? plot.hatch : bar.color,
      class: (bar.failed || !measured ? "bar failed" : "bar") + (bar.provisional ? " provisional" : ""),
      "data-index": i,
    });
    if (bar.title) rect.append(node("title", {}, bar.title));
    plot.root.append(rect);
    if (measured && bar.text) {
      plot.root.append(node("text", { class: "bar-label", x: cx, y: top - 6, "text-anchor": "middle", "font-size": fontPx }, bar.text));
    }
    plot.root.append(node("text", { x: cx, y: plot.bottom + 18, "text-anchor": "middle" }, bar.label));
  });
  thresholdLines(plot, thresholds);
  return plot;
}

/**
 * A line over categories or numbers: points = [{x, y, color, title}] (y null = gap), xTicks =
 * [{value, label}]; `connect: false` draws the points only.
 */
export function drawLine(svg, { points, yLabel, xLabel, thresholds = [], aspect = 2.2, yRange = null, xRange = null, xTicks = [], yFormat, connect = true }) {
  const xs = points.map((p) => p.x);
  const x = xRange ?? extent(xs, { pad: 0.05 });
  const y = yRange ?? extent(points.map((p) => p.y).concat(thresholds.map((t) => t.value)), { includeZero: true });
  const plot = frame(svg, {
    aspect, x, y, xLabel, yLabel, yFormat,
    xTicks: xTicks.map((t) => t.value),
    xFormat: (v) => xTicks.find((t) => t.value === v)?.label ?? String(v),
  });
  thresholdLines(plot, thresholds);
  let d = "";
  let pen = false;
  for (const p of points) {
    if (!Number.isFinite(p.y)) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${plot.x(p.x).toFixed(1)},${plot.y(p.y).toFixed(1)}`;
    pen = true;
  }
  if (d && connect) plot.root.append(node("path", { class: "series", d }));
  for (const p of points) {
    if (!Number.isFinite(p.y)) continue;
    const dot = node("circle", { cx: plot.x(p.x), cy: plot.y(p.y), r: 5, fill: p.color ?? "#58a6ff", class: "point" });
    if (p.title) dot.append(node("title", {}, p.title));
    plot.root.append(dot);
  }
  return plot;
}

/**
 * Scatter with an optional straight line: points = [{x, y, color, title}], line = {slope, intercept}.
 */
export function drawScatter(svg, { points, line = null, xLabel, yLabel, aspect = 1.6, xFormat, yFormat, xTicks = null }) {
  const x = extent(points.map((p) => p.x), { pad: 0.1 });
  const y = extent(points.map((p) => p.y), { pad: 0.15 });
  const plot = frame(svg, { aspect, x, y, xLabel, yLabel, xTicks: xTicks ?? niceTicks(x[0], x[1], 6), xFormat, yFormat });
  if (line) {
    const y0 = line.intercept + line.slope * x[0];
    const y1 = line.intercept + line.slope * x[1];
    // clip the line to the plotted y range
    const clip = node("clipPath", { id: `clip-${Math.random().toString(36).slice(2)}` });
    clip.append(node("rect", { x: plot.left, y: plot.top, width: plot.right - plot.left, height: plot.bottom - plot.top }));
    plot.root.append(clip);
    plot.root.append(node("line", { class: "fit", x1: plot.x(x[0]), y1: plot.y(y0), x2: plot.x(x[1]), y2: plot.y(y1), "clip-path": `url(#${clip.id})` }));
  }
  for (const p of points) {
    const dot = node("circle", { cx: plot.x(p.x), cy: plot.y(p.y), r: 6, fill: p.color ?? "#58a6ff", stroke: "#0d1117", "stroke-width": 1.5, class: "point" });
    if (p.title) dot.append(node("title", {}, p.title));
    plot.root.append(dot);
  }
  return plot;
}

/** Call `draw` now and whenever `element` changes width. */
export function redrawOnResize(element, draw) {
  let width = 0;
  const observer = new ResizeObserver(() => {
    const now = element.clientWidth;
    if (Math.abs(now - width) > 2) {
      width = now;
      draw();
    }
  });
  observer.observe(element);
  draw();
  return observer;
}
