import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PROMTOOL_FOUND = spawnSync('promtool', ['--version']).status === 0;

describe('Prometheus alert rules', () => {
  // CI installs Debian's prometheus package for promtool; elsewhere the check runs only
  // where promtool is installed, and CI fails rather than skip it.
  it.runIf(PROMTOOL_FOUND || process.env.CI === 'true')('pass promtool check rules', () => {
    expect(PROMTOOL_FOUND, 'promtool not found; apt-get install prometheus').toBe(true);

    const output = execFileSync('promtool', ['check', 'rules', 'deploy/prometheus/alerts.yml'], { cwd: ROOT, encoding: 'utf8' });

    expect(output).toContain('SUCCESS: 7 rules found');
  });
});
