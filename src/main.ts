import { runSigner } from './run.js';

// `npm start`: the compiled service, configured only by ATTO_SIGNER_* variables.
await runSigner(process.env);
