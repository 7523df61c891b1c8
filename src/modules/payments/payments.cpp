#include "modules/payments/api/payments.hpp"

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
#include "kernel/unique_write.hpp"
#include "modules/orders/api/events.hpp"
#include "modules/payments/api/events.hpp"
#include "modules/payments/domain/card.hpp"
#include "modules/payments/domain/payment_json.hpp"
#include "modules/payments/providers/payment_provider.hpp"
#include "modules/payments/store/payment_store.hpp"

namespace mercato::payments {

namespace {

using kernel::FieldError;
using kernel::Problem;
using nlohmann::json;

constexpr std::size_t sweep_batch = 100;
constexpr std::int64_t max_amount = 1'000'000'000'000;
constexpr std::size_t max_reason_length = 500;
constexpr const char* method_card = "card";
constexpr const char* method_transfer = "bank_transfer";

bool paid(const Payment& p) { return p.status == status_succeeded || p.status == status_partially_refunded; }

Problem no_payment() { return Problem::not_found("no such payment"); }

// The year and month it is in UTC, for card expiry.
std::pair<int, int> year_month(std::chrono::system_clock::time_point t) {
    const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(t)};
    return {static_cast<int>(day.year()), static_cast<int>(static_cast<unsigned>(day.month()))};
}

}  // namespace

struct Payments::Impl {
    Impl(std::shared_ptr<kernel::Database> database, kernel::bus::Bus& events, orders::Orders& order_book,
         std::unique_ptr<PaymentProvider> payment_provider, PaymentsSettings options)
        : db(std::move(database)), bus(events), orders(order_book), provider(std::move(payment_provider)), settings(std::move(options)) {}

    kernel::ModuleDb module() const { return db->module("payments"); }
    kernel::Backend backend() const { return db->backend(); }
    std::string stamp(std::chrono::system_clock::time_point t) const { return kernel::format_rfc3339(t); }
    std::string now() const { return stamp(settings.now()); }

    void check_checkout(const CheckoutRequest& r) const {
        std::vector<FieldError> errors;
        if (r.order_id.empty()) errors.push_back({"order_id", "is required"});
        if (r.method != method_card && r.method != method_transfer) errors.push_back({"method", "must be card or bank_transfer"});
        if (r.method == method_card && !r.card) errors.push_back({"card", "is required to pay by card"});
        if (r.method == method_transfer && r.card) errors.push_back({"card", "is only taken with method card"});
        if (r.card) {
            const auto [year, month] = year_month(settings.now());
            for (auto& e : card_problems(*r.card, year, month)) errors.push_back(std::move(e));
        }
        kernel::check_fields(std::move(errors));
    }

    kernel::KeyedAnswer checkout(const std::string& user_id, const CheckoutRequest& request,
                                 const std::optional<kernel::KeyRequest>& claim) {
        // Amount and currency are the order's, never the client's.
        const orders::Order order = orders.order(request.order_id, {user_id, false});
        if (order.status != orders::status_pending) {
            throw Problem::conflict(fmt::format("the order is {}; only a pending order can be paid", order.status));
        }
        Payment p;
        p.id = kernel::new_id("pay");
        p.order_id = order.id;
        p.user_id = user_id;
        p.status = status_pending;
        p.method = request.method;
        p.amount = order.total;
        p.currency = order.currency;
        p.provider = provider->name();
        p.created_at = p.updated_at = now();
        if (request.card) {
            p.card_brand = card_brand(request.card->number);
            p.card_last4 = request.card->number.substr(request.card->number.size() - 4);
        } else {
            p.reference = provider->open_transfer(p.id, p.amount, p.currency);
        }
        const std::string opened = payment_json(p).dump();
        module().write([&](soci::session& s) {
            open(s, p);
            if (!request.card && claim) kernel::complete_idempotency_key(s, *claim, 201, opened);
        });
        if (!request.card) return {201, opened, false};
        return charge(std::move(p), *request.card, claim);
    }

    // Stores the attempt: the unique index on an order's live payment turns a second one into a 409.
    void open(soci::session& s, const Payment& p) {
        try {
            kernel::write_unique(s, "payment_open", [&] { insert_payment(s, p); }, "the order has a payment already");
        } catch (const Problem& e) {
            if (e.status() != 409) throw;
            const auto live = live_payment(s, backend(), p.order_id, false);
            if (!live || live->status != status_pending) throw Problem::conflict("the order is paid already");
            if (live->method == method_transfer) {
                throw Problem::conflict(fmt::format("the order awaits bank transfer {}; it cannot be paid twice", live->reference));
            }
            throw Problem::conflict("a payment of this order is being made; see its status before trying again");
        }
    }

