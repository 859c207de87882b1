import { describe, expect, it } from 'vitest';
import { parseEventStream, type ServerSentEvent } from './sse.js';

/** A body delivered in exactly these chunks, as a network may split it. */
function body(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<ServerSentEvent[]> {
  const events: ServerSentEvent[] = [];
  for await (const event of parseEventStream(stream)) events.push(event);
  return events;
}

describe('parseEventStream', () => {
  it('parses events, ids and multi-line data; skips comments and events without data', async () => {
    const events = await collect(body('event: progress\nid: 1\ndata: {"a":1}\n\n: keep-alive\n\nevent: empty\n\ndata: line one\ndata: line two\n\nevent: end\ndata: {}\n\n'));
    expect(events).toEqual([
      { event: 'progress', id: '1', data: '{"a":1}' },
      { event: 'message', data: 'line one\nline two' },
      { event: 'end', data: '{}' },
    ]);
  });

  it('gives the same events however the bytes are split (inside fields, CRLF pairs and multi-byte characters)', async () => {
    const text = 'event: progress\r\ndata: {"name":"café ✓"}\r\n\r\nevent: end\r\ndata: {}\r\n\r\n';
    const expected = await collect(body(text));
    expect(expected).toEqual([
      { event: 'progress', data: '{"name":"café ✓"}' },
      { event: 'end', data: '{}' },
    ]);
    const bytes = new TextEncoder().encode(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const split = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes.slice(0, cut));
          controller.enqueue(bytes.slice(cut));
          controller.close();
        },
      });
      expect(await collect(split), `split at byte ${cut}`).toEqual(expected);
    }
  });

  it('drops an unterminated last event (the stream was cut) and cancels the body when the consumer stops early', async () => {
    expect(await collect(body('data: complete\n\ndata: cut off'))).toEqual([{ event: 'message', data: 'complete' }]);

    let cancelled = false;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: tick\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of parseEventStream(endless)) {
      expect(event.data).toBe('tick');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
