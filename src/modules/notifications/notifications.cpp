#include "modules/notifications/api/notifications.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "kernel/bus/bus.hpp"
#include "kernel/clock.hpp"
#include "kernel/database.hpp"
#include "kernel/ids.hpp"
#include "kernel/problem.hpp"
#include "kernel/transaction_hooks.hpp"
#include "modules/notifications/api/events.hpp"
#include "modules/notifications/channels/channel.hpp"
#include "modules/notifications/domain/event_messages.hpp"
#include "modules/notifications/store/notification_store.hpp"
#include "modules/notifications/templates/template_catalog.hpp"
#include "modules/users/api/users.hpp"

namespace mercato::notifications {

namespace {

using kernel::FieldError;
using kernel::Problem;
using nlohmann::json;

constexpr std::size_t dispatch_batch = 50;
constexpr std::size_t max_subject_length = 200;
constexpr std::size_t max_body_length = 10'000;
// How long one sender holds a message it is sending before another copy may try it: longer than
// any channel's timeout.
constexpr std::chrono::minutes send_lease{5};
// A sender leases a whole batch at once, so the lease must outlast the batch's last send: it starts
// sends only this long after leasing, holds the batch send_lease past that, and hands back what it
// did not start.
constexpr std::chrono::minutes batch_send_window{1};
constexpr const char* adhoc_kind = "message";

}  // namespace

struct Notifications::Impl {
    Impl(std::shared_ptr<kernel::Database> database, kernel::bus::Bus& events, users::Users& people,
         std::vector<std::unique_ptr<Channel>> outlets, NotificationsSettings options)
        : db(std::move(database)),
          bus(events),
          users(people),
          channels(std::move(outlets)),
          settings(std::move(options)),
          templates(settings.templates_dir, settings.language) {}

    kernel::ModuleDb module() const { return db->module("notifications"); }
    std::string stamp(std::chrono::system_clock::time_point t) const { return kernel::format_rfc3339(t); }
    std::string now() const { return stamp(settings.now()); }

    Channel* channel(const std::string& name) const {
        const auto it = std::ranges::find_if(channels, [&](const auto& c) { return c->name() == name; });
        return it == channels.end() ? nullptr : it->get();
    }

    // A new message for the user on the channel, rendered from the kind's template.
    Outgoing compose(const std::string& channel_name, const std::string& kind, const std::string& user_id,
                     const std::optional<std::string>& order_id, const std::string& recipient, std::map<std::string, std::string> values) {
        values["shop"] = settings.shop_name;
        const auto rendered = templates.render(kind, settings.language, values);
        const std::string at = now();
        Outgoing o;
        o.notification = {kernel::new_id("ntf"), user_id, channel_name, kind, rendered.subject, status_queued, order_id, 0, "", at, at};
        o.recipient = recipient;
        o.body_text = rendered.text;
        o.body_html = rendered.html;
        json payload{{"id", o.notification.id}, {"kind", kind},      {"user_id", user_id},        {"order_id", nullptr},
                     {"subject", rendered.subject}, {"text", rendered.text}, {"created_at", at}};
        if (order_id) payload["order_id"] = *order_id;
        o.payload = payload.dump();
        o.next_attempt_at = at;
        return o;
    }

    void queued(bool any) {
        if (any && wake) kernel::after_commit_once("notifications.queued", wake);
    }

    // An event's messages: an email to the customer, and the same news to the shop's webhooks.
    void on_event(soci::session& s, const kernel::bus::Envelope& e) {
        const auto message = message_for(e.topic, json::parse(e.payload));
        if (!message) return;
        auto values = message->values;
        std::string email = message->email;
        try {
            const auto profile = users.profile(message->user_id);
            values["name"] = profile.name;
            if (email.empty()) email = profile.email;
        } catch (const Problem& p) {
            if (p.status() != 404) throw;
            spdlog::info("notifications: user {} is gone; no {} message", message->user_id, message->kind);
            return;
        }
        values["email"] = email;
        bool any = false;
        for (const char* name : {"email", "webhook"}) {
            if (!channel(name)) continue;
            auto o = compose(name, message->kind, message->user_id, message->order_id, name == std::string("email") ? email : "",
                             values);
            o.source_event_id = e.id;
            o.sensitive = message->sensitive;
            any |= insert_notification(s, o);
        }
        queued(any);
    }

    // Leases a batch of due messages, sends them, and records how each went: two commits a batch.
    // A sender that dies before recording leaves its messages leased until the lease runs out, and
    // then they are sent again. Returns how many were leased.
    std::size_t deliver_batch() {
        const auto leased_at = settings.now();
        const auto lease_until = stamp(leased_at + batch_send_window + send_lease);
        auto batch = module().write(
            [&](soci::session& s) { return lease_due_notifications(s, stamp(leased_at), lease_until, dispatch_batch); });
        if (batch.empty()) return 0;
        std::size_t tried = 0;
        for (; tried < batch.size() && settings.now() < leased_at + batch_send_window; ++tried) attempt(batch[tried]);
        module().write([&](soci::session& s) {
            for (std::size_t i = 0; i < batch.size(); ++i) {
                if (i < tried) {
                    record(s, batch[i]);
                } else {
                    release_notification(s, batch[i].notification.id, lease_until, now());
                }
            }
        });
        return batch.size();
    }

