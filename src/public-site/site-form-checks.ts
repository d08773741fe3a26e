import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import type { CounterStore } from '../common/rate-limit/counter-store.js';
import { COUNTER_STORE } from '../common/rate-limit/rate-limit.module.js';
import { APP_CONFIG } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';
import { SERVER_SECRET } from '../config/server-secret.js';
import { ProofOfWorkService } from '../proof-of-work/proof-of-work.service.js';
import { MAX_FILES } from '../tips/attachments/multipart.js';
import { verifyFormToken, type FormPurpose } from './form-token.js';
import type { Lang } from './messages.js';
import { siteErrorMessage } from './site-exception.filter.js';
import { TooManyFilesError, type SiteForm } from './site-form.js';
import type { FieldError } from './site-pages.js';
import { SiteRenderer } from './site-renderer.js';

/** `no-js`: the plain HTML form (its own hourly limit); `proof`: sent by the script with a proof of work. */
export type SubmitMode = 'no-js' | 'proof';

/** Why a form was refused: the status to answer with and what to tell the person. */
export interface FormRefusal {
  status: number;
  error: FieldError;
}

/** What both forms (a tip, a follow-up message) check before anything is stored. */
@Injectable()
export class SiteFormChecks {
  constructor(
    private readonly renderer: SiteRenderer,
    private readonly pow: ProofOfWorkService,
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SERVER_SECRET) private readonly secret: Buffer,
  ) {}

  /**
   * Honeypot, signed single-use token (rendered here, at least SITE_MIN_SECONDS
   * ago, at most SITE_FORM_TOKEN_HOURS), and on the `with-proof` route the
   * proof of work, spent exactly as the API spends it.
   */
  async check(
    form: SiteForm,
    purpose: FormPurpose,
    mode: SubmitMode,
    lang: Lang,
  ): Promise<FormRefusal | undefined> {
    const t = (key: string) => this.renderer.t(lang, key);
    if ((form.fields.website ?? '') !== '') {
      return { status: 400, error: { message: t('errors.refused') } };
    }
    const verdict = verifyFormToken(this.secret, form.fields.token, purpose, {
      minMs: this.config.publicSite.minSubmitMs,
      maxAgeMs: this.config.publicSite.formTokenMs,
    });
    if (!verdict.ok) {
      const key =
        verdict.reason === 'too_fast'
          ? 'errors.form.too_fast'
          : verdict.reason === 'expired'
            ? 'errors.form.expired'
            : 'errors.form.invalid';
      return { status: 400, error: { message: t(key) } };
    }
    if (mode === 'proof' && this.pow.enabled) {
      try {
        await this.pow.spend(form.fields.pow || undefined);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return { status: err.status, error: { message: t('errors.form.invalid') } };
      }
    }
    const fresh = await this.counters.claimOnce(
      `site-form:${verdict.nonce}`,
      Math.max(1000, verdict.expiresAt - Date.now()),
    );
    if (!fresh) return { status: 409, error: { message: t('errors.form.used') } };
    return undefined;
  }

  /** Upload and intake errors the form can explain next to the files; others go to the filter. */
  uploadError(err: unknown, lang: Lang): FormRefusal | undefined {
    if (typeof err !== 'object' || err === null) return undefined;
    const { status, statusCode, code } = err as {
      status?: unknown;
      statusCode?: unknown;
      code?: unknown;
    };
    if ((status ?? statusCode) === 413) {
      const tooMany = err instanceof TooManyFilesError || code === 'FST_FILES_LIMIT';
      return {
        status: 413,
        error: {
          field: 'files',
          message: tooMany
            ? this.renderer.t(lang, 'errors.tooMany', { count: MAX_FILES })
            : this.renderer.t(lang, 'errors.tooLarge'),
        },
      };
    }
    if (err instanceof AppError && err.status === 503) {
      return { status: 503, error: { message: siteErrorMessage(this.renderer, lang, 503) } };
    }
    return undefined;
  }
}

/**
 * Drops what is left of a refused body; true when that was too much and the
 * connection should be closed after the answer.
 */
export async function drainRefused(form: SiteForm): Promise<boolean> {
  return !(await form.drain());
}