    kernel::KeyedAnswer charge(Payment p, const Card& card, const std::optional<kernel::KeyRequest>& claim) {
        ChargeOutcome outcome;
        try {
            outcome = provider->charge({p.id, p.amount, p.currency, &card});
        } catch (const std::exception& e) {
            spdlog::error("payments: {} could not charge payment {}: {}", p.provider, p.id, e.what());
            outcome = {false, {}, "provider_error", "the payment provider could not be reached"};
        }
        p.updated_at = now();
        p.status = outcome.approved ? status_succeeded : status_failed;
        p.provider_ref = outcome.provider_ref;
        p.failure_code = outcome.decline_code;
        p.failure_message = outcome.decline_message;
        const int status = outcome.approved ? 201 : (outcome.decline_code == "provider_error" ? 502 : 402);
        const std::string body =
            outcome.approved ? payment_json(p).dump()
                             : kernel::problem_json(Problem(status, kernel::status_title(status),
                                                            fmt::format("payment {} failed: {} ({}); the order is still pending and "
                                                                        "can be paid again",
                                                                        p.id, p.failure_message, p.failure_code)));
        module().write([&](soci::session& s) {
            if (!finish_payment(s, p)) throw Problem::conflict("the payment attempt was given up meanwhile; see its status");
            publish_processed(s, p);
            if (claim) kernel::complete_idempotency_key(s, *claim, status, body);
        });
        spdlog::info("payments: payment {} of order {} {}", p.id, p.order_id, p.status);
        return {status, body, false};
    }

    void publish_processed(soci::session& s, const Payment& p) {
        json payload{{"payment_id", p.id}, {"order_id", p.order_id}, {"user_id", p.user_id}, {"status", p.status},
                     {"method", p.method},  {"amount", p.amount},     {"currency", p.currency}, {"provider", p.provider}};
        if (!p.failure_code.empty()) payload["failure_code"] = p.failure_code;
        bus.publish(s, {topic_processed, p.order_id, payload.dump()});
    }

    // Ends a pending payment, in the caller's transaction, and says so on the log.
    void finish(soci::session& s, Payment p, const char* status, const std::string& code, const std::string& message) {
        p.status = status;
        p.failure_code = code;
        p.failure_message = message;
        p.updated_at = now();
        if (finish_payment(s, p)) publish_processed(s, p);
    }

    // Takes amount (all that is left when none) of a paid payment for a new pending refund.
    StoredRefund open_refund(soci::session& s, const Payment& p, std::optional<std::int64_t> amount, const std::string& reason,
                             const std::string& actor, const std::optional<std::string>& source) {
        if (!paid(p)) throw Problem::conflict(fmt::format("a {} payment cannot be refunded", p.status));
        const std::int64_t left = p.amount - p.refunded_amount;
        const std::int64_t asked = amount.value_or(left);
        if (left == 0 || asked > left) {
            throw Problem::conflict(fmt::format("{} {} (minor units) is left to refund; {} was asked", left, p.currency, asked));
        }
        const std::string at = now();
        if (!take_refund_amount(s, p.id, asked, at)) throw Problem::conflict("the payment changed meanwhile; try again");
        StoredRefund r{{kernel::new_id("ref"), p.id, asked, status_pending, reason, at}, source, actor, {}};
        insert_refund(s, r);
        return r;
    }

    // A refund nobody asked for by hand (a return, a cancelled order); once per source, and never
    // more than is left.
    void refund_by_itself(soci::session& s, const Payment& p, std::optional<std::int64_t> amount, const std::string& reason,
                          const std::string& source) {
        if (!paid(p) || refund_by_source(s, source)) return;
        const std::int64_t left = p.amount - p.refunded_amount;
        const std::int64_t asked = std::min(amount.value_or(left), left);
        if (asked <= 0) return;
        open_refund(s, p, asked, reason, "system", source);
        if (refunds_waiting) kernel::after_commit_once("payments.refunds-waiting", refunds_waiting);
    }

