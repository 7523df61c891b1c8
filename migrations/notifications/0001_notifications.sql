-- Every message the shop sends (from an event or an admin) with its delivery state, and each user's
-- preferences.
CREATE TABLE notifications.notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'skipped')),
    order_id TEXT,
    -- The event that asked for it: one message per event and channel, however often it arrives.
    source_event_id TEXT,
    -- Bodies holding a secret (a password reset token) are emptied once the message is done.
    sensitive INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    next_attempt_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (source_event_id, channel)
);
CREATE TABLE notifications.preferences (
    user_id TEXT PRIMARY KEY,
    promotional INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
