/**
 * Loads the emulators (fauxqs, dynalite) on first use. They are optional peer dependencies:
 * an application that only enqueues or deploys never installs them, and the CLI starts without
 * them; `sqs-jobs/local` and `sqs-jobs dev` ask for them with one clear error.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { ConfigurationError } from '../shared/errors.ts';

export interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
  path?: string;
}

/** The part of fauxqs this package uses (its own types stay out of our declarations). */
interface FauxqsServer {
  readonly port: number;
  stop(): Promise<void>;
}

export interface EmulatorPackages {
  readonly startFauxqs: (options: { port: number; logger: boolean; dataDir?: string }) => Promise<FauxqsServer>;
  readonly dynalite: (options?: DynaliteOptions) => Server;
}

export const EMULATOR_INSTALL_HINT = 'npm install --save-dev fauxqs dynalite';

let loaded: Promise<EmulatorPackages> | undefined;

export function loadEmulatorPackages(): Promise<EmulatorPackages> {
  loaded ??= (async () => {
    try {
      const { startFauxqs } = await import('fauxqs');
      // dynalite is CommonJS and ships no type declarations.
      const dynalite = createRequire(import.meta.url)('dynalite') as EmulatorPackages['dynalite'];
      return { startFauxqs, dynalite };
    } catch (error) {
      loaded = undefined;
      const code = (error as { code?: string }).code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
        throw new ConfigurationError(
          `the local runtime needs the embedded emulators fauxqs and dynalite; install them: ${EMULATOR_INSTALL_HINT}`,
        );
      }
      throw error;
    }
  })();
  return loaded;
}
