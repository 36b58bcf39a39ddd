import type { Drive } from '../../config/load-drive.ts';
import type { Database } from '../../store/database.ts';
import type { StaffStore } from '../../store/staff-store.ts';

/** What the staff and sign-in use cases need. */
export interface StaffDeps {
  database: Database;
  staff: StaffStore;
  drive: Drive;
  clock: () => Date;
}
