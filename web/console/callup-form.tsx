import { useState } from 'preact/hooks';
import { CALLUP_PLACEHOLDERS, callupAskText, formatLocalTime, MAX_CALLUP_SEGMENTS, unknownPlaceholders } from '../../src/callups/message.ts';
import type { Drive } from '../../src/config/compile-drive.ts';
import { planSms } from '../../src/domain/sms-encoding.ts';
import { instantOfLocalTime, localTimeIn } from '../../src/domain/zoned-time.ts';
import { isSmsLanguage, smsText, type SmsLanguage } from '../../src/i18n/sms-messages.ts';
import { LANGUAGE_NAMES } from '../shared/i18n.ts';
import { api, problemText, type Problem } from './api.ts';
import { areaName } from './roster.tsx';
import type { ScreenProps } from './main.tsx';

/**
 * Writing a call-up: needs (role, optional skill, how many), areas at any level, where and when to
 * report, the answer deadline, the message per language (its size in SMS parts counted as it is typed,
 * with the same functions the server uses) and the priority. Saving makes a draft: nothing is sent.
 */

interface NeedRow {
  role: string;
  skill: string;
  count: string;
}

/** Sent by the form to the screen it opens next (the draft just written). */
let createdNotice = '';
export function takeCreatedNotice(): string {
  const notice = createdNotice;
  createdNotice = '';
  return notice;
}

function dayAfter(days: number, time: string, timeZone: string): string {
  return `${localTimeIn(new Date(Date.now() + days * 86_400_000), timeZone).slice(0, 10)}T${time}`;
}

