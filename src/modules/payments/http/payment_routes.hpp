// The /v1/payment routes: checkout, status, refunds, transfer confirmation, disputes and provider webhooks.
#pragma once

namespace mercato::http {
class Router;
}

namespace mercato::payments {

class Payments;

void register_payment_routes(http::Router& router, Payments& payments);

}  // namespace mercato::payments
