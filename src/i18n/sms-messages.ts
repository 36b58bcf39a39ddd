/**
 * What Muster says by SMS and USSD, in each complete language. Kept apart from `messages.ts` because
 * every text here must fit a phone screen: a test checks each one in every language (same
 * placeholders as in French) and the length of every USSD screen built from them.
 * French avoids letters outside GSM-7 where it can (a single ê makes a whole SMS UCS-2); Hausa
 * cannot, and keeps its hooked letters.
 */
export const SMS_MESSAGES = {
  choose_language: { fr: 'Muster\n1 Francais\n2 Hausa\n3 English', en: 'Muster\n1 Francais\n2 Hausa\n3 English', ha: 'Muster\n1 Francais\n2 Hausa\n3 English' },
  ask_given_name: { fr: 'Inscription volontaire. Votre prénom ? (ex: Aminatou)', en: 'Volunteer registration. Your given name? (e.g. Aminatou)', ha: 'Rajistar sa kai. Sunanka na farko? (misali: Aminatou)' },
  ask_family_name: { fr: 'Votre nom de famille ? (ex: Moussa)', en: 'Your family name? (e.g. Moussa)', ha: 'Sunan iyalinka? (misali: Moussa)' },
  ask_birth_year: { fr: 'Votre année de naissance ? (ex: 1994)', en: 'Your year of birth? (e.g. 1994)', ha: 'Shekarar haihuwarka? (misali: 1994)' },
  ask_birth_date: { fr: 'Votre date de naissance complète ? (ex: 25.03.2008)', en: 'Your full date of birth? (e.g. 25.03.2008)', ha: 'Cikakkiyar ranar haihuwarka? (misali: 25.03.2008)' },
  ask_region: { fr: 'Votre région :\n{menu}', en: 'Your region:\n{menu}', ha: 'Jiharka:\n{menu}' },
  ask_department: { fr: 'Votre département :\n{menu}', en: 'Your department:\n{menu}', ha: 'Gundumarka:\n{menu}' },
  ask_roles: { fr: 'Vos rôles (un ou plusieurs numéros, ex: 1 3) :\n{menu}', en: 'Your roles (one or more numbers, e.g. 1 3):\n{menu}', ha: 'Ayyukanka (lamba ɗaya ko fiye, misali: 1 3):\n{menu}' },
  ask_consent_sms: {
    fr: '{notice}\nRépondez 1 pour accepter, 2 pour refuser.',
    en: '{notice}\nReply 1 to accept, 2 to refuse.',
    ha: '{notice}\nAmsa 1 don yarda, 2 don ƙi.',
  },
  ask_consent_ussd: {
    fr: 'Vos données servent seulement a vous contacter; seul le personnel autorisé les voit. Notice complète par SMS.\n1 J accepte\n2 Je refuse',
    en: 'Your data are used only to contact you; only authorised staff see them. Full notice by SMS.\n1 I accept\n2 I refuse',
    ha: 'Bayananka don tuntuɓarka kawai; ma’aikata masu izini ne kaɗai ke gani. Cikakken bayani ta SMS.\n1 Na yarda\n2 Na ƙi',
  },
  more: { fr: '{n} Suite', en: '{n} More', ha: '{n} Gaba' },
  cancel_hint: { fr: '0 Annuler', en: '0 Cancel', ha: '0 Soke' },
  retry_name: { fr: 'Des lettres seulement, ex: Moussa.', en: 'Letters only, e.g. Moussa.', ha: 'Haruffa kawai, misali: Moussa.' },
  retry_year: { fr: 'Année non valable, ex: 1994.', en: 'Invalid year, e.g. 1994.', ha: 'Shekara ba ta dace ba, misali: 1994.' },
  retry_date: { fr: 'Date non valable, ex: 25.03.2008.', en: 'Invalid date, e.g. 25.03.2008.', ha: 'Kwanan wata bai dace ba, misali: 25.03.2008.' },
  retry_choice: { fr: 'Choix non valable : un numéro de la liste, ex: 2.', en: 'Invalid choice: a number from the list, e.g. 2.', ha: 'Zaɓi bai dace ba: lamba daga jerin, misali: 2.' },
  retry_roles: { fr: 'Choix non valable : des numéros de la liste, ex: 1 3.', en: 'Invalid choice: numbers from the list, e.g. 1 3.', ha: 'Zaɓi bai dace ba: lambobi daga jerin, misali: 1 3.' },
  retry_consent: { fr: 'Répondez 1 ou 2.', en: 'Reply 1 or 2.', ha: 'Amsa 1 ko 2.' },
  under_age: {
    fr: "Merci. L'inscription est réservée aux personnes de {min} ans ou plus. Rien n'a été enregistré.",
    en: 'Thank you. Registration is only for people aged {min} or over. Nothing was stored.',
    ha: 'Mun gode. Rajista ta masu shekara {min} zuwa sama ce kawai. Ba a ajiye komai ba.',
  },
  consent_refused: {
    fr: "Inscription annulée : sans votre accord rien n'est gardé. Envoyez INSCRIPTION pour recommencer.",
    en: 'Registration cancelled: without your consent nothing is kept. Send REGISTER to start again.',
    ha: 'An soke rajista: ba tare da yardarka ba, ba a ajiye komai. Aika RAJISTA don sake farawa.',
  },
  cancelled: {
    fr: "Inscription annulée, rien n'a été gardé. Envoyez INSCRIPTION pour recommencer.",
    en: 'Registration cancelled, nothing was kept. Send REGISTER to start again.',
    ha: 'An soke rajista, ba a ajiye komai ba. Aika RAJISTA don sake farawa.',
  },
  expired: { fr: 'Votre inscription commencée a expiré ; on recommence.', en: 'Your unfinished registration expired; starting again.', ha: 'Rajistar da ka fara ta ƙare; za a sake farawa.' },
  registered: {
    fr: 'Inscription enregistrée. Référence : {reference}. Vous serez contacté par SMS en cas de besoin. STOP pour vous retirer.',
    en: 'Registration recorded. Reference: {reference}. You will be contacted by SMS when needed. STOP to withdraw.',
    ha: 'An yi rajista. Lambar shaida: {reference}. Za a tuntuɓe ka ta SMS idan an buƙata. STOP don ficewa.',
  },
  already_registered: {
    fr: "Ce numéro est déjà inscrit (référence {reference}). Rien de plus n'a été enregistré.",
    en: 'This number is already registered (reference {reference}). Nothing more was stored.',
    ha: 'An riga an yi rajista da wannan lamba (shaida {reference}). Ba a ƙara ajiye komai ba.',
  },
  registration_refused: { fr: 'Inscription refusée : {reason}', en: 'Registration refused: {reason}', ha: 'An ƙi rajista: {reason}' },
  stopped: {
    fr: 'Vous ne recevrez plus de messages de Muster. Envoyez INSCRIPTION pour vous inscrire.',
    en: 'You will receive no more messages from Muster. Send REGISTER to register.',
    ha: 'Ba za ka ƙara samun saƙo daga Muster ba. Aika RAJISTA don yin rajista.',
  },
  stopped_withdrawn: {
    fr: 'Vous ne recevrez plus de messages. Votre inscription est retirée et vos données effacées.',
    en: 'You will receive no more messages. Your registration is withdrawn and your data erased.',
    ha: 'Ba za ka ƙara samun saƙo ba. An janye rajistarka kuma an goge bayananka.',
  },
  help: {
    fr: 'Muster : envoyez INSCRIPTION (ou HAUSA, ENGLISH) pour vous inscrire, ANNULER pour arreter, STOP pour ne plus recevoir de messages.',
    en: 'Muster: send REGISTER (or FRANCAIS, HAUSA) to register, CANCEL to stop a registration, STOP to receive no more messages.',
    ha: 'Muster: aika RAJISTA (ko FRANCAIS, ENGLISH) don rajista, SOKE don dakatarwa, STOP don daina karɓar saƙo.',
  },
  ussd_main: {
    fr: 'Muster\n1 M inscrire\n2 Mon inscription\n3 Ma disponibilité\n4 Me retirer\n5 Répondre a un appel',
    en: 'Muster\n1 Register\n2 My registration\n3 My availability\n4 Withdraw\n5 Answer a call-up',
    ha: 'Muster\n1 Yi rajista\n2 Rajistata\n3 Lokacin da nake samuwa\n4 Fice\n5 Amsa kira',
  },
  ussd_not_registered: { fr: "Ce numéro n'est pas inscrit. Composez de nouveau et choisissez 1.", en: 'This number is not registered. Dial again and choose 1.', ha: 'Ba a yi rajista da wannan lamba ba. Sake kira ka zaɓi 1.' },
  ussd_status: {
    fr: 'Inscription {reference} ({status}).\nRôles : {roles}.\nDisponibilité : {availability}.',
    en: 'Registration {reference} ({status}).\nRoles: {roles}.\nAvailability: {availability}.',
    ha: 'Rajista {reference} ({status}).\nAyyuka: {roles}.\nSamuwa: {availability}.',
  },
  status_active: { fr: 'active', en: 'active', ha: 'tana aiki' },
  status_suspended: { fr: 'suspendue', en: 'suspended', ha: 'an dakatar' },
  status_withdrawn: { fr: 'retirée', en: 'withdrawn', ha: 'an janye' },
  availability_immediate: { fr: 'tout de suite', en: 'right away', ha: 'nan take' },
  availability_within_week: { fr: 'dans la semaine', en: 'within a week', ha: 'cikin mako guda' },
  availability_later: { fr: 'plus tard', en: 'later', ha: 'daga baya' },
  ussd_ask_availability: {
    fr: 'Votre disponibilité :\n1 Tout de suite\n2 Dans la semaine\n3 Plus tard',
    en: 'Your availability:\n1 Right away\n2 Within a week\n3 Later',
    ha: 'Yaushe kake samuwa:\n1 Nan take\n2 Cikin mako guda\n3 Daga baya',
  },
  ussd_availability_changed: { fr: 'Disponibilité enregistrée : {availability}.', en: 'Availability recorded: {availability}.', ha: 'An rubuta samuwarka: {availability}.' },
  ussd_confirm_withdraw: {
    fr: 'Vous retirer efface vos données ; vous ne serez plus contacté.\n1 Confirmer\n2 Annuler',
    en: 'Withdrawing erases your data; you will not be contacted again.\n1 Confirm\n2 Cancel',
    ha: 'Ficewa za ta goge bayananka; ba za a ƙara tuntuɓarka ba.\n1 Tabbatar\n2 Soke',
  },
  ussd_withdrawn: { fr: 'Inscription retirée : vos données ont été effacées.', en: 'Registration withdrawn: your data were erased.', ha: 'An janye rajista: an goge bayananka.' },
  ussd_callup: { fr: '{title}\n1 Oui, je viens\n2 Non', en: '{title}\n1 Yes, I will come\n2 No', ha: '{title}\n1 Ee, zan zo\n2 A’a' },
  ussd_no_callup: { fr: 'Aucun appel en cours pour vous.', en: 'No call-up is waiting for you.', ha: 'Babu kira da ke jiranka.' },
  ussd_expired: { fr: 'Session expirée. Composez de nouveau.', en: 'Session expired. Please dial again.', ha: 'Lokaci ya ƙare. Sake kira.' },
  callup_ask: {
    fr: '{title}. Présentez-vous à {place} le {time}. Pouvez-vous venir ? Répondez {yes} ou {no} avant le {deadline}.',
    en: '{title}. Report to {place} on {time}. Can you come? Reply {yes} or {no} by {deadline}.',
    ha: '{title}. Ka je {place} ranar {time}. Za ka iya zuwa? Amsa {yes} ko {no} kafin {deadline}.',
  },
  callup_yes_word: { fr: 'OUI', en: 'YES', ha: 'EE' },
  callup_no_word: { fr: 'NON', en: 'NO', ha: "A'A" },
  callup_confirmed: {
    fr: 'Merci, vous êtes retenu(e) : {title}. Présentez-vous à {place} le {time}.',
    en: 'Thank you, you are confirmed: {title}. Report to {place} on {time}.',
    ha: 'Mun gode, an tabbatar da kai: {title}. Ka je {place} ranar {time}.',
  },
  callup_declined: { fr: 'Merci pour votre réponse. {title} : noté que vous ne venez pas.', en: 'Thank you for your answer. {title}: noted that you are not coming.', ha: 'Mun gode da amsarka. {title}: an lura ba za ka zo ba.' },
  callup_standby: {
    fr: 'Merci ! {title} : toutes les places sont prises. Vous êtes en réserve ; nous vous écrirons si une place se libère.',
    en: 'Thank you! {title}: every place is taken. You are on standby; we will write if a place opens.',
    ha: 'Mun gode! {title}: an cika dukkan wurare. Kana jiran ko-ta-kwana; za mu rubuta maka idan wuri ya samu.',
  },
  callup_promoted: {
    fr: 'Place libérée, vous êtes retenu(e) : {title}. Présentez-vous à {place} le {time}.',
    en: 'A place has opened: you are confirmed for {title}. Report to {place} on {time}.',
    ha: 'Wuri ya samu: an tabbatar da kai don {title}. Ka je {place} ranar {time}.',
  },
  callup_cancelled: { fr: '{title} est annulé. Ne vous présentez pas. Merci de votre disponibilité.', en: '{title} is cancelled. Do not report. Thank you for being ready.', ha: 'An soke {title}. Kada ka je. Mun gode da shirinka.' },
  callup_clarify: { fr: 'Réponse non comprise. Pour {title}, répondez {yes} ou {no}.', en: 'Answer not understood. For {title}, reply {yes} or {no}.', ha: 'Ba a gane amsar ba. Don {title}, amsa {yes} ko {no}.' },
  callup_which: {
    fr: 'Vous avez plusieurs appels. Mettez la lettre devant la réponse : {choices}',
    en: 'You have several call-ups. Put the letter before your answer: {choices}',
    ha: 'Kana da kira fiye da ɗaya. Sa harafin a gaban amsarka: {choices}',
  },
  callup_closed: { fr: '{title} : les réponses sont closes. Merci.', en: '{title}: answers are closed. Thank you.', ha: '{title}: an rufe amsoshi. Mun gode.' },
  goodbye: { fr: 'Au revoir.', en: 'Goodbye.', ha: 'Sai an jima.' },
  try_later: { fr: 'Service momentanément indisponible. Réessayez plus tard.', en: 'Service temporarily unavailable. Please try later.', ha: 'Sabis ba ya samuwa yanzu. A sake gwadawa anjima.' },
} as const satisfies Record<string, Record<'fr' | 'en' | 'ha', string>>;

export type SmsMessageCode = keyof typeof SMS_MESSAGES;
export type SmsLanguage = 'fr' | 'en' | 'ha';
export const SMS_LANGUAGES: readonly SmsLanguage[] = ['fr', 'ha', 'en'];

/** The text for `code` in `language`, placeholders filled (a missing value stays visible). */
export function smsText(code: SmsMessageCode, language: SmsLanguage, params: Record<string, string | number> = {}): string {
  const template: string = SMS_MESSAGES[code][language];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function isSmsLanguage(value: string): value is SmsLanguage {
  return value === 'fr' || value === 'en' || value === 'ha';
}
