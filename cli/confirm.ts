/** Asks before a destructive command; without a terminal it refuses unless `--yes` was given. */
import { createInterface } from 'node:readline/promises';
import { InvalidOptionError } from '../shared/errors.ts';

export async function confirm(question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true;
  if (!process.stdin.isTTY) {
    throw new InvalidOptionError(`${question.replace(/\?$/, '')}: refusing without --yes (no terminal to confirm on)`);
  }
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
  } finally {
    prompt.close();
  }
}
