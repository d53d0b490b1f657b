// `npm run bench`: measures the built signer against a bare baseline server in one run and
// appends the figures to bench/RESULTS.md. All load goes to processes this script starts on
// 127.0.0.1, and every load run is bounded in time. See RESULTS.md for how to read the output.
//
// Options, none of which writes results: --quick runs each load for 1 s, for checking the
// script. --only local|kms|start runs one group of scenarios. --cpu-prof profiles the signer
// and then the baseline under LOCAL votes at concurrency 16, or with --only kms the signer
// under the fake KMS scenario. It prints where each spends its main-thread time and keeps the
// profiles in bench/profiles/.
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes, verify } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import ts from 'typescript';

import { privateKeyFromSeed, publicKeyFromRaw, rawPublicKey } from '../src/kms/ed25519.js';
import { parseJsonBody } from '../src/protocol/json.js';
import { readVoteRequest } from '../src/protocol/signing-requests.js';
import { hashVote } from '../src/protocol/vote.js';
import { summarizeProfile } from './cpu-profile.js';
import type { FakeKmsCommand, FakeKmsReply } from './fake-kms-process.js';
import { runLoad, type LoadOptions } from './load.js';
import {
  findFreePort,
  readCpuMs,
  readMemoryMb,
  resetPeakRss,
  startNode,
  type ServiceProcess,
} from './processes.js';
import { RequestBodies } from './request-bodies.js';
import { writeResultsChart } from './results-chart.js';
import { writeResultsMarkdown } from './results-markdown.js';
import { median, type LoadScenario, type RetryStorm, type RunResults, type ServerFigures, type StartTimes } from './results-model.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT_DIR = join(BENCH_DIR, '..');
const DIST_DIR = join(ROOT_DIR, 'dist');

/** The Node flags of the `start` script in package.json, so the bench runs the signer as operators do. */
const START_NODE_FLAGS = (
  JSON.parse(readFileSync(join(ROOT_DIR, 'package.json'), 'utf8')) as { scripts: { start: string } }
).scripts.start
  .split(/\s+/)
  .filter((part) => part.startsWith('--'));
const BUILD_DIR = join(BENCH_DIR, '.build');

const { values: cli } = parseArgs({
  options: { quick: { type: 'boolean' }, 'cpu-prof': { type: 'boolean' }, only: { type: 'string' } },
});
const QUICK = cli.quick === true;
const ONLY = cli.only;
if (ONLY !== undefined && !['local', 'kms', 'start'].includes(ONLY)) {
  throw new Error(`--only ${ONLY} is not a scenario group; use local, kms or start`);
}

const DURATION_SECONDS = QUICK ? 1 : 5;
const WARMUP_SECONDS = QUICK ? 0.5 : 1;
const CONCURRENCY_LEVELS = [1, 4, 16, 64];
/** Connections of the half-peak run. Each sends its share of the rate back to back each second. */
const HALF_PEAK_CONNECTIONS = 4;
const KMS_LATENCY_MS = 20;
const KMS_CONNECTIONS = 32;
const STORM_ROUNDS = QUICK ? 3 : 20;
const STORM_REQUESTS_PER_ROUND = 8;
/** The copies of one vote in a storm round are sent at even steps within this window. */
const STORM_WINDOW_MS = 100;
const START_RUNS = QUICK ? 2 : 5;
const READY_TIMEOUT_MS = 15_000;

const seed = randomBytes(32);
const seedHex = seed.toString('hex');
const publicKey = rawPublicKey(privateKeyFromSeed(seed));
const publicKeyHex = publicKey.toString('hex').toUpperCase();
const token = randomBytes(24).toString('hex');
const bodies = new RequestBodies(publicKeyHex);

/** A server under load: the signer or the baseline, as one process. */
interface Target {
  readonly label: 'signer' | 'baseline';
  readonly process: ServiceProcess;
  readonly baseUrl: string;
  /** URL that returns 200 once the process serves requests. */
  readonly readyUrl: string;
  /** Management base URL, which only the signer has. */
  readonly managementUrl?: string;
  idleRssMb: number;
}

// Starting processes

