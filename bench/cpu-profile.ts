// Summarizes a V8 .cpuprofile (as written by `node --cpu-prof`): self time per function and
// per package. The profile covers the main thread only, from process start to exit.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly hitCount?: number;
}

interface CpuProfile {
  readonly nodes: ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: number[];
}

export interface SelfTime {
  /** A function as `name (file:line)`, or a package or area name. */
  readonly location: string;
  readonly selfMs: number;
  /** Share of the busy (not idle) samples, in percent. */
  readonly percent: number;
}

export interface ProfileSummary {
  /** Main-thread time spent outside `(idle)`, in milliseconds. */
  readonly busyMs: number;
  readonly topFunctions: SelfTime[];
  readonly byArea: SelfTime[];
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) return url.slice(modules + 'node_modules/'.length);
  const distIndex = url.lastIndexOf('/dist/');
  if (distIndex !== -1) return url.slice(distIndex + 1);
  return url.replace(/^file:\/\//, '');
}

/** Names the package or area a frame belongs to: a package, a dist/ folder, or Node itself. */
function areaOf(url: string, functionName: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') === true ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  const distIndex = url.lastIndexOf('/dist/');
  if (distIndex !== -1) return `dist/${url.slice(distIndex + '/dist/'.length).split('/')[0]}`;
  if (url.startsWith('node:')) return 'node: internals';
  if (url === '') return functionName.startsWith('(') ? functionName : 'native (syscalls, C++)';
  return shortUrl(url);
}

function ranked(hits: Map<string, number>, msPerSample: number, busySamples: number, count: number): SelfTime[] {
  return [...hits.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([location, samples]) => ({
      location,
      selfMs: samples * msPerSample,
      percent: (samples / Math.max(1, busySamples)) * 100,
    }));
}

/** Returns the busy time and the functions and areas with the most self time, idle left out. */
export function summarizeProfile(path: string, count: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / Math.max(1, profile.samples.length);

  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let busySamples = 0;
  for (const node of profile.nodes) {
    const frame = node.callFrame;
    const samples = node.hitCount ?? 0;
    if (frame.functionName === '(idle)' || samples === 0) continue;

    busySamples += samples;
    const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
    const location = frame.url === '' ? name : `${name} (${shortUrl(frame.url)}:${frame.lineNumber + 1})`;
    functions.set(location, (functions.get(location) ?? 0) + samples);
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + samples);
  }

  return {
    busyMs: busySamples * msPerSample,
    topFunctions: ranked(functions, msPerSample, busySamples, count),
    byArea: ranked(areas, msPerSample, busySamples, count),
  };
}
