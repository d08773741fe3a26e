/** Wire forms of tip fields that the triage query, the update body and the responses share. */
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TAG_PATTERN = /^[a-z0-9][a-z0-9:._-]{0,49}$/;

/** For the OpenAPI patterns of `me`, `none` and user ids (the validator checks the UUID itself). */
export const UUID_SOURCE =
  '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