function localSignerEnv(apiPort: number, managementPort: number): Record<string, string> {
  return {
    ATTO_SIGNER_BACKEND: 'LOCAL',
    ATTO_SIGNER_KEY: seedHex,
    ATTO_SIGNER_TOKEN: token,
    ATTO_SIGNER_HOST: '127.0.0.1',
    ATTO_SIGNER_PORT: String(apiPort),
    ATTO_SIGNER_MANAGEMENT_HOST: '127.0.0.1',
    ATTO_SIGNER_MANAGEMENT_PORT: String(managementPort),
    ATTO_SIGNER_LOG_LEVEL: 'warn',
    ATTO_SIGNER_RATE_LIMIT: '0',
    ATTO_SIGNER_QUEUE_MAX_SIZE: '100000',
    ATTO_SIGNER_CAPABILITIES: 'BLOCK,VOTE,CHALLENGE',
  };
}

/** Waits for the target's readiness URL to return 200, and stops the process when it never does. */
async function waitUntilReady(target: Target): Promise<void> {
  try {
    await target.process.waitForOk(target.readyUrl, READY_TIMEOUT_MS);
  } catch (error) {
    await target.process.stop();
    throw error;
  }
}

/**
 * Starts the built signer as `npm start` does, with the Node flags of that script, and with
 * `overrides` in place of settings of the LOCAL configuration.
 */
async function startSigner(overrides: Record<string, string> = {}, nodeOptions: string[] = []): Promise<Target> {
  const apiPort = await findFreePort();
  const managementPort = await findFreePort();
  const env = { ...localSignerEnv(apiPort, managementPort), ...overrides };
  const signer = startNode('signer', [...START_NODE_FLAGS, ...nodeOptions, join(DIST_DIR, 'main.js')], env);
  const target: Target = {
    label: 'signer',
    process: signer,
    baseUrl: `http://127.0.0.1:${apiPort}`,
    readyUrl: `http://127.0.0.1:${managementPort}/health`,
    managementUrl: `http://127.0.0.1:${managementPort}`,
    idleRssMb: Number.NaN,
  };
  await waitUntilReady(target);
  return target;
}

/** Transpiles bench/baseline-server.ts for plain `node`. `npm test` type-checks the source. */
function buildBaseline(): string {
  const source = readFileSync(join(BENCH_DIR, 'baseline-server.ts'), 'utf8');
  const output = ts.transpileModule(source, {
    fileName: 'baseline-server.ts',
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023 },
  });
  mkdirSync(BUILD_DIR, { recursive: true });
  const path = join(BUILD_DIR, 'baseline-server.mjs');
  writeFileSync(path, output.outputText);
  return path;
}

async function startBaseline(script: string, nodeOptions: string[] = []): Promise<Target> {
  const port = await findFreePort();
  const baseline = startNode('baseline', [...nodeOptions, script], {
    BASELINE_DIST_DIR: DIST_DIR,
    BASELINE_PORT: String(port),
    BASELINE_KEY: seedHex,
    BASELINE_TOKEN: token,
  });
  const target: Target = {
    label: 'baseline',
    process: baseline,
    baseUrl: `http://127.0.0.1:${port}`,
    readyUrl: `http://127.0.0.1:${port}/health`,
    idleRssMb: Number.NaN,
  };
  await waitUntilReady(target);
  return target;
}

/** Records the idle RSS once the process has settled after becoming ready. */
async function recordIdleRss(target: Target): Promise<void> {
  await sleep(500);
  target.idleRssMb = readMemoryMb(target.process.pid).rssMb;
}

