// The load generator: autocannon's programmatic API over keep-alive connections, with a new
// request body for every request. Latencies are taken from autocannon's per-response event,
// in fractional milliseconds, because its own histogram has a resolution of 1 ms.
import autocannon from 'autocannon';

export interface LoadOptions {
  /** Base URL of the server, such as http://127.0.0.1:8080. */
  readonly baseUrl: string;
  readonly path: string;
  readonly token: string;
  /** Connections, each with one request in flight at a time. */
  readonly connections: number;
  readonly durationSeconds: number;
  /** Returns the body of the next request. It is called once per request. */
  readonly nextBody: () => string;
  /** Requests per second over all connections, or undefined to send as fast as possible. */
  readonly overallRate?: number;
}

export interface LoadResult {
  /** 2xx responses per second of the run. */
  readonly requestsPerSecond: number;
  readonly okResponses: number;
  /** Responses with another status, plus connection errors and timeouts (autocannon counts both as errors). */
  readonly failures: number;
  /** Responses by HTTP status, 2xx included. */
  readonly statusCounts: Record<string, number>;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  /** CPU time this process (the load generator) used per second of the run, in percent of one core. */
  readonly clientCpuPercent: number;
}

/** Returns the value at quantile `q` of ascending `sorted`, by the nearest-rank method. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] as number;
}

/** Runs one load test and returns its figures. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let latencies = new Float64Array(65_536);
  let okResponses = 0;
  let failedResponses = 0;
  const statusCounts: Record<string, number> = {};

  const instance = autocannon({
    url: options.baseUrl,
    connections: options.connections,
    duration: options.durationSeconds,
    pipelining: 1,
    timeout: 10,
    ...(options.overallRate === undefined ? {} : { overallRate: options.overallRate }),
    requests: [
      {
        method: 'POST',
        path: options.path,
        headers: { authorization: options.token, 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: options.nextBody() }),
      },
    ],
  });

  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
    if (statusCode < 200 || statusCode > 299) {
      failedResponses++;
      return;
    }
    if (okResponses === latencies.length) {
      const larger = new Float64Array(latencies.length * 2);
      larger.set(latencies);
      latencies = larger;
    }
    latencies[okResponses++] = responseTimeMs;
  });

  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const result = await instance;
  const elapsedSeconds = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuBefore);

  const sorted = latencies.subarray(0, okResponses).sort();
  return {
    requestsPerSecond: okResponses / elapsedSeconds,
    okResponses,
    failures: failedResponses + result.errors,
    statusCounts,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    p999Ms: quantile(sorted, 0.999),
    clientCpuPercent: ((cpu.user + cpu.system) / 1000 / (elapsedSeconds * 1000)) * 100,
  };
}
