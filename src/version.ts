import { readFileSync } from 'node:fs';

// package.json sits one folder above both src/ and dist/.
const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** The version of this package, as package.json states it. */
export const SIGNER_VERSION: string = packageJson.version;
