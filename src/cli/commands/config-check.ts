import { DEFAULT_DRIVE_PATH, compileDrive, loadDriveConfig } from '../../config/load-drive.ts';
import type { CommandIo, CommandValues } from '../main.ts';

export function configCheckCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const path = typeof values.drive === 'string' ? values.drive : process.env.MUSTER_DRIVE || DEFAULT_DRIVE_PATH;
  const drive = compileDrive(loadDriveConfig(path));
  const { config } = drive;
  const levels = new Map<number, number>();
  for (const area of config.areas) levels.set(area.level, (levels.get(area.level) ?? 0) + 1);
  io.out(`${path}: valid`);
  io.out(`  drive ${config.id} (${config.country}), minimum age ${config.minimumAge}, languages ${config.languages.map((l) => l.code).join(', ')}`);
  io.out(`  ${config.roles.length} roles, ${config.skills.length} skills, ${config.sites.length} sites, consent notice version ${config.consent.version}`);
  io.out(`  areas: ${[...levels].map(([level, n]) => `${n} at level ${level}`).join(', ')}`);
  for (const source of config.sources) io.out(`  source: ${source}`);
  return Promise.resolve(0);
}
