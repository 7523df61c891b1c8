-- Emails are unique once normalised; a family is revoked as a whole; a user's tokens go at logout-all.
CREATE UNIQUE INDEX accounts_email ON users.accounts (email);
CREATE INDEX refresh_tokens_family ON users.refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON users.refresh_tokens (user_id);
