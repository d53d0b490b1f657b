/**
 * A small LRU of message → signature with a lifetime. Ed25519 signatures are deterministic and
 * public, so a signature made once can be given again for the same message without a backend
 * call. Only successful signatures are stored.
 */
export class RecentSignatures {
  // A Map keeps insertion order: the first key is the least recently used one.
  private readonly entries = new Map<string, { signature: Uint8Array; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly lifetimeMs: number,
  ) {}

  /** Returns the stored signature of `key`, or undefined when absent or expired. */
  get(key: string, now: number): Uint8Array | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;

    this.entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.entries.set(key, entry);
    return entry.signature;
  }

  /** Stores `signature` for `key`, evicting the least recently used entry when full. */
  set(key: string, signature: Uint8Array, now: number): void {
    if (this.maxEntries === 0) return;

    this.entries.delete(key);
    this.entries.set(key, { signature, expiresAt: now + this.lifetimeMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