    // Sends a leased message and sets what came of it: its status, attempts, error and next attempt.
    void attempt(Outgoing& o) {
        Notification& n = o.notification;
        std::string error;
        bool hopeless = false;  // the message itself is refused (a malformed address): no retry helps
        try {
            Channel* c = channel(n.channel);
            if (c == nullptr) throw std::runtime_error("the " + n.channel + " channel is not configured");
            c->send({n.id, n.kind, o.recipient, n.subject, o.body_text, o.body_html, o.payload});
        } catch (const std::invalid_argument& ex) {
            error = ex.what();
            hopeless = true;
        } catch (const std::exception& ex) {
            error = ex.what();
        }
        const auto after = settings.now();
        n.attempts += 1;
        n.updated_at = stamp(after);
        n.last_error = error;
        if (error.empty()) {
            n.status = status_sent;
        } else if (hopeless || n.attempts >= settings.max_attempts) {
            n.status = status_failed;
            spdlog::warn("notifications: {} {} to user {} failed after {} attempts: {}", n.channel, n.kind, n.user_id, n.attempts, error);
        } else {
            o.next_attempt_at = stamp(after + backoff(n.attempts));
        }
    }

    // Stores an attempt, and tells the bus of a message sent.
    void record(soci::session& s, const Outgoing& o) {
        const Notification& n = o.notification;
        record_attempt(s, o);
        if (n.status != status_sent) return;
        json payload{{"notification_id", n.id}, {"user_id", n.user_id}, {"channel", n.channel}, {"kind", n.kind}};
        if (n.order_id) payload["order_id"] = *n.order_id;
        bus.publish(s, {topic_sent, n.user_id, payload.dump()});
    }

    // Doubling from backoff_initial after each failed attempt, at most backoff_max.
    std::chrono::milliseconds backoff(int attempts) const {
        auto wait = settings.backoff_initial;
        for (int i = 1; i < attempts && wait < settings.backoff_max; ++i) wait *= 2;
        return std::min(wait, settings.backoff_max);
    }

    std::shared_ptr<kernel::Database> db;
    kernel::bus::Bus& bus;
    users::Users& users;
    std::vector<std::unique_ptr<Channel>> channels;
    NotificationsSettings settings;
    TemplateCatalog templates;
    std::function<void()> wake;
};

Notifications::Notifications(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, users::Users& users,
                             std::vector<std::unique_ptr<Channel>> channels, NotificationsSettings settings)
    : impl_(std::make_unique<Impl>(std::move(db), bus, users, std::move(channels), std::move(settings))) {}

Notifications::~Notifications() = default;

Notification Notifications::send(const AdHocMessage& m) {
    auto& impl = *impl_;
    std::vector<FieldError> errors;
    if (m.channel != "email" && m.channel != "sms" && m.channel != "push" && m.channel != "webhook") {
        errors.push_back({"channel", "must be email, sms, push or webhook"});
    } else if (!impl.channel(m.channel)) {
        errors.push_back({"channel", "is not configured on this server"});
    }
    if (m.channel == "email" && m.subject.empty()) errors.push_back({"subject", "is required for an email"});
    if (m.subject.size() > max_subject_length || m.subject.find_first_of("\r\n") != std::string::npos) {
        errors.push_back({"subject", "must be one line of at most 200 characters"});
    }
    if (m.body.empty() || m.body.size() > max_body_length) errors.push_back({"body", "must be 1 to 10000 characters"});
    std::optional<users::Profile> profile;
    try {
        profile = impl.users.profile(m.user_id);
    } catch (const Problem& p) {
        if (p.status() != 404) throw;
        errors.push_back({"user_id", "is no user of this shop"});
    }
    kernel::check_fields(std::move(errors));
    // sms has no number on file and push no device: their log providers are addressed by user id.
    const std::string recipient = m.channel == "email" ? profile->email : m.channel == "webhook" ? "" : profile->id;
    auto o = impl.compose(m.channel, adhoc_kind, m.user_id, std::nullopt, recipient,
                          {{"name", profile->name}, {"subject", m.subject}, {"body", m.body}});
    return impl.module().write([&](soci::session& s) {
        const auto prefs = find_preferences(s, m.user_id).value_or(Preferences{});
        if (m.promotional && !prefs.promotional) o.notification.status = status_skipped;
        insert_notification(s, o);
        impl.queued(o.notification.status == status_queued);
        return o.notification;
    });
}

kernel::Page<Notification> Notifications::history(const std::optional<std::string>& user_id, std::size_t limit, const std::string& cursor) {
    return impl_->module().read([&](soci::session& s) { return select_notifications(s, user_id, limit, cursor); });
}

Preferences Notifications::preferences(const std::string& user_id) {
    return impl_->module().read([&](soci::session& s) { return find_preferences(s, user_id).value_or(Preferences{}); });
}

Preferences Notifications::set_preferences(const std::string& user_id, const Preferences& preferences) {
    impl_->module().write([&](soci::session& s) { save_preferences(s, user_id, preferences, impl_->now()); });
    return preferences;
}

void Notifications::follow_events(kernel::bus::Bus& bus) {
    std::vector<std::string> topics;
    for (const char* topic : notified_topics) {
        if (impl_->db->serves(kernel::bus::topic_module(topic))) topics.emplace_back(topic);
    }
    bus.subscribe({"notifications.customers", "notifications", topics,
                   [this](const kernel::bus::Envelope& e, soci::session& s) { impl_->on_event(s, e); }});
}

std::size_t Notifications::deliver_due() { return impl_->deliver_batch(); }

void Notifications::when_queued(std::function<void()> wake) { impl_->wake = std::move(wake); }

}  // namespace mercato::notifications
