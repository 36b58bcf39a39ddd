import { openAppContext, settingsFromEnv, type AppContext } from '../../app/app-context.ts';
import type { CommandValues } from '../main.ts';

/** Opens the application with --data / --drive taking precedence over the environment. */
export function openFromCommand(values: CommandValues, extra: { migrate?: boolean } = {}): Promise<AppContext> {
  return openAppContext(
    settingsFromEnv({
      ...(typeof values.data === 'string' ? { dataDir: values.data } : {}),
      ...(typeof values.drive === 'string' ? { drivePath: values.drive } : {}),
      ...extra,
    }),
  );
}