    // Asks the provider for a pending refund and records its answer. A provider that cannot be
    // reached leaves it pending for the sweeper; two settlers of one refund record it once.
    void settle(const std::string& refund_id) {
        const auto [refund, payment] = module().read([&](soci::session& s) {
            auto r = find_refund(s, backend(), refund_id, false);
            auto p = r ? find_payment(s, backend(), r->refund.payment_id, false) : std::nullopt;
            return std::pair{r, p};
        });
        if (!refund || !payment || refund->refund.status != status_pending) return;
        RefundOutcome outcome;
        try {
            outcome = provider->refund({refund_id, payment->provider_ref, refund->refund.amount, payment->currency});
        } catch (const std::exception& e) {
            spdlog::warn("payments: refund {} not settled now ({}); the sweeper tries again", refund_id, e.what());
            return;
        }
        module().write([&](soci::session& s) {
            const auto r = find_refund(s, backend(), refund_id, true);
            if (!r || r->refund.status != status_pending) return;
            auto p = *find_payment(s, backend(), r->refund.payment_id, true);
            const std::string at = now();
            if (!outcome.done) {
                finish_refund(s, refund_id, status_failed, outcome.provider_ref, at);
                give_back_refund_amount(s, p.id, r->refund.amount, at);
                spdlog::warn("payments: {} refused refund {}: {}", p.provider, refund_id, outcome.failure);
                return;
            }
            finish_refund(s, refund_id, status_succeeded, outcome.provider_ref, at);
            p.status = refunded_total(s, p.id) >= p.amount ? status_refunded : status_partially_refunded;
            set_payment_status(s, p.id, p.status, at);
            bus.publish(s, {topic_refunded, p.order_id,
                            json{{"refund_id", refund_id}, {"payment_id", p.id}, {"order_id", p.order_id}, {"user_id", p.user_id},
                                 {"amount", r->refund.amount}, {"currency", p.currency}, {"refunded_amount", p.refunded_amount},
                                 {"payment_status", p.status}, {"reason", r->refund.reason}}
                                .dump()});
        });
    }

    Refund read_refund(const std::string& id) {
        return module().read([&](soci::session& s) { return find_refund(s, backend(), id, false)->refund; });
    }

    void order_changed(soci::session& s, const json& change) {
        const auto order_id = change.at("order_id").get<std::string>();
        const auto status = change.at("status").get<std::string>();
        if (status == orders::status_cancelled) {
            auto p = live_payment(s, backend(), order_id, true);
            if (!p) return;
            if (p->status == status_pending && p->method == method_card) {
                // The charge is under way: the bus tries this event again once it has an answer.
                throw std::runtime_error("a card payment of the cancelled order " + order_id + " is still being made");
            }
            if (p->status == status_pending) {
                finish(s, *p, status_failed, "order_cancelled", "the order was cancelled before the transfer arrived");
                return;
            }
            refund_by_itself(s, *p, std::nullopt, "the order was cancelled after it was paid", "cancel:" + order_id);
        }
        if (status == orders::status_returned && change.contains("return")) {
            const auto& returned = change.at("return");
            const auto p = live_payment(s, backend(), order_id, true);
            if (!p) {
                spdlog::warn("payments: return of order {} approved, but the order has no payment to refund", order_id);
                return;
            }
            const auto return_id = returned.at("id").get<std::string>();
            refund_by_itself(s, *p, returned.at("amount").get<std::int64_t>(),
                             fmt::format("return {} approved: {}", return_id, returned.value("reason", "")), "return:" + return_id);
        }
    }

    void apply(soci::session& s, const ProviderEvent& event) {
        using Kind = ProviderEvent::Kind;
        if (event.kind == Kind::other) return;  // providers send more kinds than a shop acts on
        auto p = !event.payment_id.empty() ? find_payment(s, backend(), event.payment_id, true)
                                           : find_by_reference(s, backend(), event.reference, true);
        if (!p) {
            spdlog::warn("payments: {} event {} names no payment of this shop", provider->name(), event.id);
            return;
        }
        if (event.kind == Kind::dispute) return disputed(s, *p, event);
        if (p->status != status_pending) {
            // Money reported for an attempt that already failed (a transfer after its order was
            // cancelled) is not the shop's to keep, nor for this server to move on its own.
            if (p->status == status_failed && event.kind == Kind::payment_succeeded) {
                spdlog::warn("payments: {} reports money for payment {}, which failed ({}); return it at the provider",
                             provider->name(), p->id, p->failure_code);
                return;
            }
            spdlog::info("payments: {} event {} for payment {} that is {} already changes nothing", provider->name(), event.id,
                         p->id, p->status);
            return;
        }
        if (event.kind == Kind::payment_failed) {
            finish(s, *p, status_failed, event.failure_code.empty() ? "transfer_failed" : event.failure_code,
                   "the provider reported the payment failed");
            return;
        }
        if (event.amount && *event.amount != p->amount) {
            spdlog::warn("payments: {} event {} reports {} for payment {} of {}; left pending for an admin", provider->name(),
                         event.id, *event.amount, p->id, p->amount);
            return;
        }
        finish(s, *p, status_succeeded, {}, {});
    }

