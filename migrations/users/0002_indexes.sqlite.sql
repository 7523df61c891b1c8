-- Emails are unique once normalised; a family is revoked as a whole; a user's tokens go at logout-all.
CREATE UNIQUE INDEX users.accounts_email ON accounts (email);
CREATE INDEX users.refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX users.refresh_tokens_user ON refresh_tokens (user_id);
