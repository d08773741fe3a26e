import type { UuidPath } from '../../common/uuid-param.decorator.js';

/** The `:id` of the triage routes: a tip's id; anything else is `404`, as a tip that is not. */
export const TIP_ID: UuidPath = {
  name: 'id',
  description: "The tip's id (not its reference); anything else is `404`.",
  notFound: 'No such tip.',
};
