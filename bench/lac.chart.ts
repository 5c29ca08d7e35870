// The lac bench as a picture for docs/benchmarks.md: throughput and p99 latency against concurrency, for our
// layouts and the peer, with the in-process limit as dashed lines. Plain SVG written here (no chart library):
// two panels, shared legend, log-scaled concurrency axis.

import { limitLabel, type LacResults } from './lac.report.js';

const WIDTH = 900;
const HEIGHT = 420;
const PANEL = { width: 360, height: 230, top: 60, left: [80, 530] };
const COLOURS = ['#0072B2', '#009E73', '#D55E00', '#CC79A7'];
const LIMIT_COLOURS = ['#999999', '#444444', '#bbbbbb'];

interface Series {
  label: string;
  colour: string;
  /** [concurrency, value] */
  points: [number, number][];
  /** A value that does not depend on concurrency, drawn as a dashed line across the panel. */
  level?: number;
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fixed = (v: number) => Number(v.toFixed(1));

/** An axis top a little above `max` on a 1, 2, 2.5, 5 x 10^n step, with the step. */
function niceScale(max: number): { top: number; step: number } {
  const rough = Math.max(max, 1e-9) / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  return { top: step * Math.ceil((max * 1.05) / step), step };
}

const tickLabel = (v: number) => (v >= 1000 ? v.toLocaleString('en-US') : String(Number(v.toPrecision(3))));

function panel(left: number, title: string, unit: string, series: Series[], concurrencies: number[]): string {
  const { width, height, top } = PANEL;
  const values = series.flatMap((s) => [...s.points.map((p) => p[1]), ...(s.level === undefined ? [] : [s.level])]);
  const { top: yTop, step } = niceScale(Math.max(...values, 0));
  const lo = Math.log2(Math.min(...concurrencies));
  const hi = Math.log2(Math.max(...concurrencies));
  const x = (c: number) => fixed(left + 20 + ((Math.log2(c) - lo) / Math.max(hi - lo, 1)) * (width - 40));
  const y = (v: number) => fixed(top + height - (v / yTop) * height);
  const out: string[] = [`<text x="${left}" y="${top - 22}" class="title">${escape(title)}</text>`];
  for (let v = 0; v <= yTop + 1e-9; v += step) {
    out.push(`<line x1="${left}" x2="${left + width}" y1="${y(v)}" y2="${y(v)}" class="grid"/>`,
      `<text x="${left - 8}" y="${y(v) + 4}" class="tick" text-anchor="end">${tickLabel(v)}</text>`);
  }
  out.push(`<text transform="translate(${left - 58} ${top + height / 2}) rotate(-90)" class="axis" text-anchor="middle">${escape(unit)}</text>`);
  for (const c of concurrencies) {
    out.push(`<line x1="${x(c)}" x2="${x(c)}" y1="${top + height}" y2="${top + height + 5}" class="axisline"/>`,
      `<text x="${x(c)}" y="${top + height + 20}" class="tick" text-anchor="middle">${c}</text>`);
  }
  out.push(`<line x1="${left}" x2="${left + width}" y1="${top + height}" y2="${top + height}" class="axisline"/>`,
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + height}" class="axisline"/>`,
    `<text x="${left + width / 2}" y="${top + height + 40}" class="axis" text-anchor="middle">concurrent connections (log scale)</text>`);
  for (const s of series) {
    if (s.level !== undefined) {
      out.push(`<line x1="${left}" x2="${left + width}" y1="${y(s.level)}" y2="${y(s.level)}" stroke="${s.colour}" class="level"/>`);
      continue;
    }
    const path = s.points.map(([c, v], i) => `${i ? 'L' : 'M'}${x(c)} ${y(v)}`).join(' ');
    out.push(`<path d="${path}" stroke="${s.colour}" class="series"/>`,
      ...s.points.map(([c, v]) => `<circle cx="${x(c)}" cy="${y(v)}" r="4" fill="${s.colour}"/>`));
  }
  return out.join('\n');
}

function legend(series: Series[]): string {
  const top = HEIGHT - 56;
  const columns = 3;
  const columnWidth = (WIDTH - 80) / columns;
  return series.map((s, i) => {
    const x = 80 + (i % columns) * columnWidth;
    const y = top + Math.floor(i / columns) * 18;
    const mark = s.level !== undefined
      ? `<line x1="${x}" x2="${x + 24}" y1="${y}" y2="${y}" stroke="${s.colour}" class="level"/>`
      : `<line x1="${x}" x2="${x + 24}" y1="${y}" y2="${y}" stroke="${s.colour}" class="series"/><circle cx="${x + 12}" cy="${y}" r="4" fill="${s.colour}"/>`;
    return `${mark}<text x="${x + 32}" y="${y + 4}" class="legend">${escape(s.label)}</text>`;
  }).join('\n');
}

/** The chart of one lac results file, as an SVG document. */
export function lacChartSvg(results: LacResults): string {
  const targets = results.targets.filter((t) => t.status === 'ok' && t.runs.length > 0);
  const limits = results.limit.status === 'ok' ? results.limit.runs : [];
  const pick = (value: (r: LacResults['targets'][number]['runs'][number]) => number, limitValue: (l: LacResults['limit']['runs'][number]) => number): Series[] => [
    ...targets.map((t, i) => ({ label: t.label, colour: COLOURS[i % COLOURS.length]!, points: t.runs.map((r) => [r.connections, value(r)] as [number, number]) })),
    ...limits.map((l, i) => ({ label: limitLabel(l), colour: LIMIT_COLOURS[i % LIMIT_COLOURS.length]!, points: [], level: limitValue(l) })),
  ];
  const throughput = pick((r) => r.rps, (l) => l.callsPerSecond);
  const p99 = pick((r) => r.p99Ms, (l) => l.p99Ms);
  const concurrencies = results.method.concurrencies;
  const m = results.machine;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    '<style>.title{font-size:15px;font-weight:bold}.tick{font-size:12px;fill:#333}.axis{font-size:12px;fill:#333}' +
      '.legend{font-size:12px;fill:#222}.grid{stroke:#e5e5e5}.axisline{stroke:#333}.series{fill:none;stroke-width:2}' +
      '.level{stroke-width:2;stroke-dasharray:6 4}.note{font-size:11px;fill:#666}</style>',
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    panel(PANEL.left[0]!, 'Throughput (higher is better)', 'answers per second (req/s)', throughput, concurrencies),
    panel(PANEL.left[1]!, 'p99 latency (lower is better)', 'milliseconds', p99, concurrencies),
    legend(throughput),
    `<text x="80" y="${HEIGHT - 8}" class="note">${escape(`lac, ${m.date.slice(0, 10)}${m.commit ? `, ${m.commit}` : ''}, ${m.cores} cores; dashed: the model in-process, no HTTP (a call = 32 requests' texts; p99 of a call)`)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
