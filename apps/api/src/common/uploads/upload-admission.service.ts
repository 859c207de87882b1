import { Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@app/common';
import { AppConfig } from '@app/config';

/** A slot held while a paid upload is read, validated, charged and queued. Releasing twice is harmless. */
export interface AdmissionPermit {
  release(): void;
}

interface Waiter {
  grant: (permit: AdmissionPermit) => void;
  timer: NodeJS.Timeout;
}

/**
 * Per-process bound on paid uploads being accepted at once. A burst beyond UPLOAD_ADMISSION_CONCURRENCY waits in a
 * short FIFO queue; beyond UPLOAD_ADMISSION_QUEUE (or after UPLOAD_ADMISSION_WAIT_MS) it is shed with 503
 * SERVER_BUSY + Retry-After BEFORE its body is read. This keeps the DB pool, memory and event loop at a load they
 * sustain, instead of every request timing out together. Waiting for a job's result (`Prefer: wait`) happens after
 * the permit is released, so slow jobs never hold admission slots.
 */
@Injectable()
export class UploadAdmissionService {
  private readonly logger = new Logger(UploadAdmissionService.name);
  private active = 0;
  private readonly queue: Waiter[] = [];

  constructor(private readonly config: AppConfig) {}

  async acquire(): Promise<AdmissionPermit> {
    if (this.active < this.config.UPLOAD_ADMISSION_CONCURRENCY) return this.grant();
    if (this.queue.length >= this.config.UPLOAD_ADMISSION_QUEUE) throw this.busy('queue full');
    return new Promise<AdmissionPermit>((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          this.queue.splice(this.queue.indexOf(waiter), 1);
          reject(this.busy('waited too long'));
        }, this.config.UPLOAD_ADMISSION_WAIT_MS),
      };
      this.queue.push(waiter);
    });
  }

  /** Current load, for logs and tests. */
  stats(): { active: number; queued: number } {
    return { active: this.active, queued: this.queue.length };
  }

  private grant(): AdmissionPermit {
    this.active++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.active--;
        const next = this.queue.shift();
        if (next) {
          clearTimeout(next.timer);
          next.grant(this.grant());
        }
      },
    };
  }

  private busy(reason: string): DomainError {
    this.logger.warn({ ...this.stats(), reason }, 'paid upload shed: server busy');
    return new DomainError('SERVER_BUSY', 'Too many uploads are being accepted right now; retry after the time in Retry-After');
  }
}
