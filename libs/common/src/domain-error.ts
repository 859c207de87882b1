import { ErrorCode } from './error-codes';

/**
 * The one error type libs throw. It carries a stable code (mapped to HTTP by the API) and optional
 * client-safe details. Never put secrets, SQL or stack traces in message or details.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string) {
    super('NOT_FOUND', `${entity} not found`);
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
