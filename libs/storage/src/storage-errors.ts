import { DomainError } from '@app/common';

/** The errors every storage driver raises, so callers see the same codes whatever the backend. */
export function storedFileNotFound(): DomainError {
  return new DomainError('NOT_FOUND', 'Stored file not found');
}

export function contentTooLarge(maxBytes: number): DomainError {
  return new DomainError('PAYLOAD_TOO_LARGE', `Content exceeds ${maxBytes} bytes`, { maxBytes });
}
