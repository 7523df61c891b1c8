-- The dispatcher finds what is due; histories are read newest first, per user and for admins.
CREATE INDEX notifications.notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications.notifications_user ON notifications (user_id, created_at, id);
CREATE INDEX notifications.notifications_created ON notifications (created_at, id);
