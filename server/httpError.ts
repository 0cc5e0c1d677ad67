import { FlowguardError } from '../core/errors.ts';

/**
 * An error that ends an HTTP request with `status` and a message safe to show the client. Anything
 * else thrown in a handler becomes a bare 500 and its details go only to the server log.
 */
export class HttpError extends FlowguardError {
  constructor(
    readonly status: number,
    /** Stable, machine-readable: `unauthorized`, `forbidden`, `invalid_body`, … */
    readonly code: string,
    message: string,
    /** Extra fields for the client, such as validation issues. */
    readonly details?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message, { retriable: status === 503 });
  }
}
