/**
 * Checks a batch or chain before anything is written, and throws one InvalidOptionError that
 * names the first problem and where it is (`batch member 3: unknown job "x"`).
 *
 * @example
 * validateBatch(registry, { members: [] }); // throws: a batch needs at least one member
 */
import { InvalidOptionError } from '../errors.ts';
import type { JobRegistry } from '../job-registry.ts';
import { MAX_BATCH_MEMBERS, MAX_CHAIN_STEPS, type BatchSpec, type CallbackSpec, type ChainSpec, type JobStep } from './workflow-types.ts';

/** Nesting levels (a batch in a chain in a batch …): each adds a `.<n>` to the job ids. */
export const MAX_WORKFLOW_DEPTH = 6;

export function validateBatch(registry: JobRegistry, spec: BatchSpec, where = 'batch', depth = 1): void {
  if (depth > MAX_WORKFLOW_DEPTH) throw new InvalidOptionError(`${where}: workflows nest at most ${MAX_WORKFLOW_DEPTH} levels deep`);
  if (!Array.isArray(spec.members) || spec.members.length === 0) throw new InvalidOptionError(`${where}: a batch needs at least one job`);
  if (spec.members.length > MAX_BATCH_MEMBERS) {
    throw new InvalidOptionError(`${where}: ${spec.members.length} jobs; a batch holds at most ${MAX_BATCH_MEMBERS} (split it, or nest batches in a chain)`);
  }
  validateName(spec.name, where);
  for (const which of ['then', 'catch', 'finally'] as const) validateCallback(registry, spec[which], `${where} ${which}`);
  spec.members.forEach((member, index) => {
    const at = `${where} member ${index}`;
    if ('chain' in member) validateChain(registry, member.chain, `${at} (chain)`, depth + 1);
    else validateStep(registry, member, at, false);
  });
}

export function validateChain(registry: JobRegistry, spec: ChainSpec, where = 'chain', depth = 1): void {
  if (depth > MAX_WORKFLOW_DEPTH) throw new InvalidOptionError(`${where}: workflows nest at most ${MAX_WORKFLOW_DEPTH} levels deep`);
  if (!Array.isArray(spec.steps) || spec.steps.length === 0) throw new InvalidOptionError(`${where}: a chain needs at least one step`);
  if (spec.steps.length > MAX_CHAIN_STEPS) throw new InvalidOptionError(`${where}: ${spec.steps.length} steps; a chain holds at most ${MAX_CHAIN_STEPS}`);
  validateName(spec.name, where);
  for (const which of ['then', 'catch'] as const) validateCallback(registry, spec[which], `${where} ${which}`);
  spec.steps.forEach((step, index) => {
    const at = `${where} step ${index}`;
    if ('batch' in step) validateBatch(registry, step.batch, `${at} (batch)`, depth + 1);
    else validateStep(registry, step, at, index > 0);
  });
}

function validateName(name: string | undefined, where: string): void {
  if (name !== undefined && (typeof name !== 'string' || name.length === 0 || name.length > 200)) {
    throw new InvalidOptionError(`${where}: name must be a string of 1 to 200 characters`);
  }
}

function validateCallback(registry: JobRegistry, callback: CallbackSpec | undefined, where: string): void {
  if (callback === undefined) return;
  validateStep(registry, callback, where, false);
}

/** A step whose payload waits for the previous result is checked when that result is known. */
function validateStep(registry: JobRegistry, step: JobStep, where: string, mayTakeResult: boolean): void {
  const definition = registry.get(step.job);
  if (!definition) throw new InvalidOptionError(`${where}: unknown job "${step.job}" (not in the job registry)`);
  if (step.resultAs !== undefined) {
    if (!mayTakeResult) throw new InvalidOptionError(`${where}: resultAs needs a previous chain step whose result it takes`);
    if (typeof step.resultAs !== 'string' || step.resultAs.length === 0) throw new InvalidOptionError(`${where}: resultAs must name a payload key`);
    return;
  }
  const parsed = definition.schema.safeParse(step.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidOptionError(`${where}: invalid payload for job "${step.job}": ${issue?.path.map(String).join('.') || '(payload)'}: ${issue?.message}`);
  }
}
