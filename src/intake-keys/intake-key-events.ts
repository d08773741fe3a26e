import type { EntityManager } from 'typeorm';

/**
 * Where intake key changes are announced (the webhooks module provides it),
 * inside the transaction of the change. A port, so that intake keys import no webhooks code.
 */
export const INTAKE_KEY_EVENTS = Symbol('INTAKE_KEY_EVENTS');

export interface IntakeKeyEvents {
  record(
    manager: EntityManager,
    event: { type: 'intake-key.added' | 'intake-key.retired'; fingerprint: string },
  ): Promise<void>;
}