    void disputed(soci::session& s, const Payment& p, const ProviderEvent& event) {
        const std::string at = now();
        auto stored = find_dispute(s, backend(), provider->name(), event.dispute_id);
        if (!stored) {
            stored = StoredDispute{{kernel::new_id("dsp"), p.id, p.order_id, provider->name(), event.dispute_id,
                                    event.dispute_status, event.dispute_reason.empty() ? "unspecified" : event.dispute_reason,
                                    event.amount.value_or(p.amount), p.currency, at, at},
                                   event.created};
            insert_dispute(s, *stored);
        } else {
            Dispute& d = stored->dispute;
            // A decided dispute stays decided, and an older event delivered late changes nothing.
            if (d.status == "won" || d.status == "lost" || event.created < stored->event_at) return;
            d.status = event.dispute_status;
            if (!event.dispute_reason.empty()) d.reason = event.dispute_reason;
            if (event.amount) d.amount = *event.amount;
            d.updated_at = at;
            stored->event_at = event.created;
            update_dispute(s, *stored);
        }
        const Dispute& d = stored->dispute;
        bus.publish(s, {topic_disputed, p.order_id,
                        json{{"dispute_id", d.id}, {"payment_id", p.id}, {"order_id", p.order_id}, {"status", d.status},
                             {"reason", d.reason}, {"amount", d.amount}, {"currency", d.currency}}
                            .dump()});
    }

    std::shared_ptr<kernel::Database> db;
    kernel::bus::Bus& bus;
    orders::Orders& orders;
    std::unique_ptr<PaymentProvider> provider;
    PaymentsSettings settings;
    std::function<void()> refunds_waiting;
};

Payments::Payments(std::shared_ptr<kernel::Database> db, kernel::bus::Bus& bus, orders::Orders& orders,
                   std::unique_ptr<PaymentProvider> provider, PaymentsSettings settings)
    : impl_(std::make_unique<Impl>(std::move(db), bus, orders, std::move(provider), std::move(settings))) {}

Payments::~Payments() = default;

kernel::KeyedAnswer Payments::checkout(const std::string& user_id, const CheckoutRequest& request,
                                       const std::optional<kernel::IdempotencyKey>& key) {
    impl_->check_checkout(request);
    return kernel::run_idempotent(impl_->module(), user_id, key, impl_->settings.now(), impl_->settings.idempotency_ttl,
                                  [&](const std::optional<kernel::KeyRequest>& claim) { return impl_->checkout(user_id, request, claim); });
}

Payment Payments::payment(const std::string& payment_id, const Viewer& viewer) {
    const auto p = impl_->module().read([&](soci::session& s) { return find_payment(s, impl_->backend(), payment_id, false); });
    if (!p || (!viewer.admin && p->user_id != viewer.user_id)) throw no_payment();
    return *p;
}

Payment Payments::order_payment(const std::string& order_id, const Viewer& viewer) {
    const auto p = impl_->module().read([&](soci::session& s) { return latest_payment(s, order_id); });
    if (!p || (!viewer.admin && p->user_id != viewer.user_id)) throw Problem::not_found("the order has no payment");
    return *p;
}