/** The fake Cloud KMS of the tests, in a child process. */
class FakeKmsProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly endpoint: string,
    readonly keyVersionName: string,
  ) {}

  get pid(): number {
    return this.child.pid ?? Number.NaN;
  }

  static async start(seedHex: string): Promise<FakeKmsProcess> {
    const child = fork(join(BENCH_DIR, 'fake-kms-process.ts'), [], {
      cwd: ROOT_DIR,
      execArgv: ['--import', 'tsx'],
      // The fake signs with the bench's key, so that votes carry the signer's own public key.
      env: { ...process.env, FAKE_KMS_SEED: seedHex },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await FakeKmsProcess.nextReply(child);
    if (ready.type !== 'ready') throw new Error(`fake KMS process sent ${ready.type} before ready`);
    return new FakeKmsProcess(child, ready.endpoint, ready.keyVersionName);
  }

  private static nextReply(child: ChildProcess): Promise<FakeKmsReply> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`fake KMS process exited with code ${code}`));
      child.once('exit', onExit);
      child.once('message', (message: FakeKmsReply) => {
        child.off('exit', onExit);
        resolve(message);
      });
    });
  }

  private async ask(command: FakeKmsCommand): Promise<FakeKmsReply> {
    const reply = FakeKmsProcess.nextReply(this.child);
    this.child.send(command);
    return reply;
  }

  async setLatency(latencyMs: number): Promise<void> {
    await this.ask({ type: 'setLatency', latencyMs });
  }

  async asymmetricSignCalls(): Promise<number> {
    const reply = await this.ask({ type: 'getCalls' });
    if (reply.type !== 'calls') throw new Error(`fake KMS process sent ${reply.type} in place of calls`);
    return reply.asymmetricSign;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    await exited;
  }
}

// Requests outside autocannon: the correctness check and the retry storm

interface PostResult {
  readonly status: number;
  readonly body: string;
}

