import { randomBytes } from 'node:crypto';
import { LocalBackend } from './kms/local/local-backend.js';
import { toAddress } from './protocol/address.js';
import { runSigner } from './run.js';

// `npm run dev`: a LOCAL signer with a fresh key and token unless the environment sets them.
// Both are printed once, here, and never logged.
const env: Record<string, string | undefined> = { ...process.env };
env.ATTO_SIGNER_BACKEND ??= 'LOCAL';
env.ATTO_SIGNER_CAPABILITIES ??= 'BLOCK,VOTE,CHALLENGE';
env.ATTO_SIGNER_MANAGEMENT_HOST ??= '127.0.0.1';
env.ATTO_SIGNER_LOG_LEVEL ??= 'info';

const lines = ['atto-signer development instance (not for production)'];
if (env.ATTO_SIGNER_BACKEND === 'LOCAL' && env.ATTO_SIGNER_KEY === undefined && env.ATTO_SIGNER_KEY_FILE === undefined) {
  const seed = randomBytes(32);
  const publicKey = await new LocalBackend(seed).loadPublicKey();
  env.ATTO_SIGNER_KEY = seed.toString('hex').toUpperCase();
  lines.push(
    `  generated key (seed): ${env.ATTO_SIGNER_KEY}`,
    `  public key:           ${Buffer.from(publicKey).toString('hex').toUpperCase()}`,
    `  address:              ${toAddress(publicKey)}`,
  );
}
if (env.ATTO_SIGNER_TOKEN === undefined) {
  env.ATTO_SIGNER_TOKEN = randomBytes(32).toString('hex');
  lines.push(`  generated token:      ${env.ATTO_SIGNER_TOKEN}`);
}
process.stdout.write(`${lines.join('\n')}\n`);

await runSigner(env, { development: true });
