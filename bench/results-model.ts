// Figures of one benchmark run, shared by the runner, the RESULTS.md writer and the chart.

/** Figures of one server during one scenario. */
export interface ServerFigures {
  readonly requestsPerSecond: number;
  readonly okResponses: number;
  /** Non-2xx responses, connection errors and timeouts. */
  readonly failures: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  /** User plus system CPU time of the server process per 1000 2xx responses, in milliseconds. */
  readonly cpuMsPer1000: number;
  /** VmRSS after the process became ready, before any load, in MiB. */
  readonly idleRssMb: number;
  /** VmHWM over the scenario, in MiB. */
  readonly peakRssMb: number;
  /** CPU the load generator used, in percent of one core. */
  readonly clientCpuPercent: number;
}

export type SweepKind = 'votes' | 'challenges';

/** A throughput scenario: one server figure each for the signer and, where it applies, the baseline. */
export interface LoadScenario {
  readonly name: string;
  /** Set for the LOCAL concurrency sweep, which the chart draws. */
  readonly sweep?: { readonly kind: SweepKind; readonly connections: number };
  readonly signer: ServerFigures;
  readonly baseline?: ServerFigures;
  readonly notes: string[];
}

/** The retry storm: the same vote from several connections at once. */
export interface RetryStorm {
  readonly rounds: number;
  readonly requestsPerRound: number;
  readonly okResponses: number;
  readonly backendCalls: number;
  readonly coalescedInFlight: number;
  readonly coalescedFromCache: number;
  /** Rounds in which every 2xx response carried the same signature. */
  readonly consistentRounds: number;
}

/** Process start to a 200 from the health endpoint, per run. */
export interface StartTimes {
  readonly signerMs: number[];
  readonly baselineMs: number[];
}

export interface RunResults {
  /** UTC time the run started, as `YYYY-MM-DD HH:MM`. */
  readonly date: string;
  /** `git rev-parse --short HEAD`, with `-dirty` when src/ or the package files differ from it. */
  readonly commit: string;
  readonly loadScenarios: LoadScenario[];
  readonly halfPeak: LoadScenario;
  readonly kms: LoadScenario;
  readonly storm: RetryStorm;
  readonly startTimes: StartTimes;
  /** False when the kernel refused to reset VmHWM, so peaks span the whole process life. */
  readonly peakRssResetWorked: boolean;
}

/** Returns the median of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