function post(baseUrl: string, path: string, body: string, agent: Agent): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${baseUrl}${path}`,
      { method: 'POST', agent, headers: { authorization: token, 'content-type': 'application/json' }, timeout: 10_000 },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      },
    );
    outgoing.on('error', reject);
    outgoing.on('timeout', () => outgoing.destroy(new Error(`POST ${path} timed out`)));
    outgoing.end(body);
  });
}

function signatureOf(result: PostResult): string | undefined {
  if (result.status !== 200) return undefined;
  return (JSON.parse(result.body) as { signature?: string }).signature;
}

/**
 * Checks that the signer and the baseline return the same valid signature for one vote, so
 * that both do the full work being measured.
 */
async function checkSameSignature(targets: Target[]): Promise<void> {
  const body = bodies.nextVote();
  const message = hashVote(readVoteRequest(parseJsonBody(Buffer.from(body))).vote);
  const agent = new Agent({ keepAlive: false });
  const signatures = await Promise.all(targets.map(async (target) => signatureOf(await post(target.baseUrl, '/votes', body, agent))));
  const first = signatures[0];
  if (first === undefined || signatures.some((signature) => signature !== first)) {
    throw new Error(`signer and baseline returned different vote signatures: ${signatures.join(', ')}`);
  }
  if (!verify(null, message, publicKeyFromRaw(publicKey), Buffer.from(first, 'hex'))) {
    throw new Error('the vote signature does not verify with the public key');
  }
}

async function readPrometheus(managementUrl: string): Promise<string> {
  return (await fetch(`${managementUrl}/prometheus`)).text();
}

/** Sums every sample of `name` whose labels contain `labelText` (all samples when empty). */
function sumSamples(text: string, name: string, labelText = ''): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!line.includes(labelText)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function readCoalesced(managementUrl: string): Promise<{ inflight: number; cache: number }> {
  const text = await readPrometheus(managementUrl);
  return {
    inflight: sumSamples(text, 'atto_signer_coalesced_total', 'source="inflight"'),
    cache: sumSamples(text, 'atto_signer_coalesced_total', 'source="cache"'),
  };
}

/** Mean backend sign call and mean queue wait, in milliseconds, between two scrapes. */
function meanTimings(before: string, after: string): { backendCallMs: number; queueWaitMs: number } {
  const mean = (name: string, labelText: string): number => {
    const sum = sumSamples(after, `${name}_sum`, labelText) - sumSamples(before, `${name}_sum`, labelText);
    const count = sumSamples(after, `${name}_count`, labelText) - sumSamples(before, `${name}_count`, labelText);
    return count === 0 ? Number.NaN : (sum / count) * 1000;
  };
  return {
    backendCallMs: mean('atto_signer_backend_call_duration_seconds', 'operation="sign"'),
    queueWaitMs: mean('atto_signer_queue_wait_seconds', ''),
  };
}

/** Sends each round's vote from STORM_REQUESTS_PER_ROUND connections within STORM_WINDOW_MS. */
async function runRetryStorm(signer: Target, fakeKms: FakeKmsProcess): Promise<RetryStorm> {
  const managementUrl = signer.managementUrl ?? '';
  // One keep-alive agent with one socket per sender, so every copy arrives on its own connection.
  const agents = Array.from({ length: STORM_REQUESTS_PER_ROUND }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  const callsBefore = await fakeKms.asymmetricSignCalls();
  const coalescedBefore = await readCoalesced(managementUrl);

  let okResponses = 0;
  let consistentRounds = 0;
  for (let round = 0; round < STORM_ROUNDS; round++) {
    const body = bodies.nextVote();
    const results = await Promise.all(
      agents.map(async (agent, index) => {
        await sleep((STORM_WINDOW_MS * index) / STORM_REQUESTS_PER_ROUND);
        return post(signer.baseUrl, '/votes', body, agent);
      }),
    );
    const signatures = results.map(signatureOf).filter((signature) => signature !== undefined);
    okResponses += signatures.length;
    if (signatures.length === results.length && new Set(signatures).size === 1) consistentRounds++;
    await sleep(50);
  }

  const callsAfter = await fakeKms.asymmetricSignCalls();
  const coalescedAfter = await readCoalesced(managementUrl);
  for (const agent of agents) agent.destroy();
  return {
    rounds: STORM_ROUNDS,
    requestsPerRound: STORM_REQUESTS_PER_ROUND,
    okResponses,
    backendCalls: callsAfter - callsBefore,
    coalescedInFlight: coalescedAfter.inflight - coalescedBefore.inflight,
    coalescedFromCache: coalescedAfter.cache - coalescedBefore.cache,
    consistentRounds,
  };
}

// Load scenarios

type LoadShape = Pick<LoadOptions, 'path' | 'connections' | 'nextBody' | 'overallRate'>;

/** Warms `target` up, then measures it under `shape` for DURATION_SECONDS. */
async function measure(target: Target, shape: LoadShape, warmupSeconds = WARMUP_SECONDS): Promise<ServerFigures> {
  const options = { ...shape, baseUrl: target.baseUrl, token };
  if (warmupSeconds > 0) await runLoad({ ...options, durationSeconds: warmupSeconds });

  const pid = target.process.pid;
  resetPeakRss(pid);
  const cpuBefore = readCpuMs(pid);
  const result = await runLoad({ ...options, durationSeconds: DURATION_SECONDS });
  const cpuMs = readCpuMs(pid) - cpuBefore;
  const memory = readMemoryMb(pid);
  if (target.process.hasExited) throw new Error(`${target.label} exited during the run:\n${target.process.recentOutput}`);
  if (result.failures > 0) {
    console.warn(`${target.label}: ${result.failures} failures, responses by status ${JSON.stringify(result.statusCounts)}`);
  }

  return {
    requestsPerSecond: result.requestsPerSecond,
    okResponses: result.okResponses,
    failures: result.failures,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    p999Ms: result.p999Ms,
    cpuMsPer1000: result.okResponses === 0 ? Number.NaN : cpuMs / (result.okResponses / 1000),
    idleRssMb: target.idleRssMb,
    peakRssMb: memory.peakRssMb,
    clientCpuPercent: result.clientCpuPercent,
  };
}

function describe(name: string, figures: ServerFigures): string {
  return (
    `${name.padEnd(40)} ${figures.requestsPerSecond.toFixed(0).padStart(6)} req/s  ` +
    `p50 ${figures.p50Ms.toFixed(2)}  p99 ${figures.p99Ms.toFixed(2)}  p99.9 ${figures.p999Ms.toFixed(2)} ms  ` +
    `CPU ${figures.cpuMsPer1000.toFixed(0)} ms/1000  RSS ${figures.peakRssMb.toFixed(0)} MB  ` +
    `client CPU ${figures.clientCpuPercent.toFixed(0)}%  failures ${figures.failures}`
  );
}

function clientNote(signer: ServerFigures, baseline: ServerFigures | undefined): string {
  const baselinePart = baseline === undefined ? '' : `, ${baseline.clientCpuPercent.toFixed(0)}% with the baseline`;
  return `load generator CPU ${signer.clientCpuPercent.toFixed(0)}% of a core${baselinePart}`;
}

async function measurePair(name: string, signer: Target, baseline: Target, shape: LoadShape, signerFirst: boolean): Promise<[ServerFigures, ServerFigures]> {
  const order = signerFirst ? [signer, baseline] : [baseline, signer];
  const figures = new Map<string, ServerFigures>();
  for (const target of order) {
    const result = await measure(target, shape);
    figures.set(target.label, result);
    console.log(describe(`${name}, ${target.label}`, result));
  }
  return [figures.get('signer') as ServerFigures, figures.get('baseline') as ServerFigures];
}

async function runLocalSweep(signer: Target, baseline: Target): Promise<LoadScenario[]> {
  const scenarios: LoadScenario[] = [];
  for (const kind of ['votes', 'challenges'] as const) {
    const nextBody = kind === 'votes' ? () => bodies.nextVote() : () => bodies.nextChallenge();
    for (const [index, connections] of CONCURRENCY_LEVELS.entries()) {
      const name = `LOCAL ${kind} c${connections}`;
      // Alternating which server goes first spreads slow drifts of the machine over both.
      const [signerFigures, baselineFigures] = await measurePair(name, signer, baseline, { path: `/${kind}`, connections, nextBody }, index % 2 === 0);
      scenarios.push({
        name,
        sweep: { kind, connections },
        signer: signerFigures,
        baseline: baselineFigures,
        notes: [`baseline ${baselineFigures.requestsPerSecond.toFixed(0)} req/s`, clientNote(signerFigures, baselineFigures)],
      });
    }
  }
  return scenarios;
}

async function runHalfPeak(signer: Target, baseline: Target, sweep: LoadScenario[]): Promise<LoadScenario> {
  const peak = Math.max(...sweep.filter((scenario) => scenario.sweep?.kind === 'votes').map((scenario) => scenario.signer.requestsPerSecond));
  const rate = Math.max(HALF_PEAK_CONNECTIONS, Math.round(peak / 2));
  const name = `LOCAL votes at half peak (${rate}/s, c${HALF_PEAK_CONNECTIONS})`;
  const shape = { path: '/votes', connections: HALF_PEAK_CONNECTIONS, overallRate: rate, nextBody: () => bodies.nextVote() };
  const [signerFigures, baselineFigures] = await measurePair(name, signer, baseline, shape, true);
  return {
    name,
    signer: signerFigures,
    baseline: baselineFigures,
    notes: [`peak ${peak.toFixed(0)} req/s from the sweep`, clientNote(signerFigures, baselineFigures)],
  };
}

/** Starts the fake KMS with KMS_LATENCY_MS of latency and a GCP signer that uses it. */
async function startKmsSigner(fakeKms: FakeKmsProcess, nodeOptions: string[] = []): Promise<Target> {
  await fakeKms.setLatency(KMS_LATENCY_MS);
  return startSigner(
    {
      ATTO_SIGNER_BACKEND: 'GCP',
      ATTO_SIGNER_KEY: fakeKms.keyVersionName,
      ATTO_SIGNER_GCP_ENDPOINT: fakeKms.endpoint,
      ATTO_SIGNER_QUEUE_CONCURRENCY: String(KMS_CONNECTIONS * 2),
      METADATA_SERVER_DETECTION: 'none',
    },
    nodeOptions,
  );
}

async function measureKms(signer: Target, fakeKms: FakeKmsProcess): Promise<LoadScenario> {
  const name = `fake KMS ${KMS_LATENCY_MS} ms votes c${KMS_CONNECTIONS}`;
  const managementUrl = signer.managementUrl ?? '';
  const metricsBefore = await readPrometheus(managementUrl);
  const fakeCpuBefore = readCpuMs(fakeKms.pid);
  const startedAt = performance.now();
  const figures = await measure(signer, { path: '/votes', connections: KMS_CONNECTIONS, nextBody: () => bodies.nextVote() });
  // These include the warm-up, which runs at the same load.
  const fakeCpuPercent = ((readCpuMs(fakeKms.pid) - fakeCpuBefore) / (performance.now() - startedAt)) * 100;
  const timings = meanTimings(metricsBefore, await readPrometheus(managementUrl));
  const timingNote =
    `mean backend call ${timings.backendCallMs.toFixed(1)} ms, mean queue wait ${timings.queueWaitMs.toFixed(1)} ms, ` +
    `fake KMS process CPU ${fakeCpuPercent.toFixed(0)}% of a core`;
  console.log(describe(name, figures));
  console.log(timingNote);

  const ideal = (KMS_CONNECTIONS * 1000) / KMS_LATENCY_MS;
  return {
    name,
    signer: figures,
    notes: [
      `${((figures.requestsPerSecond / ideal) * 100).toFixed(0)}% of the ideal ${ideal.toFixed(0)}/s`,
      clientNote(figures, undefined),
      timingNote,
    ],
  };
}

async function runKmsScenarios(): Promise<{ kms: LoadScenario; storm: RetryStorm }> {
  const fakeKms = await FakeKmsProcess.start(seedHex);
  try {
    const signer = await startKmsSigner(fakeKms);
    try {
      await recordIdleRss(signer);
      const kms = await measureKms(signer, fakeKms);
      const storm = await runRetryStorm(signer, fakeKms);
      console.log(
        `retry storm: ${storm.okResponses} of ${storm.rounds * storm.requestsPerRound} signed with ${storm.backendCalls} backend calls ` +
          `(in flight ${storm.coalescedInFlight}, cache ${storm.coalescedFromCache})`,
      );
      return { kms, storm };
    } finally {
      await signer.process.stop();
    }
  } finally {
    await fakeKms.stop();
  }
}

/** Measures process start to the first 200 from the readiness URL, alternating both servers. */
async function measureStartTimes(baselineScript: string): Promise<StartTimes> {
  const signerMs: number[] = [];
  const baselineMs: number[] = [];
  for (let run = 0; run < START_RUNS; run++) {
    let startedAt = performance.now();
    const signer = await startSigner();
    signerMs.push(performance.now() - startedAt);
    await signer.process.stop();

    startedAt = performance.now();
    const baseline = await startBaseline(baselineScript);
    baselineMs.push(performance.now() - startedAt);
    await baseline.process.stop();
  }
  console.log(`start to ready: signer median ${median(signerMs).toFixed(0)} ms, baseline median ${median(baselineMs).toFixed(0)} ms`);
  return { signerMs, baselineMs };
}

function commitId(): string {
  const git = (args: string[]): string => execFileSync('git', args, { cwd: ROOT_DIR, encoding: 'utf8' }).trim();
  const head = git(['rev-parse', '--short', 'HEAD']);
  const changed = git(['status', '--porcelain', '--', 'src', 'package.json', 'package-lock.json', 'tsconfig.build.json']);
  return changed === '' ? head : `${head}-dirty`;
}

function utcMinute(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', ' ');
}

// Modes

/** Prints where a profiled process spent its main-thread time, per 1000 signatures. */
function printProfile(label: string, dir: string, okResponses: number): void {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile written in ${dir}`);
  const signatures = okResponses / 1000;
  const summary = summarizeProfile(join(dir, file), 25);
  console.log(
    `\n${label}: ${(summary.busyMs / signatures).toFixed(1)} ms of busy main thread per 1000 signatures, ` +
      `start-up included (${join(dir, file)})`,
  );
  console.log('by area:');
  for (const entry of summary.byArea.slice(0, 15)) {
    console.log(`${entry.percent.toFixed(1).padStart(5)}%  ${(entry.selfMs / signatures).toFixed(1).padStart(6)} ms/1000  ${entry.location}`);
  }
  console.log('top functions by self time:');
  for (const entry of summary.topFunctions) {
    console.log(`${entry.percent.toFixed(1).padStart(5)}%  ${(entry.selfMs / signatures).toFixed(1).padStart(6)} ms/1000  ${entry.location}`);
  }
}

