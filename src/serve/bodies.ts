/**
 * Every request body, validated on the way in. A mistake is a 400 naming the field as a path
 * (`responses[2]`, `tool_calls[0].function.name`), so a client learns which of its values is wrong.
 */
import { z } from 'zod';
import { SRL_REWARD_MODES } from '../reward/srl.js';
import { HttpError } from './http-error.js';

export interface BodyLimits {
  /** Longest response (or step text) in characters; a longer one is refused with its field named. */
  maxResponseChars: number;
  /** Most responses in one reward batch. */
  maxBatch: number;
}

function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? String(part) : `.${String(part)}`;
  return out === '' ? 'body' : out;
}

/** Parses `body` with `schema`, or throws a 400 naming the first wrong field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'body: expected a JSON object', { field: 'body' });
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = fieldPath(issue.path);
  throw new HttpError(400, `${field}: ${issue.message}`, { field });
}

const boundedText = (limits: BodyLimits, what: string) =>
  z.string({ error: `expected ${what} as a string` }).max(limits.maxResponseChars, `longer than ${limits.maxResponseChars} characters`);

const batch = <T extends z.ZodType>(item: T, limits: BodyLimits, what: string) =>
  z
    .array(item, { error: `expected a list of ${what}` })
    .min(1, `expected at least one of ${what}`)
    .max(limits.maxBatch, `more than ${limits.maxBatch} items in one batch`);

export function srlRewardBodySchema(limits: BodyLimits) {
  return z
    .strictObject({
      responses: batch(boundedText(limits, 'a response'), limits, 'responses'),
      targets: batch(z.union([z.string(), z.looseObject({})], { error: 'expected {"target", "tool_format"} or an action text' }), limits, 'targets').optional(),
      step_ids: batch(z.string({ error: 'expected a step id as a string' }).min(1, 'empty step id'), limits, 'step ids').optional(),
      mode: z.enum(SRL_REWARD_MODES, { error: `expected one of ${SRL_REWARD_MODES.join(', ')}` }).optional(),
    })
    .superRefine((body, context) => {
      const given = (body.targets ? 1 : 0) + (body.step_ids ? 1 : 0);
      if (given !== 1) context.addIssue({ code: 'custom', path: ['targets'], message: 'give exactly one of targets and step_ids' });
      const keys = body.targets ? 'targets' : 'step_ids';
      const length = (body.targets ?? body.step_ids)?.length;
      if (length !== undefined && length !== body.responses.length) {
        context.addIssue({ code: 'custom', path: [keys], message: `${length} items for ${body.responses.length} responses` });
      }
    });
}

export function openRlhfBodySchema(limits: BodyLimits) {
  return z
    .looseObject({
      query: batch(boundedText(limits, 'a query (prompt + response)'), limits, 'queries'),
      prompts: batch(z.string({ error: 'expected the prompt as a string' }), limits, 'prompts'),
      labels: batch(z.string({ error: 'expected the label as a string' }), limits, 'labels'),
    })
    .superRefine((body, context) => {
      for (const key of ['prompts', 'labels'] as const) {
        if (body[key].length !== body.query.length) context.addIssue({ code: 'custom', path: [key], message: `${body[key].length} items for ${body.query.length} queries` });
      }
    });
}

export const episodeStartBodySchema = z.strictObject({
  instance_id: z.string({ error: 'expected the instance id as a string' }).min(1, 'empty instance id'),
  sample: z.int({ error: 'expected the sample number as an integer' }).min(0).max(1_000_000).optional(),
});

export function episodeStepBodySchema(limits: BodyLimits) {
  const toolCall = z.union(
    [
      z.looseObject({
        id: z.string().optional(),
        type: z.literal('function').optional(),
        function: z.looseObject({
          name: z.string({ error: 'expected the function name' }).min(1),
          arguments: z.union([boundedText(limits, 'the arguments'), z.record(z.string(), z.unknown())]).optional(),
        }),
      }),
      z.looseObject({
        id: z.string().optional(),
        name: z.string({ error: 'expected the function name' }).min(1),
        arguments: z.union([boundedText(limits, 'the arguments'), z.record(z.string(), z.unknown())]).optional(),
      }),
    ],
    { error: 'expected a tool call {"function": {"name", "arguments"}} or {"name", "arguments"}' },
  );
  return z
    .strictObject({
      text: boundedText(limits, 'the model output').optional(),
      tool_calls: z.array(toolCall, { error: 'expected a list of tool calls' }).max(64, 'more than 64 tool calls').optional(),
    })
    .refine((body) => body.text !== undefined || body.tool_calls !== undefined, { message: 'give text, tool_calls or both', path: ['text'] });
}

export type EpisodeStepBody = z.output<ReturnType<typeof episodeStepBodySchema>>;
