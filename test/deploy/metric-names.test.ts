import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VOTE_VECTORS, voteJson } from '../protocol/vectors.js';
import { post } from '../support/http-client.js';
import { startSigner, type StartedSigner } from '../support/start-signer.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HISTOGRAM_SUFFIXES = /_(bucket|sum|count)$/;

/** Every atto_signer_* metric name a file mentions, without histogram suffixes. */
function metricNamesIn(path: string): string[] {
  const text = readFileSync(`${ROOT}/${path}`, 'utf8');
  const names = new Set([...text.matchAll(/\batto_signer_[a-z0-9_]+/g)].map((match) => match[0].replace(HISTOGRAM_SUFFIXES, '')));
  return [...names].sort();
}

let started: StartedSigner;
let exposition: string;

beforeAll(async () => {
  started = await startSigner();
  const vote = `{"target":${voteJson(VOTE_VECTORS[0]!)}}`;

  // Real traffic: a signature, the same one again from the cache, and a rejected request.
  await post(`${started.apiUrl}/votes`, vote);
  await post(`${started.apiUrl}/votes`, vote);
  await post(`${started.apiUrl}/votes`, '{"target":{}}');
  exposition = await (await fetch(`${started.managementUrl}/prometheus`)).text();
});

afterAll(async () => {
  await started.stop();
});

/** Names declared in the scrape, from their `# TYPE` lines. */
function exportedNames(): Set<string> {
  return new Set([...exposition.matchAll(/^# TYPE (\S+) /gm)].map((match) => match[1]!));
}

describe('metric names used by operations files', () => {
  for (const file of ['deploy/grafana/atto-signer.json', 'deploy/prometheus/alerts.yml']) {
    it(`${file} uses only exported metrics`, () => {
      const used = metricNamesIn(file);
      const exported = exportedNames();

      expect(used.length).toBeGreaterThan(5);
      expect(used.filter((name) => !exported.has(name))).toEqual([]);
    });
  }

  it('dashboard covers every signer metric', () => {
    const used = new Set(metricNamesIn('deploy/grafana/atto-signer.json'));
    const own = [...exportedNames()].filter((name) => !/^atto_signer_(process|nodejs)_/.test(name));

    expect(own.filter((name) => !used.has(name))).toEqual([]);
  });

  it('traffic produced samples', () => {
    expect(exposition).toMatch(/^atto_signer_requests_total\{kind="vote",outcome="signed"\} 2$/m);
    expect(exposition).toMatch(/^atto_signer_coalesced_total\{source="cache"\} 1$/m);
    expect(exposition).toMatch(/^atto_signer_backend_call_duration_seconds_count\{operation="sign",outcome="success"\} 1$/m);
    expect(exposition).toMatch(/^atto_signer_lifecycle_state\{state="ready"\} 1$/m);
  });
});