Refunded Payments::refund(const std::string& admin_id, const RefundRequest& request, const std::optional<kernel::IdempotencyKey>& key) {
    auto& impl = *impl_;
    std::vector<FieldError> errors;
    if (request.payment_id.empty()) errors.push_back({"payment_id", "is required"});
    if (request.amount && (*request.amount < 1 || *request.amount > max_amount)) {
        errors.push_back({"amount", "must be a whole number of minor units from 1 to 10^12"});
    }
    if (request.reason.size() > max_reason_length) errors.push_back({"reason", "must be at most 500 characters"});
    kernel::check_fields(std::move(errors));
    // The key is answered with the refund's id when the refund is opened, before the provider is
    // asked: a retry after a lost answer finds that refund rather than opening a second one.
    const auto answer = kernel::run_idempotent(impl.module(), admin_id, key, impl.settings.now(), impl.settings.idempotency_ttl,
                                               [&](const std::optional<kernel::KeyRequest>& claim) {
                                                   return impl.module().write([&](soci::session& s) {
                                                       const auto p = find_payment(s, impl.backend(), request.payment_id, true);
                                                       if (!p) throw no_payment();
                                                       const auto r = impl.open_refund(s, *p, request.amount, request.reason,
                                                                                       admin_id, std::nullopt);
                                                       const kernel::KeyedAnswer opened{201, json{{"id", r.refund.id}}.dump(), false};
                                                       if (claim) kernel::complete_idempotency_key(s, *claim, opened.status, opened.body);
                                                       return opened;
                                                   });
                                               });
    const auto id = json::parse(answer.body).at("id").get<std::string>();
    if (!answer.replayed) impl.settle(id);
    return {impl.read_refund(id), answer.replayed};
}

Payment Payments::confirm_transfer(const std::string& payment_id) {
    auto& impl = *impl_;
    return impl.module().write([&](soci::session& s) {
        auto p = find_payment(s, impl.backend(), payment_id, true);
        if (!p) throw no_payment();
        if (p->method != method_transfer) throw Problem::conflict("only a bank transfer is confirmed by hand");
        if (p->status == status_succeeded) return *p;  // a repeat changes nothing
        if (p->status != status_pending) throw Problem::conflict(fmt::format("the transfer is {}; only a pending one is confirmed", p->status));
        impl.finish(s, *p, status_succeeded, {}, {});
        return *find_payment(s, impl.backend(), payment_id, false);
    });
}

WebhookReceipt Payments::receive_webhook(const std::string& provider, const WebhookDelivery& delivery) {
    auto& impl = *impl_;
    if (provider != impl.provider->name()) throw Problem::not_found("this server takes no payments through that provider");
    const auto event = impl.provider->verify_webhook(
        delivery, kernel::signature_check(impl.settings.webhook_secrets, impl.settings.webhook_tolerance, impl.settings.now()));
    const bool fresh = impl.module().write([&](soci::session& s) {
        if (!record_provider_event(s, provider, event.id, event.type, impl.now())) return false;
        impl.apply(s, event);
        return true;
    });
    return {event.id, !fresh};
}

kernel::Page<Dispute> Payments::disputes(const std::optional<std::string>& payment_id, std::size_t limit, const std::string& cursor) {
    return impl_->module().read([&](soci::session& s) { return select_disputes(s, payment_id, limit, cursor); });
}

void Payments::follow_orders(kernel::bus::Bus& bus) {
    bus.subscribe({"payments.orders", "payments", {orders::topic_status_changed},
                   [this](const kernel::bus::Envelope& e, soci::session& s) { impl_->order_changed(s, json::parse(e.payload)); }});
}

void Payments::sweep() {
    auto& impl = *impl_;
    const auto t = impl.settings.now();
    const auto interrupted = impl.module().read(
        [&](soci::session& s) { return pending_payments(s, method_card, impl.stamp(t - impl.settings.interrupted_after), sweep_batch); });
    for (const auto& id : interrupted) {
        impl.module().write([&](soci::session& s) {
            if (auto p = find_payment(s, impl.backend(), id, true); p && p->status == status_pending) {
                spdlog::warn("payments: card attempt {} was interrupted before {} answered; check it there", id, p->provider);
                impl.finish(s, *p, status_failed, "interrupted", "the attempt was interrupted before the provider answered");
            }
        });
    }
    const auto unsettled = impl.module().read([&](soci::session& s) { return pending_refunds(s, impl.stamp(t), sweep_batch); });
    for (const auto& id : unsettled) impl.settle(id);
    impl.module().write([&](soci::session& s) { kernel::prune_idempotency_keys(s, "payments", impl.stamp(t)); });
}

void Payments::when_refunds_wait(std::function<void()> wake) { impl_->refunds_waiting = std::move(wake); }

}  // namespace mercato::payments
