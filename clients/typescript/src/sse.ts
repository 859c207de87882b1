/** One server-sent event: `event:` (default `message`), `data:` lines joined by `\n`, and `id:` if sent. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * Parses a `text/event-stream` body (WHATWG rules, enough for this API: event, data, id; comments and `retry:`
 * ignored). Works with fetch streaming, so unlike EventSource it can send an Authorization header.
 */
export async function* parseEventStream(body: ReadableStream<Uint8Array>, signal?: AbortSignal): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const abort = () => void reader.cancel().catch(() => undefined);
  signal?.addEventListener('abort', abort, { once: true });
  let buffer = '';
  let event: Partial<ServerSentEvent> = {};
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let newline: RegExpExecArray | null;
      const lineBreak = /\r\n|\r|\n/g;
      let consumed = 0;
      while ((newline = lineBreak.exec(buffer))) {
        // A lone \r at the end of the buffer may be the first half of \r\n: wait for more.
        if (newline[0] === '\r' && newline.index === buffer.length - 1 && !done) break;
        const line = buffer.slice(consumed, newline.index);
        consumed = newline.index + newline[0].length;
        if (line === '') {
          if (event.data !== undefined) yield { event: event.event || 'message', data: event.data, ...(event.id !== undefined ? { id: event.id } : {}) };
          event = {};
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.event = value;
        else if (field === 'data') event.data = event.data === undefined ? value : `${event.data}\n${value}`;
        else if (field === 'id') event.id = value;
      }
      buffer = buffer.slice(consumed);
      if (done) {
        finished = true;
        return;
      }
    }
  } finally {
    signal?.removeEventListener('abort', abort);
    // The consumer stopped early (break, throw): close the connection instead of leaving it open.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
