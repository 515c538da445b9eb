// histogram.js: an SVG histogram of incidents over time with a brush.
// Bars are placed on a time axis, so empty periods show as gaps; dragging
// across the chart selects whole buckets and reports [from, to] dates.

const NS = 'http://www.w3.org/2000/svg';
const W = 300; // viewBox units; the SVG stretches to the panel width
const H = 80;
const AXIS = 14; // room for the year labels under the bars
const DAY = 86400000;

function svgEl(tag, attrs = {}) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

// parseDay turns YYYY-MM-DD into a UTC timestamp (ms).
export function parseDay(s) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(s ?? ''));
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
}

// formatDay turns a UTC timestamp into YYYY-MM-DD.
export function formatDay(t) {
  return new Date(t).toISOString().slice(0, 10);
}

// bucketEnd returns the last day (inclusive) of the bucket starting at
// date for interval day|week|month.
export function bucketEnd(date, interval) {
  const t = parseDay(date);
  if (interval === 'day') return formatDay(t);
  if (interval === 'week') return formatDay(t + 6 * DAY);
  const d = new Date(t);
  return formatDay(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - DAY);
}

// chooseInterval picks a bucket size giving a readable number of bars for
// the span between the first and last bucket dates.
export function chooseInterval(first, last) {
  const days = (parseDay(last) - parseDay(first)) / DAY;
  if (!(days >= 0)) return 'month';
  if (days <= 60) return 'day';
  if (days <= 365) return 'week';
  return 'month';
}

// Histogram draws buckets into svg and calls onBrush(from, to) when the
// user selects a range by dragging or clicking.
export class Histogram {
  constructor(svg, { onBrush }) {
    this.svg = svg;
    this.onBrush = onBrush;
    this.buckets = [];
    this.interval = 'month';
    this.selection = null;
    svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
    this.bars = svgEl('g', { class: 'bars' });
    this.axis = svgEl('g', { class: 'axis' });
    this.brush = svgEl('rect', { class: 'brush', x: 0, y: 0, width: 0, height: H - AXIS, visibility: 'hidden' });
    svg.append(this.bars, this.axis, this.brush);
    this.drag = null;
    svg.addEventListener('pointerdown', (e) => this.#down(e));
    svg.addEventListener('pointermove', (e) => this.#move(e));
    svg.addEventListener('pointerup', (e) => this.#up(e));
    svg.addEventListener('pointercancel', () => { this.drag = null; this.#drawSelection(); });
  }

  // setData replaces the buckets ({date, count}, sorted or not).
  setData(buckets, interval) {
    this.interval = interval;
    this.buckets = buckets.filter((b) => !Number.isNaN(parseDay(b.date)))
      .sort((a, b) => (a.date < b.date ? -1 : 1));
    if (this.buckets.length) {
      this.t0 = parseDay(this.buckets[0].date);
      this.t1 = parseDay(bucketEnd(this.buckets[this.buckets.length - 1].date, interval)) + DAY;
    }
    this.#draw();
  }

  // setSelection shows [from, to] (either may be '') as the brush.
  setSelection(from, to) {
    this.selection = from || to ? { from, to } : null;
    this.#drawSelection();
  }

  #x(t) {
    return ((t - this.t0) / (this.t1 - this.t0)) * W;
  }

  #t(clientX) {
    const r = this.svg.getBoundingClientRect();
    const x = Math.min(Math.max((clientX - r.left) / r.width, 0), 1);
    return this.t0 + x * (this.t1 - this.t0);
  }

  // #bucketAt returns the bucket whose period contains t, or the nearest.
  #bucketAt(t) {
    let best = this.buckets[0];
    for (const b of this.buckets) {
      if (parseDay(b.date) <= t) best = b;
      else break;
    }
    return best;
  }

  #draw() {
    this.bars.replaceChildren();
    this.axis.replaceChildren();
    if (!this.buckets.length) return;
    const max = Math.max(...this.buckets.map((b) => b.count), 1);
    const h = H - AXIS;
    for (const b of this.buckets) {
      const x0 = this.#x(parseDay(b.date));
      const x1 = this.#x(parseDay(bucketEnd(b.date, this.interval)) + DAY);
      const bh = Math.max((b.count / max) * (h - 2), b.count > 0 ? 1 : 0);
      const rect = svgEl('rect', {
        x: x0, y: h - bh, width: Math.max(x1 - x0 - 0.3, 0.6), height: bh,
        'data-date': b.date, 'data-count': b.count,
      });
      const title = svgEl('title');
      title.textContent = `${b.date}: ${b.count}`;
      rect.append(title);
      this.bars.append(rect);
    }
    const y0 = new Date(this.t0).getUTCFullYear();
    const y1 = new Date(this.t1 - DAY).getUTCFullYear();
    const step = Math.max(1, Math.ceil((y1 - y0 + 1) / 6));
    for (let y = y0; y <= y1; y += step) {
      const x = Math.max(this.#x(Date.UTC(y, 0, 1)), 0);
      const text = svgEl('text', { x: x + 1, y: H - 2 });
      text.textContent = String(y);
      this.axis.append(svgEl('line', { x1: x, x2: x, y1: h, y2: h + 3 }), text);
    }
    if (y0 === y1) {
      const text = svgEl('text', { x: W - 1, y: H - 2, 'text-anchor': 'end' });
      text.textContent = formatDay(this.t1 - DAY);
      this.axis.append(text);
    }
    this.#drawSelection();
  }

  #drawSelection() {
    let a;
    let b;
    if (this.drag) {
      a = Math.min(this.drag.a, this.drag.b);
      b = Math.max(this.drag.a, this.drag.b);
    } else if (this.selection && this.buckets.length) {
      a = this.selection.from ? parseDay(this.selection.from) : this.t0;
      b = this.selection.to ? parseDay(this.selection.to) + DAY : this.t1;
    } else {
      this.brush.setAttribute('visibility', 'hidden');
      return;
    }
    const x0 = Math.max(this.#x(a), 0);
    const x1 = Math.min(this.#x(b), W);
    this.brush.setAttribute('x', x0);
    this.brush.setAttribute('width', Math.max(x1 - x0, 0));
    this.brush.setAttribute('visibility', 'visible');
  }

  #down(e) {
    if (!this.buckets.length || e.button !== 0) return;
    this.svg.setPointerCapture?.(e.pointerId);
    const t = this.#t(e.clientX);
    this.drag = { a: t, b: t };
    this.#drawSelection();
  }

  #move(e) {
    if (!this.drag) return;
    this.drag.b = this.#t(e.clientX);
    this.#drawSelection();
  }

  #up(e) {
    if (!this.drag) return;
    this.drag.b = this.#t(e.clientX);
    const lo = this.#bucketAt(Math.min(this.drag.a, this.drag.b));
    const hi = this.#bucketAt(Math.max(this.drag.a, this.drag.b));
    this.drag = null;
    const from = lo.date;
    const to = bucketEnd(hi.date, this.interval);
    this.setSelection(from, to);
    this.onBrush(from, to);
  }
}
