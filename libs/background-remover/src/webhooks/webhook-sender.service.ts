import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { fetchPinned, resolvePublicTarget } from '@app/common';
import { AppConfig } from '@app/config';

/** Queue options of every webhook delivery: BullMQ retries a failed POST with exponential backoff. */
export const WEBHOOK_DELIVERY_OPTIONS = { attempts: 8, backoff: { type: 'exponential', delay: 5_000 } } as const;

/**
 * Signed webhook POSTs (batches and single jobs). Signature: `Lumiku-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<webhook id>.<t>.<raw body>" with WEBHOOK_SIGNING_SECRET>`. Non-2xx or network errors throw, so the delivery job
 * is retried (WEBHOOK_DELIVERY_OPTIONS).
 */
@Injectable()
export class WebhookSender {
  constructor(private readonly config: AppConfig) {}

  async send(url: string, webhookId: string, payload: unknown): Promise<number> {
    // Re-checked at delivery (the name may resolve elsewhere now), and the request connects only to the
    // addresses checked here, so a DNS answer that changes in between cannot redirect it.
    const target = await resolvePublicTarget(url, { field: 'webhookUrl', allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE_TARGETS });
    const body = JSON.stringify(payload);
    const timestamp = Math.floor(Date.now() / 1000);
    // Redirects are not followed: a 3xx is a failed delivery like any other non-2xx.
    const response = await fetchPinned(target, {
      method: 'POST',
      timeoutMs: this.config.WEBHOOK_TIMEOUT_MS,
      discardBody: true,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Lumiku-Webhooks/1',
        'lumiku-webhook-id': webhookId,
        'lumiku-signature': `t=${timestamp},v1=${signWebhook(this.config.WEBHOOK_SIGNING_SECRET, webhookId, timestamp, body)}`,
      },
      body,
    });
    if (response.status < 200 || response.status >= 300) {
      throw new Error(`webhook answered ${response.status}`);
    }
    return response.status;
  }
}

export function signWebhook(secret: string, webhookId: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${webhookId}.${timestamp}.${body}`).digest('hex');
}
