// A small inline-SVG line chart for the insight page: lines over the window's steps on one scale
// from zero, a gap where a step has no value, a dashed line for a target. Written by hand like the
// drift page's histograms: a chart library would be the page's only dependency. Pure.
import { escapeHtml, formatFigure } from '../render/html';

/** One line of a chart. */
export interface ChartLine {
  name: string;
  color: string;
  values: (number | null)[];
  dashed?: boolean;
}

const WIDTH = 640;
const HEIGHT = 180;
const LEFT = 48;
const RIGHT = 12;
const TOP = 10;

/** Returns an SVG of `lines` over the steps starting at `startsMs`, its y axis in `unit`. */
export function lineChartSvg(
  title: string,
  unit: string,
  startsMs: number[],
  lines: ChartLine[],
): string {
  const n = Math.max(startsMs.length, 1);
  const all = lines
    .flatMap((l) => l.values)
    .filter((v): v is number => v !== null && Number.isFinite(v));
  const top = niceCeil(Math.max(...all, 0) * 1.05);
  const x = (i: number) => LEFT + (n === 1 ? 0 : (i / (n - 1)) * (WIDTH - LEFT - RIGHT));
  const y = (v: number) => TOP + (1 - v / top) * (HEIGHT - TOP);
  const grid = [0, 0.5, 1]
    .map((t) => {
      const v = top * t;
      return `<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eaeef2"/><text x="${LEFT - 4}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${formatFigure(v)}</text>`;
    })
    .join('');
  const ticks = [0, Math.floor((n - 1) / 2), n - 1]
    .filter((i, k, a) => a.indexOf(i) === k && startsMs[i] !== undefined)
    .map(
      (i) =>
        `<text x="${x(i).toFixed(1)}" y="${HEIGHT + 16}" text-anchor="middle">${new Date(startsMs[i] as number).toISOString().slice(11, 16)}</text>`,
    )
    .join('');
  const paths = lines
    .map((l) => {
      let d = '';
      let pen = false;
      l.values.forEach((v, i) => {
        if (v === null || !Number.isFinite(v)) {
          pen = false;
          return;
        }
        d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)} ${y(v).toFixed(1)}`;
        pen = true;
      });
      return d === ''
        ? ''
        : `<path d="${d}" fill="none" stroke="${l.color}" stroke-width="2"${l.dashed === true ? ' stroke-dasharray="6 4"' : ''}><title>${escapeHtml(l.name)}</title></path>`;
    })
    .join('\n');
  const legend = lines
    .map((l) => `<span style="background:${l.color}"></span>${escapeHtml(l.name)}`)
    .join('');
  return `<figure>
<figcaption>${escapeHtml(title)} <small>(${escapeHtml(unit)})</small></figcaption>
<p class="legend">${legend}</p>
<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${WIDTH}" height="${HEIGHT + 24}" viewBox="0 0 ${WIDTH} ${HEIGHT + 24}" aria-label="${escapeHtml(title)}">
${grid}
<line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${HEIGHT}" y2="${HEIGHT}" stroke="#8c959f"/>
${ticks}
${paths}
</svg>
</figure>`;
}

// The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k at or above `v`: round axis labels.
function niceCeil(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  const m = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find(
    (k) => k * p >= v * (1 - 1e-12),
  ) as number;
  return m * p;
}
