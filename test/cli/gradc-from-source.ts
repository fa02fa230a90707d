/**
 * The gradc command run from the TypeScript sources (`node --import tsx test/cli/gradc-from-source.ts`),
 * for tests that need a separate process: no build of dist/ is needed, and none can be stale.
 */
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
