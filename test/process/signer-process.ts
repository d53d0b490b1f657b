import { type ChildProcess, spawn } from 'node:child_process';
import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { blake2b } from '@noble/hashes/blake2.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Upper bound for waits on a child process; only there to end a hung test. */
export const PROCESS_WAIT_MS = 20_000;

/** Settings every spawned signer gets: both servers on 127.0.0.1 with ports picked by the OS. */
const LOOPBACK_ENV = {
  ATTO_SIGNER_HOST: '127.0.0.1',
  ATTO_SIGNER_PORT: '0',
  ATTO_SIGNER_MANAGEMENT_HOST: '127.0.0.1',
  ATTO_SIGNER_MANAGEMENT_PORT: '0',
};

/** One JSON log line of the signer. */
export type LogLine = Record<string, unknown> & { msg?: string };

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A signer child process and everything it has written so far. */
export interface SignerProcess {
  readonly child: ChildProcess;
  readonly exit: Promise<ProcessExit>;
  stdout(): string;
  stderr(): string;
  /** The stdout lines that parse as JSON objects. */
  logLines(): LogLine[];
  /** Resolves with the first log line whose `msg` is `msg`; rejects if the process exits first. */
  waitForLog(msg: string): Promise<LogLine>;
}

const running = new Set<ChildProcess>();

/**
 * Spawns `node --import tsx <script>` from the project root. The child gets only PATH, HOME,
 * the loopback settings above and `env`, never the ATTO_SIGNER_* variables of this process.
 */
export function spawnSigner(script: 'src/main.ts' | 'src/dev.ts', env: Record<string, string>): SignerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...LOOPBACK_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);

  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });

  const exit = new Promise<ProcessExit>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
  });

  function logLines(): LogLine[] {
    const lines: LogLine[] = [];
    for (const line of stdout.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as LogLine);
      } catch {
        // A line still being written parses on a later call.
      }
    }
    return lines;
  }

  function waitForLog(msg: string): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = logLines().find((candidate) => candidate.msg === msg);
        if (line === undefined) return;
        finish();
        resolve(line);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no "${msg}" log line after ${PROCESS_WAIT_MS} ms; stdout: ${stdout} stderr: ${stderr}`));
      }, PROCESS_WAIT_MS);
      const finish = () => {
        clearTimeout(timer);
        listeners.delete(check);
      };
      listeners.add(check);
      void exit.then(() => {
        // Output written just before the exit arrives before the exit event.
        check();
        if (listeners.has(check)) {
          finish();
          reject(new Error(`signer exited before logging "${msg}"; stdout: ${stdout} stderr: ${stderr}`));
        }
      });
      check();
    });
  }

  return { child, exit, stdout: () => stdout, stderr: () => stderr, logLines, waitForLog };
}

/** Resolves with the exit of `signer`, or rejects when it does not exit in PROCESS_WAIT_MS. */
export function exitOf(signer: SignerProcess): Promise<ProcessExit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`signer did not exit within ${PROCESS_WAIT_MS} ms`)), PROCESS_WAIT_MS);
  });
  return Promise.race([signer.exit, timeout]).finally(() => clearTimeout(timer));
}

/** Kills every signer spawned by this module that still runs, and waits for the exits. */
export async function killRunningSigners(): Promise<void> {
  const exits = [...running].map(
    (child) =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  );
  await Promise.all(exits);
}

/** Splits `host:port` from the "atto-signer listening" log line. */
export function parseAddress(address: unknown): { host: string; port: number } {
  const match = /^(?<host>.+):(?<port>[0-9]+)$/.exec(String(address));
  if (match?.groups === undefined) throw new Error(`not a host:port address: ${String(address)}`);
  return { host: match.groups['host'] as string, port: Number(match.groups['port']) };
}

/** An HTTP response, or the socket error code when no response came. */
export type HttpResult =
  | { readonly status: number; readonly headers: http.IncomingHttpHeaders; readonly body: string }
  | { readonly error: string };

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Defaults to a fresh connection per request (`Connection: close`). */
  readonly agent?: http.Agent | false;
}

/** Sends one request to `address` (`host:port`); never rejects, so callers can count outcomes. */
export function sendRequest(address: unknown, request: HttpRequest): Promise<HttpResult> {
  const { host, port } = parseAddress(address);
  const headers: Record<string, string | number> = { ...request.headers };
  if (request.body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(request.body);
  }

  return new Promise((resolve) => {
    const outgoing = http.request(
      { host, port, method: request.method, path: request.path, headers, agent: request.agent ?? false, timeout: PROCESS_WAIT_MS },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
        response.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no response within ${PROCESS_WAIT_MS} ms`)));
    outgoing.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    outgoing.end(request.body);
  });
}

/** A vote as the node sends it for signing. */
export interface Vote {
  readonly publicKey: string;
  readonly blockHash: string;
  readonly timestamp: bigint;
}

/** The body of `POST /votes` for `vote`, with version 0 and algorithm V1. */
export function voteBody(vote: Vote): string {
  const target = `{"version":0,"algorithm":"V1","publicKey":"${vote.publicKey}","blockAlgorithm":"V1","blockHash":"${vote.blockHash}","timestamp":${vote.timestamp}}`;
  return `{"target":${target}}`;
}

/**
 * The vote hash, written out here rather than taken from src/: BLAKE2b-256 of version (u16),
 * algorithm (u8), public key, block algorithm (u8), block hash and timestamp (i64), all
 * little-endian, 76 bytes in total.
 */
export function voteHash(vote: Vote): Uint8Array {
  const bytes = Buffer.alloc(76);
  bytes.writeUInt16LE(0, 0);
  bytes.writeUInt8(0, 2);
  Buffer.from(vote.publicKey, 'hex').copy(bytes, 3);
  bytes.writeUInt8(0, 35);
  Buffer.from(vote.blockHash, 'hex').copy(bytes, 36);
  bytes.writeBigInt64LE(vote.timestamp, 68);
  return blake2b(bytes, { dkLen: 32 });
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Verifies a hex Ed25519 signature over `message` with a raw hex public key. */
export function verifySignature(publicKeyHex: string, message: Uint8Array, signatureHex: string): boolean {
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(publicKeyHex, 'hex')]), format: 'der', type: 'spki' });
  return verify(null, message, key, Buffer.from(signatureHex, 'hex'));
}

/** Derives the raw public key of a hex Ed25519 seed, as upper-case hex. */
export function publicKeyOfSeed(seedHex: string): string {
  const privateKey = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(seedHex, 'hex')]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return spki.subarray(ED25519_SPKI_PREFIX.length).toString('hex').toUpperCase();
}
