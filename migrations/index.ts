import { InitialSchema1795741263602 } from './1795741263602-InitialSchema.js';
import { StaffTriageAudit1795742000000 } from './1795742000000-StaffTriageAudit.js';
import { Partners1795743000000 } from './1795743000000-Partners.js';
import { FollowUpsAttachments1795744000000 } from './1795744000000-FollowUpsAttachments.js';
import { AbuseAndRetention1795745000000 } from './1795745000000-AbuseAndRetention.js';
import { DuplicateOfIndex1795746000000 } from './1795746000000-DuplicateOfIndex.js';
import { StagedAttachments1795747130000 } from './1795747130000-StagedAttachments.js';
import { TwoPersonApprovals1795747131000 } from './1795747131000-TwoPersonApprovals.js';
import { Webhooks1795747000000 } from './1795747000000-Webhooks.js';
import { PartnerDailyTips1795747200000 } from './1795747200000-PartnerDailyTips.js';
import { SignerFingerprint1795747300000 } from './1795747300000-SignerFingerprint.js';

/** Every migration, in order. The app, the CLI and the tests run exactly this list. */
export const migrations = [
  InitialSchema1795741263602,
  StaffTriageAudit1795742000000,
  Partners1795743000000,
  FollowUpsAttachments1795744000000,
  AbuseAndRetention1795745000000,
  DuplicateOfIndex1795746000000,
  StagedAttachments1795747130000,
  TwoPersonApprovals1795747131000,
  Webhooks1795747000000,
  PartnerDailyTips1795747200000,
  SignerFingerprint1795747300000,
];
