import { Get } from '@nestjs/common';
import { approvalExpiresAt, UsersService } from '../auth/users.service.js';
import { AdminRoute } from '../common/route.decorator.js';
import { IntakeKeysService } from '../intake-keys/intake-keys.service.js';
import { mapAdminIntakeKey, mapUser, PendingApprovalsDto } from './admin.dto.js';
import { StaffController } from '../common/staff-controller.decorator.js';

/** What waits for a second person: leads and admins see every pending grant and key. */
@StaffController('admin-approvals', 'v1/admin/approvals')
export class ApprovalsController {
  constructor(
    private readonly users: UsersService,
    private readonly keys: IntakeKeysService,
  ) {}

  @AdminRoute({
    roles: ['admin', 'lead'],
    summary: 'Pending approvals',
    description:
      'Roles and intake keys asked for through the API that wait for a second person, with ' +
      'who asked and when the request lapses (72 hours).',
    ok: { type: PendingApprovalsDto, description: 'What waits for approval.' },
  })
  @Get()
  async list(): Promise<PendingApprovalsDto> {
    const [grants, keys, everyone] = await Promise.all([
      this.users.pendingRoleGrants(),
      this.keys.pending(),
      this.users.list(),
    ]);
    const names = new Map(everyone.map((u) => [u.id, u.username]));
    const now = Date.now();
    return {
      roleGrants: grants
        .filter((g) => (approvalExpiresAt(g.roleRequestedAt)?.getTime() ?? 0) > now)
        .map((g) => ({
          user: mapUser(g),
          requestedBy: g.roleRequestedBy ? (names.get(g.roleRequestedBy) ?? null) : null,
          requestedAt: g.roleRequestedAt?.toISOString() ?? null,
          expiresAt: approvalExpiresAt(g.roleRequestedAt)?.toISOString() ?? null,
        })),
      intakeKeys: keys.map(mapAdminIntakeKey),
    };
  }
}
