// Request bodies as the Atto node sends them: votes for the signer's own key, timestamped now,
// and handshake challenges timestamped now. The signer returns a recent signature of the same
// message from its cache and shares one backend call between identical requests in flight, so
// every body made here carries a message that no other body in the run has.
import { randomBytes } from 'node:crypto';

/** Length of the challenges sent, the shortest a peer handshake uses. */
const CHALLENGE_BYTES = 64;

/** Bytes at the end of a block hash or challenge that hold the request counter. */
const COUNTER_BYTES = 8;

/** Makes vote and challenge bodies, each with a message that is new in this process. */
export class RequestBodies {
  private counter = 0;
  private readonly blockHashPrefix = randomBytes(32 - COUNTER_BYTES).toString('hex').toUpperCase();
  private readonly challengePrefix = randomBytes(CHALLENGE_BYTES - COUNTER_BYTES).toString('hex').toUpperCase();

  /** `publicKey` is the signer's public key as 64 hex characters. */
  constructor(private readonly publicKey: string) {}

  private nextCounterHex(): string {
    return (this.counter++).toString(16).toUpperCase().padStart(COUNTER_BYTES * 2, '0');
  }

  /** Returns a vote for a block hash that no earlier vote had, timestamped now. */
  nextVote(): string {
    return (
      `{"target":{"version":0,"algorithm":"V1","publicKey":"${this.publicKey}","blockAlgorithm":"V1",` +
      `"blockHash":"${this.blockHashPrefix}${this.nextCounterHex()}","timestamp":${Date.now()}}}`
    );
  }

  /** Returns a challenge whose bytes no earlier challenge had, timestamped now. */
  nextChallenge(): string {
    return `{"target":"${this.challengePrefix}${this.nextCounterHex()}","timestamp":${Date.now()}}`;
  }
}
