import type { Drive } from '../config/load-drive.ts';
import type { FieldError } from '../domain/field-error.ts';
import { INTERFACE_LANGUAGES } from '../i18n/translate.ts';
import { uiText } from '../i18n/ui-text.ts';

/**
 * The public registration page, rendered on the server: a plain HTML form that works without
 * JavaScript (the small enhancement script only fills the area lists without a round trip). The
 * answers and refusals are the sentences every channel uses (src/i18n).
 */

export interface RegisterForm {
  clientId: string;
  givenName: string;
  familyName: string;
  birthDate: string;
  birthYear: string;
  sex: string;
  phone: string;
  nationalId: string;
  region: string;
  department: string;
  commune: string;
  roles: string[];
  languages: string[];
  availability: string;
  consent: boolean;
}

export interface PageAssets {
  script: string | null;
  styles: readonly string[];
}

export const EMPTY_FORM: Omit<RegisterForm, 'clientId'> = {
  givenName: '',
  familyName: '',
  birthDate: '',
  birthYear: '',
  sex: '',
  phone: '',
  nationalId: '',
  region: '',
  department: '',
  commune: '',
  roles: [],
  languages: [],
  availability: '',
  consent: false,
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Reads a submitted form (application/x-www-form-urlencoded). Unknown fields are ignored. */
export function readRegisterForm(params: URLSearchParams): RegisterForm {
  const one = (name: string) => (params.get(name) ?? '').slice(0, 400);
  return {
    clientId: one('clientId'),
    givenName: one('givenName'),
    familyName: one('familyName'),
    birthDate: one('birthDate'),
    birthYear: one('birthYear'),
    sex: one('sex'),
    phone: one('phone'),
    nationalId: one('nationalId'),
    region: one('region'),
    department: one('department'),
    commune: one('commune'),
    roles: params.getAll('roles').slice(0, 20),
    languages: params.getAll('languages').slice(0, 15),
    availability: one('availability'),
    consent: params.get('consent') !== null,
  };
}

/**
 * Keeps an area choice only when it lies under the one above it (a person who changes region without
 * JavaScript still sends the old department, which must not survive).
 */
export function consistentAreas(form: RegisterForm, drive: Drive): RegisterForm {
  const under = (child: string, parent: string) => child !== '' && parent !== '' && drive.areas.get(child)?.parent === parent;
  const region = drive.areas.get(form.region)?.level === 1 ? form.region : '';
  const department = under(form.department, region) ? form.department : '';
  const commune = under(form.commune, department) ? form.commune : '';
  return { ...form, region, department, commune };
}

/**
 * The registration as every channel builds it, for `registerVolunteer`. Empty optional fields are left
 * out; values that are not what the API expects are passed on as typed so the shared rules refuse them
 * with their usual message.
 */
export function registrationFromForm(form: RegisterForm, drive: Drive, lang: string): Record<string, unknown> {
  const raw: Record<string, unknown> = {
    clientId: form.clientId,
    givenName: form.givenName,
    familyName: form.familyName,
    phone: form.phone,
    roles: form.roles,
  };
  if (form.birthDate.trim() !== '') raw.birthDate = form.birthDate.trim();
  const year = form.birthYear.trim();
  if (year !== '') raw.birthYear = /^\d{1,4}$/.test(year) ? Number(year) : year;
  if (form.sex !== '') raw.sex = form.sex;
  if (form.nationalId.trim() !== '') raw.nationalId = form.nationalId;
  const area = form.commune || form.department || form.region;
  if (area !== '') raw.area = area;
  if (form.languages.length > 0) raw.languages = form.languages;
  if (form.availability !== '') raw.availability = form.availability;
  if (form.consent) raw.consent = { noticeVersion: drive.config.consent.version, language: lang };
  return raw;
}

/** Which form control a refusal belongs to (field paths of the API: "roles.2", "consent.language"). */
export function controlOf(field: string): string {
  const head = field.split('.')[0] ?? '';
  if (head === 'area') return 'region';
  if (head === 'age') return 'birthYear';
  if (['givenName', 'familyName', 'birthDate', 'birthYear', 'sex', 'phone', 'nationalId', 'roles', 'languages', 'availability', 'consent'].includes(head)) return head;
  return '';
}

const LABEL_OF_CONTROL: Record<string, string> = {
  givenName: 'web_given_name',
  familyName: 'web_family_name',
  birthDate: 'web_birth_date',
  birthYear: 'web_birth_year',
  sex: 'web_sex',
  phone: 'web_phone',
  nationalId: 'web_national_id',
  region: 'web_area',
  roles: 'web_roles',
  languages: 'web_languages',
  availability: 'web_availability',
  consent: 'web_consent_title',
};

function shell(lang: string, title: string, assets: PageAssets, body: string): string {
  const styles = assets.styles.map((href) => `<link rel="stylesheet" href="${escapeHtml(href)}">`).join('');
  const script = assets.script ? `<script type="module" src="${escapeHtml(assets.script)}"></script>` : '';
  return `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title>${styles}${script}</head><body>${body}</body></html>`;
}

function languageLinks(lang: string): string {
  const names: Record<string, string> = { fr: 'Français', ha: 'Hausa', en: 'English' };
  const links = INTERFACE_LANGUAGES.map((code) =>
    code === lang ? `<a aria-current="true" lang="${code}" href="/register?lang=${code}">${names[code]}</a>` : `<a lang="${code}" href="/register?lang=${code}">${names[code]}</a>`,
  ).join('');
  return `<nav class="langs" aria-label="${escapeHtml(uiText('web_language', lang))}">${links}</nav>`;
}

export interface RenderFormOptions {
  drive: Drive;
  lang: string;
  form: RegisterForm;
  errors?: readonly FieldError[];
  /** A problem that belongs to no field (an idempotency conflict, say). */
  notice?: string;
  assets: PageAssets;
}

export function renderRegisterForm({ drive, lang, form, errors = [], notice, assets }: RenderFormOptions): string {
  const t = (code: string, params?: Record<string, string | number>) => escapeHtml(uiText(code, lang, params));
  const byControl = new Map<string, string[]>();
  const summary: string[] = [];
  for (const error of errors) {
    const message = uiText(error.code, lang, error.params ?? {});
    const control = controlOf(error.field);
    const list = byControl.get(control) ?? [];
    list.push(message);
    byControl.set(control, list);
    const label = LABEL_OF_CONTROL[control];
    const text = `${label ? `${uiText(label, lang)} : ` : ''}${message}`;
    summary.push(control ? `<li><a href="#${control}">${escapeHtml(text)}</a></li>` : `<li>${escapeHtml(text)}</li>`);
  }
  const errorOf = (control: string) => {
    const messages = byControl.get(control);
    return messages ? `<p class="err" id="${control}-err">${messages.map(escapeHtml).join(' ')}</p>` : '';
  };
  const invalid = (control: string) => (byControl.has(control) ? ` aria-invalid="true" aria-describedby="${control}-err"` : '');
  const describedInvalid = (control: string, hint: string) =>
    byControl.has(control) ? ` aria-invalid="true" aria-describedby="${control}-err ${hint}"` : ` aria-describedby="${hint}"`;

  // "either": one of several fields is needed (date of birth or year); the group's legend carries the star.
  const input = (name: string, label: string, attrs: string, value: string, required: boolean | 'either', hint?: string) =>
    `<div class="f"><label for="${name}">${t(label)}${required === 'either' ? '' : required ? ' *' : ` <span class="opt">(${t('web_optional')})</span>`}</label>` +
    (hint ? `<p class="hint" id="${name}-hint">${t(hint)}</p>` : '') +
    errorOf(name) +
    `<input id="${name}" name="${name}" ${attrs} value="${escapeHtml(value)}"${required === true ? ' required' : ''}${hint ? describedInvalid(name, `${name}-hint`) : invalid(name)}></div>`;

  const select = (name: string, label: string, options: readonly { value: string; label: string }[], value: string, hidden: boolean) =>
    `<div class="f" data-level="${name}"${hidden ? ' hidden' : ''}><label for="${name}">${label.startsWith('__') ? escapeHtml(label.slice(2)) : t(label)}</label>${name === 'region' ? errorOf('region') : ''}` +
    `<select id="${name}" name="${name}"${name === 'region' ? invalid('region') : ''}><option value="">${t('web_choose')}</option>` +
    options.map((o) => `<option value="${escapeHtml(o.value)}"${o.value === value ? ' selected' : ''}>${escapeHtml(o.label)}</option>`).join('') +
    `</select></div>`;

  const levelLabel = (level: number) => {
    const entry = drive.config.areaLevels.find((l) => l.level === level);
    return entry ? drive.label(entry.labels, lang) : String(level);
  };
  const areaOptions = (parent: string | null) => (parent === '' ? [] : drive.children(parent).map((a) => ({ value: a.pcode, label: a.name })));
  // Labels of the area levels come from the drive, not the catalogue: "__" marks a label to show as is.
  const areaSelect = (name: string, level: number, parent: string | null, value: string) =>
    select(name, `__${levelLabel(level)}`, areaOptions(parent), value, parent === '');

  const checks = (name: string, items: readonly { value: string; label: string }[], chosen: readonly string[], type: 'checkbox' | 'radio') =>
    items
      .map((item, i) => `<label class="c"><input type="${type}" name="${name}" value="${escapeHtml(item.value)}" id="${name}${i === 0 ? '' : `-${i}`}"${chosen.includes(item.value) ? ' checked' : ''}> ${escapeHtml(item.label)}</label>`)
      .join('');

  const fieldset = (control: string, legend: string, inner: string, required: boolean) =>
    `<fieldset id="${control}-set"${invalid(control)}><legend>${t(legend)}${required ? ' *' : ''}</legend>${errorOf(control)}${inner}</fieldset>`;

  const consentText = drive.label(drive.config.consent.texts, lang);
  const html =
    `<header><h1>${t('web_title')}</h1>${languageLinks(lang)}</header><main>` +
    `<p>${t('web_intro', { min: drive.config.minimumAge })}</p>` +
    (summary.length > 0 || notice
      ? `<div class="summary" role="alert" tabindex="-1" id="summary"><h2>${t('web_errors_title', { count: summary.length + (notice ? 1 : 0) })}</h2><ul>${notice ? `<li>${escapeHtml(notice)}</li>` : ''}${summary.join('')}</ul></div>`
      : '') +
    `<form method="post" action="/register?lang=${escapeHtml(lang)}" novalidate>` +
    `<input type="hidden" name="clientId" value="${escapeHtml(form.clientId)}">` +
    input('givenName', 'web_given_name', 'type="text" autocomplete="given-name" maxlength="200"', form.givenName, true) +
    input('familyName', 'web_family_name', 'type="text" autocomplete="family-name" maxlength="200"', form.familyName, true) +
    `<fieldset><legend>${t('web_birth')} *</legend>` +
    input('birthDate', 'web_birth_date', 'type="date" autocomplete="bday" placeholder="1994-03-12"', form.birthDate, 'either', 'web_birth_date_hint') +
    input('birthYear', 'web_birth_year', 'type="text" inputmode="numeric" pattern="[0-9]*" maxlength="4"', form.birthYear, 'either') +
    `</fieldset>` +
    fieldset('sex', 'web_sex', checks('sex', [{ value: 'F', label: uiText('web_sex_f', lang) }, { value: 'M', label: uiText('web_sex_m', lang) }], [form.sex], 'radio'), false) +
    input('phone', 'web_phone', 'type="tel" autocomplete="tel" inputmode="tel" maxlength="40"', form.phone, true, 'web_phone_hint') +
    input('nationalId', 'web_national_id', 'type="text" maxlength="40"', form.nationalId, false) +
    `<fieldset id="area"${invalid('region')}><legend>${t('web_area')} *</legend>` +
    areaSelect('region', 1, null, form.region) +
    areaSelect('department', 2, form.region, form.department) +
    areaSelect('commune', 3, form.department, form.commune) +
    `<button type="submit" name="step" value="area" class="next" formnovalidate>${t('web_area_next')}</button></fieldset>` +
    fieldset('roles', 'web_roles', checks('roles', drive.config.roles.map((r) => ({ value: r.id, label: drive.label(r.labels, lang) })), form.roles, 'checkbox'), true) +
    fieldset('languages', 'web_languages', checks('languages', drive.config.spokenLanguages.map((l) => ({ value: l.code, label: drive.label(l.labels, lang) })), form.languages, 'checkbox'), false) +
    fieldset(
      'availability',
      'web_availability',
      checks('availability', ['immediate', 'within_week', 'later'].map((a) => ({ value: a, label: uiText(`web_avail_${a}`, lang) })), [form.availability], 'radio'),
      false,
    ) +
    `<section class="consent" aria-labelledby="consent-h"><h2 id="consent-h">${t('web_consent_title')}</h2><p id="consent-text">${escapeHtml(consentText)}</p>${errorOf('consent')}` +
    `<label class="c"><input type="checkbox" id="consent" name="consent" value="${escapeHtml(drive.config.consent.version)}"${form.consent ? ' checked' : ''} required${byControl.has('consent') ? ' aria-invalid="true" aria-describedby="consent-err consent-text"' : ' aria-describedby="consent-text"'}> ${t('web_consent_agree')} *</label></section>` +
    `<button type="submit" class="go" data-sending="${t('web_sending')}">${t('web_submit')}</button></form></main>`;
  return shell(lang, uiText('web_title', lang), assets, html);
}

export function renderRegistered(lang: string, reference: string, awaitingReview: boolean, assets: PageAssets): string {
  const t = (code: string, params?: Record<string, string | number>) => escapeHtml(uiText(code, lang, params));
  const body =
    `<header><h1>${t('web_done_title')}</h1>${languageLinks(lang)}</header><main><div class="done" role="status">` +
    `<p>${t('web_reference')}</p><p class="ref" id="reference">${escapeHtml(reference)}</p>` +
    `<p>${t('registered', { reference })}${awaitingReview ? ` ${t('awaiting_review')}` : ''}</p>` +
    `<p>${t('web_next_steps')}</p></div><p><a class="btn" href="/register?lang=${escapeHtml(lang)}">${t('web_register_another')}</a></p></main>`;
  return shell(lang, uiText('web_done_title', lang), { script: null, styles: assets.styles }, body);
}

export function renderNotStored(lang: string, message: string, assets: PageAssets): string {
  const t = (code: string) => escapeHtml(uiText(code, lang));
  const body =
    `<header><h1>${t('web_not_stored_title')}</h1>${languageLinks(lang)}</header><main><div class="summary" role="alert"><p>${escapeHtml(message)}</p></div>` +
    `<p><a class="btn" href="/register?lang=${escapeHtml(lang)}">${t('web_back')}</a></p></main>`;
  return shell(lang, uiText('web_not_stored_title', lang), { script: null, styles: assets.styles }, body);
}
