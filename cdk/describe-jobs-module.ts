/**
 * Run by `JobsModule` in a child process (with the tsx loader): loads an app's jobs module and
 * prints what the construct needs at synth time as JSON — the class catalog, the schedules and
 * the job names. A child keeps the app's code and its side effects out of the CDK process and
 * lets a construct constructor stay synchronous.
 *
 *   node --import tsx/esm describe-jobs-module.js <entry> <registryExport> <schedulesExport>
 */
import { loadAppModule } from '../shared/app-module.ts';
import { errorMessage } from '../shared/errors.ts';

const [entry, registryExport, schedulesExport] = process.argv.slice(2);
try {
  if (!entry || !registryExport || !schedulesExport) throw new Error('usage: describe-jobs-module <entry> <registryExport> <schedulesExport>');
  const app = await loadAppModule(entry, { registryExport, schedulesExport });
  const description = {
    classes: app.registry.classes,
    schedules: app.schedules,
    jobs: app.registry.definitions.map((definition) => ({ name: definition.name, class: definition.class })),
  };
  process.stdout.write(JSON.stringify(description));
} catch (error) {
  process.stderr.write(errorMessage(error));
  process.exitCode = 1;
}
