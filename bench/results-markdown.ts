// Writes bench/RESULTS.md: how to read it, the targets checked against the latest run, and
// the results table, which keeps the rows of earlier runs and gains one row per scenario.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

import { median, type LoadScenario, type RunResults, type ServerFigures } from './results-model.js';

/** The targets, with the goal each is checked against. */
export const TARGETS = {
  throughputRatio: 0.8,
  halfPeakP99Ms: 5,
  cpuRatio: 1.25,
  idleRssMb: 70,
  loadRssMb: 120,
  kmsRequestsPerSecond: 1280,
  startToReadyMs: 500,
} as const;

export interface TargetCheck {
  readonly target: string;
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean;
}

const RESULTS_HEADER =
  '| date (UTC) | commit | scenario | req/s | p50 ms | p99 ms | p99.9 ms | CPU ms per 1000 | RSS idle MB | RSS peak MB | failures | notes |';
const RESULTS_RULE = '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|';
const RESULTS_HEADING = '## Results';

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function whole(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

/** Formats a figure of the signer, followed by `(×signer/baseline)` when the baseline has one. */
function withRatio(signer: number, baseline: number | undefined, format: (value: number) => string): string {
  if (baseline === undefined || baseline === 0) return format(signer);
  return `${format(signer)} (×${fixed(signer / baseline, 2)})`;
}

function isLocalSweep(scenario: LoadScenario): boolean {
  return scenario.sweep !== undefined;
}

/** Checks the latest run against each target. */
export function checkTargets(results: RunResults): TargetCheck[] {
  const votes = results.loadScenarios.filter((scenario) => scenario.sweep?.kind === 'votes');
  const localSweep = results.loadScenarios.filter(isLocalSweep);

  const throughputRatios = votes.map((scenario) => ({
    connections: scenario.sweep?.connections ?? 0,
    ratio: scenario.signer.requestsPerSecond / (scenario.baseline?.requestsPerSecond ?? Number.NaN),
  }));
  const worstThroughput = throughputRatios.reduce((worst, entry) => (entry.ratio < worst.ratio ? entry : worst));

  const cpuRatios = localSweep.map((scenario) => ({
    name: scenario.name,
    ratio: scenario.signer.cpuMsPer1000 / (scenario.baseline?.cpuMsPer1000 ?? Number.NaN),
  }));
  const worstCpu = cpuRatios.reduce((worst, entry) => (entry.ratio > worst.ratio ? entry : worst));

  const localScenarios = [...localSweep, results.halfPeak];
  const idleRss = Math.max(...localScenarios.map((scenario) => scenario.signer.idleRssMb));
  const loadRss = Math.max(...localScenarios.map((scenario) => scenario.signer.peakRssMb));
  const startMedian = median(results.startTimes.signerMs);

  return [
    {
      target: 'LOCAL votes throughput ÷ baseline, at every concurrency',
      goal: `≥ ${fixed(TARGETS.throughputRatio, 2)}`,
      measured: `${throughputRatios.map((entry) => `c${entry.connections} ${fixed(entry.ratio, 2)}`).join(', ')}`,
      met: worstThroughput.ratio >= TARGETS.throughputRatio,
    },
    {
      target: 'LOCAL votes p99 at half the peak rate',
      goal: `≤ ${TARGETS.halfPeakP99Ms} ms`,
      measured: `${fixed(results.halfPeak.signer.p99Ms, 2)} ms at ${whole(results.halfPeak.signer.requestsPerSecond)} req/s`,
      met: results.halfPeak.signer.p99Ms <= TARGETS.halfPeakP99Ms,
    },
    {
      target: 'LOCAL CPU per signature ÷ baseline, worst sweep scenario',
      goal: `≤ ${fixed(TARGETS.cpuRatio, 2)}`,
      measured: `${fixed(worstCpu.ratio, 2)} (${worstCpu.name})`,
      met: worstCpu.ratio <= TARGETS.cpuRatio,
    },
    {
      target: 'LOCAL signer RSS idle',
      goal: `≤ ${TARGETS.idleRssMb} MB`,
      measured: `${fixed(idleRss, 1)} MB`,
      met: idleRss <= TARGETS.idleRssMb,
    },
    {
      target: 'LOCAL signer RSS under load (peak over the LOCAL scenarios)',
      goal: `≤ ${TARGETS.loadRssMb} MB`,
      measured: `${fixed(loadRss, 1)} MB`,
      met: loadRss <= TARGETS.loadRssMb,
    },
    {
      target: 'fake KMS at 20 ms, concurrency 32',
      goal: `≥ ${whole(TARGETS.kmsRequestsPerSecond)} signatures/s`,
      measured: `${whole(results.kms.signer.requestsPerSecond)} signatures/s`,
      met: results.kms.signer.requestsPerSecond >= TARGETS.kmsRequestsPerSecond,
    },
    {
      target: 'LOCAL process start to ready (median)',
      goal: `≤ ${TARGETS.startToReadyMs} ms`,
      measured: `${fixed(startMedian, 0)} ms`,
      met: startMedian <= TARGETS.startToReadyMs,
    },
  ];
}

function loadRow(results: RunResults, scenario: LoadScenario): string {
  const signer = scenario.signer;
  const baseline: ServerFigures | undefined = scenario.baseline;
  const ms = (value: number): string => fixed(value, 2);
  const cells = [
    results.date,
    results.commit,
    scenario.name,
    withRatio(signer.requestsPerSecond, baseline?.requestsPerSecond, whole),
    withRatio(signer.p50Ms, baseline?.p50Ms, ms),
    withRatio(signer.p99Ms, baseline?.p99Ms, ms),
    withRatio(signer.p999Ms, baseline?.p999Ms, ms),
    withRatio(signer.cpuMsPer1000, baseline?.cpuMsPer1000, (value) => fixed(value, 0)),
    withRatio(signer.idleRssMb, baseline?.idleRssMb, (value) => fixed(value, 0)),
    withRatio(signer.peakRssMb, baseline?.peakRssMb, (value) => fixed(value, 0)),
    String(signer.failures + (baseline?.failures ?? 0)),
    [...scenario.notes, ...(results.peakRssResetWorked ? [] : ['RSS peak covers the whole process life'])].join('; '),
  ];
  return `| ${cells.join(' | ')} |`;
}

function stormRow(results: RunResults): string {
  const storm = results.storm;
  const requests = storm.rounds * storm.requestsPerRound;
  const perCall = storm.backendCalls === 0 ? Number.NaN : storm.okResponses / storm.backendCalls;
  const note =
    `${storm.rounds} rounds of one vote sent ${storm.requestsPerRound} times within 100 ms: ` +
    `${storm.okResponses} of ${requests} requests signed with ${storm.backendCalls} backend calls ` +
    `(${fixed(perCall, 1)} requests per call; ${storm.coalescedInFlight} shared a call in flight, ` +
    `${storm.coalescedFromCache} from the cache); identical signatures in ${storm.consistentRounds} of ${storm.rounds} rounds`;
  const cells = [results.date, results.commit, 'retry storm, fake KMS 20 ms', '', '', '', '', '', '', '', String(requests - storm.okResponses), note];
  return `| ${cells.join(' | ')} |`;
}

function startRow(results: RunResults): string {
  const { signerMs, baselineMs } = results.startTimes;
  const signerMedian = median(signerMs);
  const baselineMedian = median(baselineMs);
  const note =
    `median ${fixed(signerMedian, 0)} ms (×${fixed(signerMedian / baselineMedian, 2)}), ` +
    `runs ${signerMs.map((value) => fixed(value, 0)).join(', ')} ms; baseline runs ${baselineMs.map((value) => fixed(value, 0)).join(', ')} ms`;
  const cells = [results.date, results.commit, 'LOCAL start to ready', '', '', '', '', '', '', '', '0', note];
  return `| ${cells.join(' | ')} |`;
}

/** Returns the result rows of the run, in the order they are appended. */
export function resultRows(results: RunResults): string[] {
  return [
    ...results.loadScenarios.map((scenario) => loadRow(results, scenario)),
    loadRow(results, results.halfPeak),
    loadRow(results, results.kms),
    stormRow(results),
    startRow(results),
  ];
}

/** Returns the rows of the results table already in `path`. */
function existingRows(path: string): string[] {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf(RESULTS_HEADING);
  if (start === -1) return [];
  return text
    .slice(start)
    .split('\n')
    .filter((line) => line.startsWith('| ') && line !== RESULTS_HEADER);
}

function introduction(): string {
  return `# Benchmark results

\`npm run bench\` builds the signer, runs every scenario below and adds one row per scenario to
the results table. \`bench/results.svg\` draws the latest run's LOCAL sweep. The script is
\`bench/run-bench.ts\`, and a run takes about two and a half minutes on a 2-core machine.
\`npm run bench -- --cpu-prof\` profiles the signer and the baseline instead, and
\`npm run bench -- --only local|kms|start\` runs one group of scenarios. Neither writes here.

## How to read it

- **Signer and baseline.** The signer is the built service (\`node dist/main.js\`). The baseline
  is \`bench/baseline-server.ts\`: a bare \`node:http\` server that checks the token, parses,
  hashes and signs with the same code from \`dist/\` and Node's Ed25519, with no framework,
  queue, breaker, metrics or logs. Both run as separate \`node\` processes in the same run.
- **Cells.** Each figure is the signer's, followed by \`(×signer ÷ baseline)\` from the same run
  where the baseline has that scenario. Higher is better for req/s and lower for the rest.
- **Noise.** The machine has 2 shared cores, and the load generator (autocannon in the bench
  process) shares them with the server under test. Absolute figures move by tens of percent
  between runs, so compare ratios within a run, not absolute figures across runs.
- **Load.** Keep-alive connections with one request in flight each, so concurrency \`cN\` is N
  connections. Every request carries a message that no other request in the run has, so the
  signer's signature cache and in-flight sharing never answer it, except in the retry storm.
  Each run is 5 s after a 1 s warm-up. Latency is from autocannon's send to the last response
  byte, in milliseconds.
- **CPU** is user plus system time of the server process (\`/proc/<pid>/stat\`, in clock ticks of
  \`getconf CLK_TCK\`) over the run, per 1000 successful responses. **RSS idle** is VmRSS once
  the process is ready and before any load, and **RSS peak** is VmHWM over that scenario (the
  peak is reset through \`/proc/<pid>/clear_refs\` before each scenario).
- **Half peak.** autocannon's \`overallRate\` gives each connection its share of the rate per
  one-second window, and a connection sends its share back to back from the start of each
  window. So the load arrives in bursts of up to 4 requests in flight, then idles, and is not
  spread evenly over the second.
- **Fake KMS.** The fake Cloud KMS of the tests, with 20 ms added to each call, runs in its own
  process. The baseline has no KMS backend, so the KMS rows have no ratio. The ideal throughput
  at concurrency 32 is 32 ÷ 20 ms = 1,600 signatures/s.
- **Commit.** \`-dirty\` marks a run whose \`src/\` or package files differed from that commit.
`;
}

function targetsSection(results: RunResults, checks: TargetCheck[]): string {
  const rows = checks.map((check) => `| ${check.target} | ${check.goal} | ${check.measured} | ${check.met ? 'met' : '**missed**'} |`);
  return `## Targets

Checked against the latest run (${results.date}, ${results.commit}). These are goals to report,
not test assertions.

| target | goal | latest run | status |
|---|---|---|---|
${rows.join('\n')}
`;
}

/** Rewrites `path` with the introduction, the targets and every result row, old and new. */
export function writeResultsMarkdown(path: string, results: RunResults): TargetCheck[] {
  const checks = checkTargets(results);
  const rows = [...existingRows(path), ...resultRows(results)];
  const text = `${introduction()}
${targetsSection(results, checks)}
${RESULTS_HEADING}

${RESULTS_HEADER}
${RESULTS_RULE}
${rows.join('\n')}
`;
  writeFileSync(path, text);
  return checks;
}