/**
 * Profiles the signer and then the baseline, each in a process of its own, under LOCAL votes at
 * concurrency 16. With `--only kms` it profiles the GCP signer under the fake KMS scenario.
 */
async function runProfile(baselineScript: string): Promise<void> {
  const profileDir = join(BENCH_DIR, 'profiles', new Date().toISOString().replace(/[:.]/g, '-'));
  if (ONLY === 'kms') {
    const dir = join(profileDir, 'signer-kms');
    const fakeKms = await FakeKmsProcess.start(seedHex);
    try {
      const signer = await startKmsSigner(fakeKms, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
      const shape = { path: '/votes', connections: KMS_CONNECTIONS, nextBody: () => bodies.nextVote() };
      const warmup = await runLoad({ ...shape, baseUrl: signer.baseUrl, token, durationSeconds: WARMUP_SECONDS });
      const figures = await measure(signer, shape, 0);
      await signer.process.stop();
      console.log(describe('profiled fake KMS votes, signer', figures));
      printProfile('signer with the fake KMS', dir, warmup.okResponses + figures.okResponses);
    } finally {
      await fakeKms.stop();
    }
    return;
  }

  for (const label of ['signer', 'baseline'] as const) {
    const dir = join(profileDir, label);
    const nodeOptions = ['--cpu-prof', `--cpu-prof-dir=${dir}`];
    const target = label === 'signer' ? await startSigner({}, nodeOptions) : await startBaseline(baselineScript, nodeOptions);
    const shape = { path: '/votes', connections: 16, nextBody: () => bodies.nextVote() };
    // The warm-up is counted too, because the profile covers the whole process life.
    const warmup = await runLoad({ ...shape, baseUrl: target.baseUrl, token, durationSeconds: WARMUP_SECONDS });
    const figures = await measure(target, shape, 0);
    await target.process.stop();
    console.log(describe(`profiled LOCAL votes c16, ${label}`, figures));
    printProfile(label, dir, warmup.okResponses + figures.okResponses);
  }
}

/** Runs one group of scenarios and prints the figures, for working on one of them. */
async function runGroup(group: string, baselineScript: string): Promise<void> {
  if (group === 'kms') {
    await runKmsScenarios();
  } else if (group === 'start') {
    await measureStartTimes(baselineScript);
  } else {
    const signer = await startSigner();
    const baseline = await startBaseline(baselineScript);
    try {
      await Promise.all([recordIdleRss(signer), recordIdleRss(baseline)]);
      console.log(`idle RSS: signer ${signer.idleRssMb.toFixed(1)} MB, baseline ${baseline.idleRssMb.toFixed(1)} MB`);
      await checkSameSignature([signer, baseline]);
      const sweep = await runLocalSweep(signer, baseline);
      await runHalfPeak(signer, baseline, sweep);
    } finally {
      await signer.process.stop();
      await baseline.process.stop();
    }
  }
  console.log(`\n--only ${group}: no files written`);
}

async function runAll(baselineScript: string): Promise<void> {
  const date = utcMinute(new Date());
  const commit = commitId();

  const signer = await startSigner();
  const baseline = await startBaseline(baselineScript);
  let results: RunResults;
  try {
    await Promise.all([recordIdleRss(signer), recordIdleRss(baseline)]);
    await checkSameSignature([signer, baseline]);
    const peakRssResetWorked = resetPeakRss(signer.process.pid) && resetPeakRss(baseline.process.pid);

    const loadScenarios = await runLocalSweep(signer, baseline);
    const halfPeak = await runHalfPeak(signer, baseline, loadScenarios);
    await signer.process.stop();
    await baseline.process.stop();

    const { kms, storm } = await runKmsScenarios();
    const startTimes = await measureStartTimes(baselineScript);
    results = { date, commit, loadScenarios, halfPeak, kms, storm, startTimes, peakRssResetWorked };
    if (!peakRssResetWorked) console.warn('resetting VmHWM through /proc/<pid>/clear_refs failed, so RSS peaks cover the whole life of each process');
  } finally {
    await signer.process.stop();
    await baseline.process.stop();
  }

  if (QUICK) {
    console.log('\n--quick: no files written');
    return;
  }
  const checks = writeResultsMarkdown(join(BENCH_DIR, 'RESULTS.md'), results);
  writeResultsChart(join(BENCH_DIR, 'results.svg'), results);
  console.log('\nTargets:');
  for (const check of checks) {
    console.log(`  ${check.met ? 'met   ' : 'MISSED'}  ${check.target}: ${check.measured} (goal ${check.goal})`);
  }
  console.log('\nWrote bench/RESULTS.md and bench/results.svg');
}

const baselineScript = buildBaseline();
if (cli['cpu-prof'] === true) {
  await runProfile(baselineScript);
} else if (ONLY !== undefined) {
  await runGroup(ONLY, baselineScript);
} else {
  await runAll(baselineScript);
}
