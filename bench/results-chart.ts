// Draws bench/results.svg by hand: throughput and p99 latency against concurrency for the
// LOCAL votes and challenges of one run, signer beside baseline.
import { writeFileSync } from 'node:fs';

import type { LoadScenario, RunResults, SweepKind } from './results-model.js';

const PANEL_WIDTH = 440;
const PANEL_HEIGHT = 260;
const MARGIN = { left: 70, right: 20, top: 40, bottom: 50 };
const SERIES = [
  { name: 'signer', color: '#1f77b4', dash: '' },
  { name: 'baseline', color: '#ff7f0e', dash: '6 4' },
] as const;

interface Point {
  readonly connections: number;
  readonly value: number;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Returns a step of 1, 2 or 5 × 10^n that splits [0, max] into about five intervals. */
function tickStep(max: number): number {
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const steps = [1, 2, 5, 10].map((factor) => factor * power);
  return steps.find((step) => step >= rough) ?? 10 * power;
}

function formatTick(value: number): string {
  if (value >= 1000) return `${value / 1000}k`;
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function panel(title: string, unit: string, series: Point[][], originX: number, originY: number): string {
  const width = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const height = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const left = originX + MARGIN.left;
  const top = originY + MARGIN.top;
  const connections = [...new Set(series.flat().map((point) => point.connections))].sort((a, b) => a - b);
  const maxValue = Math.max(...series.flat().map((point) => point.value), 0);
  const step = tickStep(maxValue > 0 ? maxValue : 1);
  const yMax = Math.ceil((maxValue * 1.05) / step) * step || step;

  // Concurrency is spaced by its logarithm, so 1, 4, 16 and 64 sit at equal distances.
  const logMin = Math.log2(connections[0] ?? 1);
  const logMax = Math.log2(connections[connections.length - 1] ?? 2);
  const x = (value: number): number => left + (logMax === logMin ? width / 2 : ((Math.log2(value) - logMin) / (logMax - logMin)) * width);
  const y = (value: number): number => top + height - (value / yMax) * height;

  const parts: string[] = [];
  parts.push(`<text x="${left + width / 2}" y="${originY + 22}" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  for (let value = 0; value <= yMax + step / 2; value += step) {
    parts.push(`<line x1="${left}" x2="${left + width}" y1="${y(value)}" y2="${y(value)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 8}" y="${y(value) + 4}" text-anchor="end" font-size="12">${formatTick(value)}</text>`);
  }
  for (const value of connections) {
    parts.push(`<line x1="${x(value)}" x2="${x(value)}" y1="${top + height}" y2="${top + height + 5}" stroke="#333"/>`);
    parts.push(`<text x="${x(value)}" y="${top + height + 20}" text-anchor="middle" font-size="12">${value}</text>`);
  }
  parts.push(`<line x1="${left}" x2="${left + width}" y1="${top + height}" y2="${top + height}" stroke="#333"/>`);
  parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${top + height}" stroke="#333"/>`);
  parts.push(`<text x="${left + width / 2}" y="${top + height + 40}" text-anchor="middle" font-size="12">concurrency (connections)</text>`);
  parts.push(
    `<text transform="translate(${originX + 18} ${top + height / 2}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(unit)}</text>`,
  );

  series.forEach((points, index) => {
    const style = SERIES[index];
    if (style === undefined || points.length === 0) return;
    const path = points.map((point) => `${x(point.connections).toFixed(1)},${y(point.value).toFixed(1)}`).join(' ');
    const dash = style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`;
    parts.push(`<polyline points="${path}" fill="none" stroke="${style.color}" stroke-width="2"${dash}/>`);
    for (const point of points) {
      parts.push(`<circle cx="${x(point.connections).toFixed(1)}" cy="${y(point.value).toFixed(1)}" r="3.5" fill="${style.color}"/>`);
    }
  });
  return parts.join('\n');
}

function pointsOf(scenarios: LoadScenario[], kind: SweepKind, read: (scenario: LoadScenario) => number | undefined): Point[] {
  return scenarios
    .filter((scenario) => scenario.sweep?.kind === kind)
    .map((scenario) => ({ connections: scenario.sweep?.connections ?? 0, value: read(scenario) ?? Number.NaN }))
    .filter((point) => Number.isFinite(point.value));
}

/** Writes the chart of `results` to `path`. */
export function writeResultsChart(path: string, results: RunResults): void {
  const scenarios = results.loadScenarios;
  const width = PANEL_WIDTH * 2;
  const legendHeight = 60;
  const height = PANEL_HEIGHT * 2 + legendHeight;

  const panels: string[] = [];
  (['votes', 'challenges'] as const).forEach((kind, row) => {
    const originY = legendHeight + row * PANEL_HEIGHT;
    panels.push(
      panel(
        `LOCAL ${kind}: throughput`,
        'requests per second',
        [pointsOf(scenarios, kind, (scenario) => scenario.signer.requestsPerSecond), pointsOf(scenarios, kind, (scenario) => scenario.baseline?.requestsPerSecond)],
        0,
        originY,
      ),
    );
    panels.push(
      panel(
        `LOCAL ${kind}: p99 latency`,
        'milliseconds',
        [pointsOf(scenarios, kind, (scenario) => scenario.signer.p99Ms), pointsOf(scenarios, kind, (scenario) => scenario.baseline?.p99Ms)],
        PANEL_WIDTH,
        originY,
      ),
    );
  });

  const legend = SERIES.map((style, index) => {
    const x = 200 + index * 280;
    const dash = style.dash === '' ? '' : ` stroke-dasharray="${style.dash}"`;
    const label = style.name === 'signer' ? 'signer (node dist/main.js)' : 'baseline (bare node:http)';
    return (
      `<line x1="${x}" x2="${x + 30}" y1="44" y2="44" stroke="${style.color}" stroke-width="2"${dash}/>` +
      `<text x="${x + 38}" y="48" font-size="13">${label}</text>`
    );
  }).join('\n');

  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="22" text-anchor="middle" font-size="16" font-weight="bold">atto-signer benchmark, ${escapeXml(results.date)} UTC, ${escapeXml(results.commit)}</text>
${legend}
${panels.join('\n')}
</svg>
`;
  writeFileSync(path, svg);
}
