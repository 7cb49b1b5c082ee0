/** `npm start`: the local runtime command on its own (the CLI offers it as `sqs-jobs dev`). */
import { devCommand } from './dev-command.ts';

devCommand('npm start').parseAsync().catch((error: unknown) => {
  console.error(`sqs-jobs: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
