// Starting, measuring and stopping the processes under test. CPU time and memory come from
// the kernel's own accounting in /proc/<pid>, so the signer and the baseline are measured the
// same way and the load generator's costs are left out.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Kernel clock ticks per second, the unit of utime and stime in /proc/<pid>/stat. */
export const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** Returns a port on 127.0.0.1 that was free a moment ago. */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned by the kernel');
  return address.port;
}

/** User plus system CPU time of `pid` so far, in milliseconds. */
export function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name in field 2 may contain spaces, so count fields after its closing bracket.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[11]);
  const systemTicks = Number(fields[12]);
  return ((userTicks + systemTicks) * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** Resident set size now (VmRSS) and its peak (VmHWM), in megabytes (MiB). */
export function readMemoryMb(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(status);
    if (match?.[1] === undefined) throw new Error(`${name} not found in /proc/${pid}/status`);
    return Number(match[1]);
  };
  return { rssMb: kilobytes('VmRSS') / 1024, peakRssMb: kilobytes('VmHWM') / 1024 };
}

/**
 * Resets the peak RSS of `pid` to its current RSS (Linux 4.0+, `5` in clear_refs), so that
 * the next VmHWM reading covers one scenario. Returns false where the kernel refuses.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Resolves with the status of one GET, or undefined when the connection fails. */
export function getStatus(url: string, timeoutMs = 1000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const outgoing = request(url, { timeout: timeoutMs, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    outgoing.on('error', () => resolve(undefined));
    outgoing.on('timeout', () => outgoing.destroy());
    outgoing.end();
  });
}

/** A process started by the benchmark, with the last lines it wrote, for error messages. */
export class ServiceProcess {
  readonly pid: number;
  private output = '';
  private exited: Promise<number | null>;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    if (child.pid === undefined) throw new Error(`${name} did not start`);
    this.pid = child.pid;
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** The last 4000 characters the process wrote to stdout and stderr. */
  get recentOutput(): string {
    return this.output;
  }

  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /**
   * Polls `url` every `intervalMs` until it returns 200. Throws when the process exits or
   * `timeoutMs` passes first.
   */
  async waitForOk(url: string, timeoutMs: number, intervalMs = 5): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (this.hasExited) throw new Error(`${this.name} exited before ${url} returned 200:\n${this.output}`);
      if ((await getStatus(url)) === 200) return;
      await sleep(intervalMs);
    }
    throw new Error(`${this.name}: ${url} did not return 200 within ${timeoutMs} ms:\n${this.output}`);
  }

  /** Sends SIGTERM and waits for the exit, and sends SIGKILL if the process still runs after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Starts `node` with `args` and `env` (added to this process's environment). */
export function startNode(name: string, args: string[], env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new ServiceProcess(name, child);
}