/** Regions, then the areas below the chosen one, level by level; the deepest choice is added. */
function AreaPicker({ t, drive, lang, areas, setAreas }: { t: ScreenProps['t']; drive: Drive; lang: string; areas: string[]; setAreas: (a: string[]) => void }) {
  const [path, setPath] = useState<string[]>([]);
  const levels: { options: readonly { pcode: string; name: string }[]; parent: string | null }[] = [];
  let parent: string | null = null;
  for (let depth = 0; ; depth++) {
    const options = drive.children(parent);
    if (options.length === 0) break;
    levels.push({ options, parent });
    const chosen = path[depth];
    if (!chosen) break;
    parent = chosen;
  }
  const deepest = path[path.length - 1];
  const levelName = (level: number) => drive.label(drive.config.areaLevels.find((l) => l.level === level)?.labels ?? {}, lang) || t('console_area');
  return (
    <fieldset>
      <legend>{t('callup_areas')}</legend>
      <p class="legend">{t('callup_areas_hint')}</p>
      <div class="filters">
        {levels.map((level, depth) => (
          <div class="f" key={level.parent ?? 'root'}>
            <label for={`callup-area-${depth + 1}`}>{levelName(depth + 1)}</label>
            <select id={`callup-area-${depth + 1}`} value={path[depth] ?? ''} onChange={(e) => setPath([...path.slice(0, depth), ...(e.currentTarget.value ? [e.currentTarget.value] : [])])}>
              <option value="">{level.parent ? t('callup_whole', { name: drive.areas.get(level.parent)?.name ?? level.parent }) : t('web_choose')}</option>
              {level.options.map((a) => (
                <option key={a.pcode} value={a.pcode}>
                  {a.name}
                </option>
              ))}
            </select>
          </div>
        ))}
        <button type="button" class="secondary" id="callup-add-area" disabled={!deepest || areas.includes(deepest)} onClick={() => deepest && setAreas([...areas, deepest])}>
          {t('callup_add_area')}
        </button>
      </div>
      {areas.length === 0 ? (
        <p>{t('callup_no_area')}</p>
      ) : (
        <ul id="callup-areas">
          {areas.map((pcode) => (
            <li key={pcode}>
              {areaName(drive, pcode)} ({pcode}){' '}
              <button type="button" class="link" onClick={() => setAreas(areas.filter((a) => a !== pcode))}>
                {t('callup_remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

export function CallupForm({ t, lang, drive, go }: ScreenProps) {
  const tz = drive.config.timezone;
  const languages = [...drive.completeLanguages].filter(isSmsLanguage);
  const [title, setTitle] = useState('');
  const [needs, setNeeds] = useState<NeedRow[]>([{ role: drive.config.roles[0]?.id ?? '', skill: '', count: '10' }]);
  const [areas, setAreas] = useState<string[]>([]);
  const [reportPlace, setReportPlace] = useState('');
  const [reportAt, setReportAt] = useState(() => dayAfter(3, '08:00', tz));
  const [answerBy, setAnswerBy] = useState(() => dayAfter(2, '18:00', tz));
  const [texts, setTexts] = useState<Partial<Record<SmsLanguage, string>>>({});
  const [priority, setPriority] = useState('1');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const reportInstant = instantOfLocalTime(reportAt, tz);
  const answerInstant = instantOfLocalTime(answerBy, tz);
  const setNeed = (i: number, change: Partial<NeedRow>) => setNeeds(needs.map((n, j) => (j === i ? { ...n, ...change } : n)));

  /** The message's size for one language: the largest over the needs' role names, with a letter prefix (the longest case). */
  const sizeOf = (language: SmsLanguage) => {
    const template = texts[language]?.trim() ? (texts[language] ?? '') : smsText('callup_ask', language);
    const plans = (needs.length > 0 ? needs : [{ role: '', skill: '', count: '' }]).map((need) => {
      const role = drive.roles.get(need.role);
      const values = {
        title: title.trim(),
        place: reportPlace.trim(),
        time: reportInstant ? formatLocalTime(reportInstant, tz) : '00.00 00:00',
        deadline: answerInstant ? formatLocalTime(answerInstant, tz) : '00.00 00:00',
        role: role ? drive.label(role.labels, language) : need.role,
      };
      return planSms(callupAskText({ [language]: template }, language, values, 'W'));
    });
    const plan = plans.reduce((a, b) => (b.segments > a.segments || (b.segments === a.segments && b.units > a.units) ? b : a));
    return { plan, unknown: unknownPlaceholders(template) };
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!reportInstant || !answerInstant) return;
    setBusy(true);
    const body = {
      title: title.trim(),
      needs: needs.map((n) => ({ role: n.role, skill: n.skill || null, count: Number(n.count) })),
      areas,
      reportPlace: reportPlace.trim(),
      reportAt: reportInstant.toISOString(),
      answerBy: answerInstant.toISOString(),
      texts: Object.fromEntries(Object.entries(texts).filter(([, text]) => text.trim() !== '')),
      priority: Number(priority),
    };
    const answer = await api<{ id: string } & Problem>('POST', '/api/v1/callups', body);
    setBusy(false);
    if (!answer.ok) {
      setError(problemText(answer.body));
      return;
    }
    createdNotice = t('callup_created');
    go(`#/callups/${answer.body.id}`);
  };

  const roleOptions = drive.config.roles.map((r) => [r.id, drive.label(r.labels, lang)] as const);
  const skillOptions = drive.config.skills.map((s) => [s.id, drive.label(s.labels, lang)] as const);
  return (
    <form id="callup-form" onSubmit={(e) => void submit(e)}>
      <h2>{t('callup_new')}</h2>
      <section class="card">
        <div class="f">
          <label for="callup-title">{t('callup_title_field')}</label>
          <input id="callup-title" required minLength={3} maxLength={80} value={title} aria-describedby="callup-title-hint" onInput={(e) => setTitle(e.currentTarget.value)} />
          <p class="legend" id="callup-title-hint">
            {t('callup_title_hint')}
          </p>
        </div>
        <fieldset>
          <legend>{t('callup_needs')}</legend>
          {needs.map((need, i) => (
            <div class="filters" key={i} data-need-row={i}>
              <div class="f">
                <label for={`need-role-${i}`}>{t('console_role')}</label>
                <select id={`need-role-${i}`} value={need.role} onChange={(e) => setNeed(i, { role: e.currentTarget.value })}>
                  {roleOptions.map(([id, label]) => (
                    <option key={id} value={id}>
                      {label}
                    </option>
                  ))}
                </select>
              </div>
              <div class="f">
                <label for={`need-skill-${i}`}>{t('console_skill')}</label>
                <select id={`need-skill-${i}`} value={need.skill} onChange={(e) => setNeed(i, { skill: e.currentTarget.value })}>
                  <option value="">{t('callup_any_skill')}</option>
                  {skillOptions.map(([id, label]) => (
                    <option key={id} value={id}>
                      {label}
                    </option>
                  ))}
                </select>
              </div>
              <div class="f">
                <label for={`need-count-${i}`}>{t('callup_need_count')}</label>
                <input id={`need-count-${i}`} type="number" min={1} max={100000} required value={need.count} onInput={(e) => setNeed(i, { count: e.currentTarget.value })} />
              </div>
              {needs.length > 1 && (
                <button type="button" class="link" onClick={() => setNeeds(needs.filter((_, j) => j !== i))}>
                  {t('callup_remove')}
                </button>
              )}
            </div>
          ))}
          {needs.length < 20 && (
            <button type="button" class="secondary" id="callup-add-need" onClick={() => setNeeds([...needs, { role: drive.config.roles[0]?.id ?? '', skill: '', count: '1' }])}>
              {t('callup_add_need')}
            </button>
          )}
        </fieldset>
        <AreaPicker t={t} drive={drive} lang={lang} areas={areas} setAreas={setAreas} />
        <div class="filters">
          <div class="f">
            <label for="callup-place">{t('callup_report_place')}</label>
            <input id="callup-place" required minLength={2} maxLength={60} value={reportPlace} onInput={(e) => setReportPlace(e.currentTarget.value)} />
          </div>
          <div class="f">
            <label for="callup-report-at">{t('callup_report_at')}</label>
            <input id="callup-report-at" type="datetime-local" required value={reportAt} aria-describedby="callup-zone" onInput={(e) => setReportAt(e.currentTarget.value)} />
          </div>
          <div class="f">
            <label for="callup-answer-by">{t('callup_answer_by')}</label>
            <input id="callup-answer-by" type="datetime-local" required value={answerBy} aria-describedby="callup-zone" onInput={(e) => setAnswerBy(e.currentTarget.value)} />
          </div>
          <div class="f">
            <label for="callup-priority">{t('callup_priority')}</label>
            <select id="callup-priority" value={priority} onChange={(e) => setPriority(e.currentTarget.value)}>
              {['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'].map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </div>
        </div>
        <p class="legend" id="callup-zone">
          {t('callup_time_zone', { zone: tz })}
        </p>
      </section>
      <section class="card">
        <h3>{t('callup_messages')}</h3>
        <p class="legend">{t('callup_messages_hint', { list: CALLUP_PLACEHOLDERS.map((p) => `{${p}}`).join(' ') })}</p>
        {languages.map((language) => {
          const { plan, unknown } = sizeOf(language);
          const tooLong = plan.segments > MAX_CALLUP_SEGMENTS;
          return (
            <div class="f" key={language}>
              <label for={`callup-text-${language}`}>{LANGUAGE_NAMES[language]}</label>
              <textarea
                id={`callup-text-${language}`}
                rows={3}
                lang={language}
                placeholder={smsText('callup_ask', language)}
                value={texts[language] ?? ''}
                aria-describedby={`callup-size-${language}`}
                aria-invalid={tooLong || unknown.length > 0}
                onInput={(e) => setTexts({ ...texts, [language]: e.currentTarget.value })}
              />
              <p id={`callup-size-${language}`} class={tooLong || unknown.length > 0 ? 'err' : 'legend'} aria-live="polite" data-segments={plan.segments} data-encoding={plan.encoding}>
                {t('callup_segments', { segments: plan.segments, encoding: plan.encoding === 'gsm7' ? 'GSM-7' : 'UCS-2', units: plan.units })}
                {tooLong && ` — ${t('callup_too_long', { max: MAX_CALLUP_SEGMENTS })}`}
                {unknown.length > 0 && ` — ${t('callup_unknown_fields', { list: unknown.join(', ') })}`}
              </p>
            </div>
          );
        })}
      </section>
      {error && (
        <p class="err" role="alert" id="callup-error">
          {error}
        </p>
      )}
      <p>
        <button id="callup-save" disabled={busy || areas.length === 0 || !reportInstant || !answerInstant}>
          {t('callup_save_draft')}
        </button>{' '}
        <span class="legend">{t('callup_nothing_sent')}</span>
      </p>
    </form>
  );
}
