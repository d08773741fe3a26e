import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../../common/app-error.js';
import { APP_CONFIG } from '../../config/app-config.token.js';
import type { AppConfig } from '../../config/environment.js';

/**
 * Uploads streaming at once in this instance. A full house answers 503 with
 * Retry-After at once, so uploads never queue up and starve tips without files.
 */
@Injectable()
export class UploadSlots {
  private inUse = 0;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get active(): number {
    return this.inUse;
  }

  /** Takes a slot or throws 503; the returned function gives it back (once). */
  acquire(): () => void {
    if (this.inUse >= this.config.uploadConcurrency) {
      throw new AppError(
        'unavailable',
        503,
        'Too many uploads are in progress. Nothing was stored; retry shortly.',
        undefined,
        10,
      );
    }
    this.inUse++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse--;
    };
  }
}
