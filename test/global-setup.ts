/** Builds the CLI once before the test files that spawn it run. */
import { buildCli } from '../cli/build.ts';

export default async function setup(): Promise<void> {
  await buildCli();
}
