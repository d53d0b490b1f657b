import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/load-config.js';
import { startSigner, TEST_TOKEN, type StartedSigner } from '../support/start-signer.js';

const MANIFEST = fileURLToPath(new URL('../../deploy/kubernetes/voter-with-signer.yaml', import.meta.url));

interface Probe {
  httpGet: { path: string; port: number };
}

interface Container {
  name: string;
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  ports?: Array<{ containerPort: number }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { runAsNonRoot?: boolean; readOnlyRootFilesystem?: boolean; capabilities?: { drop?: string[] } };
}

const documents = parseAllDocuments(readFileSync(MANIFEST, 'utf8')).map((document) => document.toJSON() as Record<string, any>);
const deployment = documents.find((document) => document.kind === 'Deployment')!;
const containers = deployment.spec.template.spec.containers as Container[];
const signer = containers.find((container) => container.name === 'atto-signer')!;
const node = containers.find((container) => container.name === 'node')!;

function envOf(container: Container): Record<string, string> {
  // Values from Secrets stand in as the test token, long enough for production settings.
  return Object.fromEntries((container.env ?? []).map((entry) => [entry.name, entry.value ?? TEST_TOKEN]));
}

describe('Kubernetes manifest', () => {
  it('parses as a ServiceAccount and a Deployment', () => {
    expect(documents.map((document) => document.kind)).toEqual(['ServiceAccount', 'Deployment']);
  });

  it('signer reads every variable set', () => {
    const read = new Set<string>();
    const env = new Proxy(envOf(signer), {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return target[name as string];
      },
    });

    loadConfig(env);

    expect(Object.keys(envOf(signer)).filter((name) => !read.has(name))).toEqual([]);
  });

  it('node reaches the signer API port', () => {
    const config = loadConfig(envOf(signer));

    expect(envOf(node).ATTO_SIGNER_REMOTE_URL).toBe(`http://127.0.0.1:${config.api.port}`);
    expect(config.api.host).toBe('127.0.0.1');
  });

  it('probes use the management port', () => {
    const config = loadConfig(envOf(signer));

    for (const probe of [signer.readinessProbe, signer.livenessProbe, signer.startupProbe]) {
      expect(probe?.httpGet.port).toBe(config.management.port);
    }
    expect(signer.ports?.map((port) => port.containerPort)).toContain(config.management.port);
  });

  it('signer ports avoid the node ports', () => {
    const config = loadConfig(envOf(signer));
    const nodePorts = (node.ports ?? []).map((port) => port.containerPort);

    expect(nodePorts).not.toContain(config.api.port);
    expect(nodePorts).not.toContain(config.management.port);
  });

  it('runs hardened with limits', () => {
    expect(signer.securityContext?.runAsNonRoot).toBe(true);
    expect(signer.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(signer.securityContext?.capabilities?.drop).toEqual(['ALL']);
    expect(signer.resources?.limits?.memory).toBeDefined();
    expect(signer.resources?.requests?.cpu).toBeDefined();
  });

  it('uses Workload Identity', () => {
    const account = documents.find((document) => document.kind === 'ServiceAccount')!;

    expect(deployment.spec.template.spec.serviceAccountName).toBe(account.metadata.name);
    expect(account.metadata.annotations['iam.gke.io/gcp-service-account']).toMatch(/@.*\.iam\.gserviceaccount\.com$/);
  });
});

describe('probe paths on a running signer', () => {
  let started: StartedSigner;
  beforeAll(async () => {
    started = await startSigner();
  });
  afterAll(async () => {
    await started.stop();
  });

  for (const [name, probe] of [
    ['readiness', signer.readinessProbe],
    ['liveness', signer.livenessProbe],
    ['startup', signer.startupProbe],
  ] as const) {
    it(`${name} probe path answers 200`, async () => {
      const response = await fetch(`${started.managementUrl}${probe!.httpGet.path}`);

      expect(response.status).toBe(200);
    });
  }
});
