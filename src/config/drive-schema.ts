import { z } from 'zod';

/**
 * The shape of a drive configuration file (`config/drives/*.json`). Everything specific to one drive
 * (country, areas, roles, skills, languages, message texts, minimum age, retention) lives in such a
 * file, so the same code serves the next drive or country. Cross-references (parents, sites, labels in
 * every language) are checked by `compileDrive`, which turns a parsed file into a `Drive`.
 */

const code = z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes, starting with a letter');
const languageCode = z.string().regex(/^[a-z]{2,3}$/, 'an ISO 639 code such as "fr", "ha" or "dje"');

/** Text in several languages, keyed by language code. Every complete drive language must be present. */
export const localizedSchema = z.record(languageCode, z.string().min(1));

export const driveConfigSchema = z
  .object({
    id: code,
    name: localizedSchema,
    /** ISO 3166-1 alpha-2 country code. */
    country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as "NE"'),
    /** Region used to read phone numbers written without a country code (libphonenumber region). */
    phoneRegion: z.string().regex(/^[A-Z]{2}$/),
    /** IANA time zone in which "the day of registration" is counted. */
    timezone: z.string().min(1),
    minimumAge: z.number().int().min(0).max(120),
    /** Anyone older than this is taken for a typing mistake. */
    maximumAge: z.number().int().min(1).max(130),
    languages: z
      .array(
        z
          .object({
            code: languageCode,
            name: z.string().min(1),
            /** A complete language has every label and message; others fall back to `defaultLanguage`. */
            complete: z.boolean(),
          })
          .strict(),
      )
      .min(1),
    defaultLanguage: languageCode,
    /** Languages a volunteer may say they speak (not necessarily languages of the interface). */
    spokenLanguages: z.array(z.object({ code: languageCode, labels: localizedSchema }).strict()).min(1),
    roles: z.array(z.object({ id: code, labels: localizedSchema }).strict()).min(1),
    skills: z
      .array(
        z
          .object({
            id: code,
            labels: localizedSchema,
            /** Roles this skill usually serves; used to suggest skills, never to refuse a combination. */
            roles: z.array(code).default([]),
          })
          .strict(),
      )
      .min(1),
    areaLevels: z.array(z.object({ level: z.number().int().min(1), labels: localizedSchema }).strict()).min(1),
    areas: z
      .array(
        z
          .object({
            pcode: z.string().regex(/^[A-Z0-9]+$/, 'an upper-case P-code such as "NE008"'),
            name: z.string().min(1),
            level: z.number().int().min(1),
            parent: z.string().nullable(),
          })
          .strict(),
      )
      .min(1),
    sites: z
      .array(
        z
          .object({
            id: code,
            name: z.string().min(1),
            area: z.string(),
          })
          .strict(),
      )
      .default([]),
    consent: z
      .object({
        /** The current notice version; registrations must quote it. */
        version: z.string().min(1),
        texts: localizedSchema,
        /** Earlier versions still accepted (an agent device may be a version behind while offline). */
        acceptedVersions: z.array(z.string().min(1)).default([]),
      })
      .strict(),
    retention: z
      .object({
        /** How long after the end of the drive personal data are kept before erasure. */
        days: z.number().int().min(1),
      })
      .strict(),
    /** Controls on exports of the roster (the most dangerous action in the system). */
    exports: z
      .object({
        /** A second person must approve each export of personal data before the file is made. */
        requireApproval: z.boolean().default(true),
        /** Requesting, approving and downloading need a sign-in at most this old (minutes). */
        freshSignInMinutes: z.number().int().min(1).max(720).default(15),
        /** The file is deleted, and downloads refused, this long after it is made (hours). */
        expiryHours: z.number().int().min(1).max(24 * 90).default(72),
        /** Files are encrypted to the recipient's age public key; only this lets a request opt out. */
        allowUnencrypted: z.boolean().default(false),
      })
      .strict()
      .default({ requireApproval: true, freshSignInMinutes: 15, expiryHours: 72, allowUnencrypted: false }),
    /** Where the areas came from, the licence, and the date of the source: shown by `muster config check`. */
    sources: z.array(z.string()).default([]),
  })
  .strict();

export type DriveConfig = z.infer<typeof driveConfigSchema>;
export type Localized = z.infer<typeof localizedSchema>;
