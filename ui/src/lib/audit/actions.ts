// Every action the core writes to the audit trail (src/access/policy Action::audit_name
// and the session and account events in src/access/ and src/clinic/). The i18n test checks each has a
// translation in every language.
export const AUDIT_ACTIONS = [
  'clinic_created', 'login', 'login_failed', 'logout', 'lock', 'unlock', 'unlock_failed', 'session_expired',
  'vault_recovery_unlock', 'password_reset_recovery', 'client_create', 'client_list', 'client_read', 'client_update',
  'client_access_log', 'journal_read', 'entry_create', 'entry_update', 'entry_sign', 'entry_addendum', 'journal_search', 'client_print', 'national_id_reveal', 'audit_read', 'audit_verify', 'audit_export', 'audit_review', 'audit_review_mark',
  'staff_create', 'staff_list', 'staff_update', 'settings_change', 'password_change', 'pin_set', 'pin_unlock', 'pin_failed', 'pin_disabled',
  'pin_end', 'emergency_access', 'relation_change', 'session_end', 'totp_enabled', 'totp_disabled', 'totp_failed', 'totp_recovery_used', 'email_change', 'attachment_add', 'attachment_list', 'attachment_open', 'attachment_remove', 'entry_auto_sign', 'template_change', 'totp_recovery_renewed', 'relation_list', 'clock_backwards', 'backup_create', 'backup_failed', 'crash_check',
  'password_failed', 'desk_open', 'totp_disabled_by_failures', 'backup_restore', 'totp_begin',
] as const;
