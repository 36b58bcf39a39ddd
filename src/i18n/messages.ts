/**
 * Every sentence Muster says to a person, in each complete language of the interface. Placeholders
 * in braces ({min}) are filled by `translate`. A test checks that every message exists in every
 * complete language and uses the same placeholders.
 */
export const MESSAGES = {
  // Field refusals.
  required: { fr: 'Ce champ est obligatoire.', en: 'This field is required.', ha: 'Dole ne a cika wannan.' },
  invalid_type: { fr: "Cette valeur n'a pas le bon format.", en: 'This value has the wrong format.', ha: 'Wannan bayani ba shi da tsarin da ya dace.' },
  unknown_field: { fr: "Ce champ n'est pas reconnu.", en: 'This field is not recognised.', ha: 'Ba a san wannan filin ba.' },
  too_long: { fr: 'Trop long (au plus {max}).', en: 'Too long (at most {max}).', ha: 'Ya yi tsawo sosai (iyaka {max}).' },
  too_short: { fr: 'Trop court (au moins {min}).', en: 'Too short (at least {min}).', ha: 'Ya yi gajere (akalla {min}).' },
  invalid_value: { fr: 'Valeur non valable. Valeurs possibles : {allowed}.', en: 'Invalid value. Possible values: {allowed}.', ha: 'Bayani bai dace ba. Abin da ake yarda da shi: {allowed}.' },
  invalid_client_id: { fr: "L'identifiant client doit être un UUID.", en: 'The client id must be a UUID.', ha: 'Lambar abokin aiki dole ta zama UUID.' },
  invalid_characters: { fr: 'Utilisez seulement des lettres, espaces, tirets et apostrophes.', en: 'Use only letters, spaces, hyphens and apostrophes.', ha: "Yi amfani da haruffa, gibi, '-' da ''' kawai." },
  invalid_national_id: { fr: "Numéro d'identité non valable (4 à 32 lettres ou chiffres).", en: 'Invalid ID number (4 to 32 letters or digits).', ha: 'Lambar shaida ba ta dace ba (haruffa ko lambobi 4 zuwa 32).' },
  invalid_datetime: { fr: 'Date et heure non valables (format ISO 8601).', en: 'Invalid date and time (ISO 8601).', ha: 'Kwanan wata da lokaci ba su dace ba (ISO 8601).' },
  future_date: { fr: 'Cette date est dans le futur.', en: 'This date is in the future.', ha: 'Wannan kwanan wata yana nan gaba.' },
  too_old: { fr: "Cette inscription date de plus de {days} jours et ne peut plus être acceptée.", en: 'This registration is more than {days} days old and can no longer be accepted.', ha: 'Wannan rajista ta wuce kwana {days}, ba za a karɓe ta ba yanzu.' },
  birth_required: { fr: "Indiquez la date de naissance, l'année de naissance ou l'âge.", en: 'Give the date of birth, the birth year or the age.', ha: 'Ba da ranar haihuwa, shekarar haihuwa ko shekaru.' },
  birth_ambiguous: { fr: "Indiquez une seule de ces informations : date de naissance, année de naissance ou âge.", en: 'Give only one of: date of birth, birth year or age.', ha: 'Ba da ɗaya kawai: ranar haihuwa, shekarar haihuwa ko shekaru.' },
  invalid_date: { fr: "Date non valable. Exemple : 1994-03-12.", en: 'Invalid date. Example: 1994-03-12.', ha: 'Kwanan wata bai dace ba. Misali: 1994-03-12.' },
  invalid_year: { fr: 'Année non valable. Exemple : 1994.', en: 'Invalid year. Example: 1994.', ha: 'Shekara ba ta dace ba. Misali: 1994.' },
  invalid_age: { fr: 'Âge non valable.', en: 'Invalid age.', ha: 'Shekaru ba su dace ba.' },
  implausible_age: { fr: "Plus de {max} ans : vérifiez la date.", en: 'Over {max} years old: please check the date.', ha: 'Sama da shekara {max}: a duba kwanan watan.' },
  under_minimum_age: { fr: "L'inscription est réservée aux personnes de {min} ans ou plus. Rien n'a été enregistré.", en: 'Registration is only for people aged {min} or over. Nothing was stored.', ha: 'Rajista ta masu shekara {min} zuwa sama ce kawai. Ba a ajiye komai ba.' },
  age_uncertain: { fr: "Avec seulement l'année ou l'âge, nous ne pouvons pas être sûrs que la personne a {min} ans. Indiquez la date de naissance complète.", en: 'With only a year or an age we cannot be sure the person is {min}. Give the full date of birth.', ha: 'Da shekara ko shekaru kawai ba za mu tabbatar cewa mutum ya kai shekara {min} ba. Ba da cikakkiyar ranar haihuwa.' },
  invalid_phone: { fr: 'Numéro de téléphone non valable. Exemple : 90 12 34 56.', en: 'Invalid phone number. Example: 90 12 34 56.', ha: 'Lambar waya ba ta dace ba. Misali: 90 12 34 56.' },
  not_mobile: { fr: 'Il faut un numéro de mobile (pour recevoir des SMS).', en: 'A mobile number is needed (to receive SMS).', ha: 'Ana buƙatar lambar wayar hannu (don karɓar SMS).' },
  unknown_area: { fr: 'Zone inconnue : {value}.', en: 'Unknown area: {value}.', ha: 'Ba a san wannan yanki ba: {value}.' },
  unknown_site: { fr: "Site d'inscription inconnu : {value}.", en: 'Unknown registration site: {value}.', ha: 'Ba a san wurin rajistar ba: {value}.' },
  site_required: { fr: "Indiquez le site d'inscription.", en: 'Give the registration site.', ha: 'Ba da wurin rajista.' },
  roles_required: { fr: 'Choisissez au moins un rôle.', en: 'Choose at least one role.', ha: 'Zaɓi aƙalla aiki ɗaya.' },
  unknown_role: { fr: 'Rôle inconnu : {value}.', en: 'Unknown role: {value}.', ha: 'Ba a san wannan aikin ba: {value}.' },
  unknown_skill: { fr: 'Compétence inconnue : {value}.', en: 'Unknown skill: {value}.', ha: 'Ba a san wannan sana’ar ba: {value}.' },
  unknown_language: { fr: 'Langue inconnue : {value}.', en: 'Unknown language: {value}.', ha: 'Ba a san wannan harshen ba: {value}.' },
  unknown_consent_version: { fr: "Version de la notice de consentement inconnue (version actuelle : {current}).", en: 'Unknown consent notice version (current version: {current}).', ha: 'Ba a san sigar sanarwar yarda ba (sigar yanzu: {current}).' },
  invalid_cursor: { fr: 'Curseur de pagination non valable.', en: 'Invalid pagination cursor.', ha: 'Alamar shafi ba ta dace ba.' },

  site_mismatch: { fr: "Ce site n'est pas celui de l'appareil ({site}).", en: "This is not the device's site ({site}).", ha: 'Wannan ba wurin na\'urar ba ne ({site}).' },
  invalid_username: { fr: "Identifiant non valable : 3 à 32 lettres minuscules, chiffres, '.', '_' ou '-', en commençant par une lettre.", en: "Invalid username: 3 to 32 lower-case letters, digits, '.', '_' or '-', starting with a letter.", ha: "Sunan shiga bai dace ba: ƙananan haruffa 3 zuwa 32, lambobi, '.', '_' ko '-', farawa da harafi." },
  areas_required: { fr: 'Indiquez au moins une zone pour ce rôle.', en: 'Give at least one area for this role.', ha: 'Ba da aƙalla yanki ɗaya don wannan aiki.' },
  password_too_short: { fr: 'Le mot de passe doit avoir au moins 10 caractères.', en: 'The password must have at least 10 characters.', ha: 'Kalmar sirri dole ta kai haruffa 10 aƙalla.' },
  password_too_long: { fr: 'Le mot de passe est trop long (256 caractères au plus).', en: 'The password is too long (at most 256 characters).', ha: 'Kalmar sirri ta yi tsawo (iyaka haruffa 256).' },
  password_common: { fr: 'Ce mot de passe est trop courant : choisissez-en un autre.', en: 'This password is too common: choose another.', ha: 'Wannan kalmar sirri ta zama ruwan dare: zaɓi wata.' },
  password_contains_username: { fr: "Le mot de passe ne doit pas contenir l'identifiant.", en: 'The password must not contain the username.', ha: 'Kalmar sirri kada ta ƙunshi sunan shiga.' },
  password_repetitive: { fr: 'Le mot de passe est trop répétitif.', en: 'The password is too repetitive.', ha: 'Kalmar sirri tana maimaita kanta da yawa.' },
  password_unchanged: { fr: "Le nouveau mot de passe doit être différent de l'ancien.", en: 'The new password must differ from the old one.', ha: 'Sabuwar kalmar sirri dole ta bambanta da tsohuwar.' },
  wrong_password: { fr: 'Mot de passe actuel incorrect.', en: 'The current password is wrong.', ha: 'Kalmar sirri ta yanzu ba daidai ba ce.' },
  invalid_totp: { fr: 'Code à usage unique incorrect ou déjà utilisé.', en: 'One-time code wrong or already used.', ha: 'Lambar amfani sau ɗaya ba daidai ba ce ko an riga an yi amfani da ita.' },

  // Problems (titles of error answers).
  validation_failed: { fr: "L'inscription a été refusée : corrigez les champs indiqués.", en: 'The request was refused: correct the fields shown.', ha: "An ƙi buƙatar: a gyara filayen da aka nuna." },
  already_registered: { fr: 'Cette personne est déjà inscrite.', en: 'This person is already registered.', ha: 'An riga an yi wa wannan mutum rajista.' },
  already_registered_public: { fr: 'Une inscription existe déjà avec ce numéro de téléphone ou ce numéro d\'identité. Rien de plus n\'a été enregistré.', en: 'A registration already exists with this phone number or ID number. Nothing more was stored.', ha: 'Akwai rajista da wannan lambar waya ko lambar shaida. Ba a ƙara ajiye komai ba.' },
  idempotency_conflict: { fr: "Cet identifiant client a déjà servi pour une autre inscription.", en: 'This client id was already used for a different registration.', ha: 'An riga an yi amfani da wannan lambar abokin aiki don wata rajista.' },
  not_found: { fr: 'Introuvable.', en: 'Not found.', ha: 'Ba a samu ba.' },
  unauthorized: { fr: 'Identification requise.', en: 'Authentication required.', ha: 'Ana buƙatar shaidar shiga.' },
  forbidden: { fr: "Vous n'avez pas le droit de faire cela.", en: 'You are not allowed to do this.', ha: 'Ba ka da izinin yin wannan.' },
  rate_limited: { fr: 'Trop de demandes. Réessayez dans un moment.', en: 'Too many requests. Try again in a moment.', ha: 'Buƙatu sun yi yawa. A sake gwadawa nan gaba kaɗan.' },
  payload_too_large: { fr: 'La demande est trop volumineuse.', en: 'The request is too large.', ha: 'Buƙatar ta yi girma da yawa.' },
  bad_request: { fr: 'Demande mal formée.', en: 'Malformed request.', ha: 'Buƙatar ba ta da tsari.' },
  invalid_state: { fr: "Impossible dans l'état actuel de l'inscription ({status}).", en: 'Not possible in the current state of the registration ({status}).', ha: 'Ba zai yiwu ba a halin da rajistar take ({status}).' },
  internal_error: { fr: 'Erreur interne. Rien de ce qui était déjà enregistré n\'est perdu ; réessayez.', en: 'Internal error. Nothing already stored was lost; please try again.', ha: 'Matsala ta cikin gida. Babu abin da ya ɓace; a sake gwadawa.' },

  sign_in_failed: { fr: "Identifiant ou mot de passe incorrect, ou compte temporairement bloqué.", en: 'Wrong username or password, or account temporarily locked.', ha: 'Sunan shiga ko kalmar sirri ba daidai ba ne, ko an kulle asusun na ɗan lokaci.' },
  totp_required: { fr: 'Entrez le code à usage unique de votre application.', en: 'Enter the one-time code from your app.', ha: 'Shigar da lambar amfani sau ɗaya daga manhajar ka.' },
  password_change_required: { fr: 'Changez d\'abord votre mot de passe provisoire.', en: 'First change your temporary password.', ha: 'Da farko ka canza kalmar sirrinka ta wucin gadi.' },
  totp_setup_required: { fr: "Configurez d'abord la double authentification (code à usage unique).", en: 'First set up two-factor authentication (one-time codes).', ha: 'Da farko ka saita tantancewa ta matakai biyu (lambar amfani sau ɗaya).' },
  enrolment_failed: { fr: "Code d'enrôlement inconnu, expiré ou déjà utilisé.", en: 'Enrolment code unknown, expired or already used.', ha: 'Ba a san lambar rajistar na\'ura ba, ko ta ƙare, ko an riga an yi amfani da ita.' },
  already_exists: { fr: 'Existe déjà.', en: 'Already exists.', ha: 'Ya riga ya kasance.' },

  // Answers.
  registered: { fr: 'Inscription enregistrée. Votre référence : {reference}. Vous serez contacté par SMS en cas de besoin.', en: 'Registration recorded. Your reference: {reference}. You will be contacted by SMS when needed.', ha: 'An yi rajista. Lambar shaidarka: {reference}. Za a tuntuɓe ka ta SMS idan an buƙata.' },
  awaiting_review: { fr: 'Une inscription semblable existe : un coordinateur va vérifier.', en: 'A similar registration exists: a coordinator will check.', ha: 'Akwai rajista mai kama da wannan: mai kula zai duba.' },
  withdrawn: { fr: 'Inscription retirée : les données personnelles ont été effacées.', en: 'Registration withdrawn: the personal data were erased.', ha: 'An janye rajista: an goge bayanan mutum.' },
} as const satisfies Record<string, Record<'fr' | 'en' | 'ha', string>>;

export type MessageCode = keyof typeof MESSAGES;
