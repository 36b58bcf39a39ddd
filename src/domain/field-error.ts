/**
 * A refusal of one field, as a code and parameters; the words come from the message catalogue in
 * the requester's language, so the same rule reads the same in every channel.
 */
export interface FieldError {
  /** Dotted path of the field in the request, e.g. "birthDate" or "roles.1". */
  field: string;
  code: string;
  params?: Record<string, string | number>;
}
