import { registerVolunteer, type RegisterDeps, type RegistrationOutcome, type RegistrationSource } from './register-volunteer.ts';

export const MAX_SYNC_BATCH = 1000;

export interface SyncItemOutcome {
  /** Position in the batch. */
  index: number;
  clientId: string | null;
  outcome: RegistrationOutcome;
}

/**
 * Registers a batch from an agent device. Each item is answered on its own; the whole batch is safe
 * to send again (client ids make every item idempotent), which is what a device does when the
 * connection drops before the answer arrives.
 */
export async function syncRegistrations(deps: RegisterDeps, items: readonly unknown[], source: RegistrationSource): Promise<SyncItemOutcome[]> {
  return Promise.all(
    items.map(async (item, index) => ({
      index,
      clientId: clientIdOf(item),
      outcome: await registerVolunteer(deps, item, source),
    })),
  );
}

function clientIdOf(item: unknown): string | null {
  if (item !== null && typeof item === 'object' && 'clientId' in item && typeof item.clientId === 'string') return item.clientId;
  return null;
}
