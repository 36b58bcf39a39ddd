import { readFileSync } from 'node:fs';
import { createCallupDeps } from '../../services/callups/callup-deps.ts';
import { CallupError, callupStatus, cancelCallup, closeCallup, createCallup, previewCallup, startCallup } from '../../services/callups/callups.ts';
import type { CommandIo, CommandValues } from '../main.ts';
import { openFromCommand } from './open-context.ts';

const CLI_ACTOR = 'system:cli';

type Verb = 'create' | 'preview' | 'start' | 'status' | 'cancel' | 'close';

/** `muster callup <verb>`: the same services as the API, acting as the command line. */
export function callupCommand(verb: Verb) {
  return async (values: CommandValues, io: CommandIo): Promise<number> => {
    let input: unknown = null;
    if (verb === 'create') {
      if (typeof values.file !== 'string') {
        io.err('callup create needs --file CALLUP.json (title, needs, areas, reportPlace, reportAt, answerBy, texts, overAsk, waveTimeoutMinutes)');
        return 2;
      }
      try {
        input = JSON.parse(readFileSync(values.file, 'utf8')) as unknown;
      } catch (error) {
        io.err(`cannot read ${values.file}: ${(error as Error).message}`);
        return 2;
      }
    } else if (typeof values.id !== 'string') {
      io.err(`callup ${verb} needs --id CALLUP_ID`);
      return 2;
    }
    const id = typeof values.id === 'string' ? values.id : '';
    const ctx = await openFromCommand(values);
    try {
      const deps = createCallupDeps(ctx);
      switch (verb) {
        case 'create': {
          const callup = await createCallup(deps, CLI_ACTOR, input);
          io.out(`call-up ${callup.id} written (draft): ${callup.title}`);
          break;
        }
        case 'preview': {
          const preview = await previewCallup(deps, CLI_ACTOR, id);
          for (const n of preview.needs) {
            io.out(`${n.role}${n.skill ? `/${n.skill}` : ''}: need ${n.count}, eligible ${n.eligible}, first wave ${n.firstWave}`);
            for (const [area, count] of Object.entries(n.byArea)) io.out(`  ${(ctx.drive.areas.get(area)?.name ?? area).padEnd(28)} ${String(count).padStart(7)}`);
            io.out(`  message: ${n.sizes.map((s) => `${s.language} ${s.segments} SMS (${s.encoding})${s.ok ? '' : ' TOO LONG'}`).join(', ')}`);
          }
          break;
        }
        case 'start': {
          const started = await startCallup(deps, CLI_ACTOR, id);
          io.out(`call-up ${id} started: ${Object.values(started.asked).reduce((a, b) => a + b, 0)} people asked`);
          break;
        }
        case 'status': {
          const status = await callupStatus(deps, id);
          io.out(`${status.callup.title} (${status.callup.status}, wave ${status.callup.wave})`);
          io.out(`  ${'need'.padEnd(24)} ${['count', 'yes', 'no', 'no answer', 'standby', 'waiting', 'delivered'].map((h) => h.padStart(9)).join(' ')}`);
          for (const n of status.needs) {
            const cells = [n.count, n.yes, n.no, n.no_answer, n.standby, n.waiting, n.delivered_total].map((v) => String(v).padStart(9)).join(' ');
            io.out(`  ${`${n.role}${n.skill ? `/${n.skill}` : ''}`.padEnd(24)} ${cells}`);
          }
          break;
        }
        case 'cancel': {
          const { told } = await cancelCallup(deps, CLI_ACTOR, id);
          io.out(`call-up ${id} cancelled: ${told} people who had said yes will be told`);
          break;
        }
        case 'close': {
          const closed = await closeCallup(deps, CLI_ACTOR, id);
          io.out(`call-up ${id} closed (${closed.needs.map((n) => `${n.role} ${n.confirmed}/${n.count}`).join(', ')})`);
          break;
        }
      }
      return 0;
    } catch (error) {
      if (!(error instanceof CallupError)) throw error;
      const problems = (error.details.problems as string[] | undefined) ?? [];
      io.err(`call-up ${error.code.replace('_', ' ')}${problems.length ? `: ${problems.join('; ')}` : ''}${typeof error.details.status === 'string' ? ` (${error.details.status})` : ''}`);
      return 1;
    } finally {
      await ctx.database.close();
    }
  };
}
