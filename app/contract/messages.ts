/**
 * The envelope every transport carries: requests, responses and events, validated on arrival.
 * Errors travel as {code, message} (app/common/errors) and are rebuilt on the other side.
 */
import { z } from 'zod/mini';
import { ERROR_CODES, StudioError } from '../common/errors';
import { EVENTS, METHODS, type EventName, type MethodName } from './schemas';

export const RequestSchema = z.object({
  type: z.literal('request'),
  id: z.int().check(z.nonnegative()),
  method: z.string(),
  params: z.unknown(),
});
export const ResponseSchema = z.union([
  z.object({ type: z.literal('response'), id: z.int(), ok: z.literal(true), result: z.unknown() }),
  z.object({
    type: z.literal('response'),
    id: z.int(),
    ok: z.literal(false),
    error: z.object({ code: z.enum(ERROR_CODES), message: z.string() }),
  }),
]);
export const EventSchema = z.object({ type: z.literal('event'), name: z.string(), payload: z.unknown() });
export const MessageSchema = z.union([RequestSchema, ResponseSchema, EventSchema]);

export type RequestMessage = z.output<typeof RequestSchema>;
export type ResponseMessage = z.output<typeof ResponseSchema>;
export type EventMessage = z.output<typeof EventSchema>;
export type Message = RequestMessage | ResponseMessage | EventMessage;

function describeIssues(e: z.core.$ZodError): string {
  return e.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
}

/** Validates an incoming message's envelope. @throws StudioError PARAM_INVALID naming the problem. */
export function parseMessage(raw: unknown): Message {
  const r = MessageSchema.safeParse(raw);
  if (!r.success) throw new StudioError('PARAM_INVALID', `Malformed message: ${describeIssues(r.error)}`);
  return r.data as Message;
}

export function isMethod(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(METHODS, name);
}

/** Validates a request's params. @throws StudioError PARAM_INVALID naming the method and field. */
export function parseParams<M extends MethodName>(
  method: M,
  params: unknown,
): z.output<(typeof METHODS)[M]['params']> {
  const r = METHODS[method].params.safeParse(params);
  if (!r.success)
    throw new StudioError('PARAM_INVALID', `Invalid parameters for ${method}: ${describeIssues(r.error)}`);
  return r.data as z.output<(typeof METHODS)[M]['params']>;
}

/** Validates a result before it is handed to the caller (the engine's side of the contract). */
export function parseResult<M extends MethodName>(
  method: M,
  result: unknown,
): z.output<(typeof METHODS)[M]['result']> {
  const r = METHODS[method].result.safeParse(result);
  if (!r.success)
    throw new StudioError('INTERNAL', `Invalid result from ${method}: ${describeIssues(r.error)}`);
  return r.data as z.output<(typeof METHODS)[M]['result']>;
}

export function parseEvent<E extends EventName>(name: E, payload: unknown): z.output<(typeof EVENTS)[E]> {
  const r = EVENTS[name].safeParse(payload);
  if (!r.success) throw new StudioError('PARAM_INVALID', `Invalid ${name} event: ${describeIssues(r.error)}`);
  return r.data as z.output<(typeof EVENTS)[E]>;
}

export function isEvent(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(EVENTS, name);
}
