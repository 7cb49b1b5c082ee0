// The delay dispatcher's Lambda entry: it needs no job registry, so every pipeline bundles this file.
import { createDispatcherHandler } from '../handlers/dispatcher-handler.ts';

export const handler = createDispatcherHandler();
