import { ConfigError } from './config-error.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** Reads typed settings from environment variables, naming the variable in every error. */
export class EnvReader {
  constructor(private readonly env: Environment) {}

  /** The trimmed value, or undefined when unset or blank. */
  optional(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  /** The trimmed value; throws with `fix` when unset or blank. */
  required(name: string, fix: string): string {
    const value = this.optional(name);
    if (value === undefined) throw new ConfigError(name, `is not set; ${fix}`);
    return value;
  }

  /** An integer in [min, max], or `fallback` when unset. */
  integer(name: string, fallback: number, min: number, max: number, unit: string): number {
    const text = this.optional(name);
    if (text === undefined) return fallback;

    const value = /^-?[0-9]+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      throw new ConfigError(name, `must be an integer from ${min} to ${max} (${unit}), got "${text}"`);
    }
    return value;
  }

  /** A TCP port (0 to 65535, where 0 picks a free port), or `fallback` when unset. */
  port(name: string, fallback: number): number {
    return this.integer(name, fallback, 0, 65535, 'a TCP port; 0 picks a free one');
  }

  /** One of `choices`, compared without letter case, or `fallback` when unset. */
  choice<T extends string>(name: string, choices: readonly T[], fallback?: T): T {
    const text = this.optional(name);
    if (text === undefined) {
      if (fallback !== undefined) return fallback;
      throw new ConfigError(name, `is not set; set it to one of ${choices.join(', ')}`);
    }

    const match = choices.find((choice) => choice.toLowerCase() === text.toLowerCase());
    if (match === undefined) {
      throw new ConfigError(name, `must be one of ${choices.join(', ')}, got "${text}"`);
    }
    return match;
  }

  /** A comma-separated list of `choices` without letter case or duplicates, or `fallback` when unset. */
  choiceList<T extends string>(name: string, choices: readonly T[], fallback: readonly T[]): readonly T[] {
    const text = this.optional(name);
    if (text === undefined) return fallback;

    const result = new Set<T>();
    for (const item of text.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
      const match = choices.find((choice) => choice.toLowerCase() === item.toLowerCase());
      if (match === undefined) {
        throw new ConfigError(name, `"${item}" is not one of ${choices.join(', ')}`);
      }
      result.add(match);
    }
    if (result.size === 0) throw new ConfigError(name, `lists nothing; set one or more of ${choices.join(', ')}`);
    return [...result];
  }
}
