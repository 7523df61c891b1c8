-- The dispatcher finds what is due; histories are read newest first, per user and for admins.
CREATE INDEX notifications_due ON notifications.notifications (status, next_attempt_at);
CREATE INDEX notifications_user ON notifications.notifications (user_id, created_at, id);
CREATE INDEX notifications_created ON notifications.notifications (created_at, id);
